#include "security/tls_trust.hpp"

#include "bus/core/file_text.hpp"
#include "bus/core/log.hpp"
#include "security/crypto.hpp"
#include "security/openssl_handles.hpp"
#include "security/trust_store.hpp"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <sys/mman.h>
#include <unistd.h>

#include <optional>

namespace govbus::security {

namespace {

// The process-wide switch: unset until the first listener with TLS decides it.
std::mutex switch_mutex;
std::optional<bool> client_crl_checks;
std::string decided_by;

// Makes every TLS server in the process check a client certificate against
// its issuer's CRL (X509_V_FLAG_CRL_CHECK: the leaf; the deployment's CAs
// are roots). OpenSSL starts each client-certificate verification from the
// named parameters "ssl_client" and ORs their flags in; a table entry added
// here replaces the built-in one of that name.
Status install_client_crl_checks() {
    X509_VERIFY_PARAM* param = X509_VERIFY_PARAM_new();
    if (!param || !X509_VERIFY_PARAM_set1_name(param, "ssl_client") ||
        !X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT) ||
        !X509_VERIFY_PARAM_set_trust(param, X509_TRUST_SSL_CLIENT) ||
        !X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK) || !X509_VERIFY_PARAM_add0_table(param)) {
        X509_VERIFY_PARAM_free(param);
        return make_problem("security.tls", "OpenSSL refused the client CRL check: " + openssl_error());
    }
    return ok_status();
}

Status decide_client_crl_checks(bool wanted, const std::string& where) {
    std::lock_guard lock(switch_mutex);
    if (client_crl_checks && *client_crl_checks != wanted)
        return make_problem("security.tls",
                            where + (wanted ? " names a crl but " : " names no crl but ") + decided_by +
                                (wanted ? " does not" : " does") +
                                ": client certificates are checked against CRLs on every TLS listener of a node or "
                                "on none, so give each tls block a crl, or none",
                            where + "/crl");
    if (!client_crl_checks && wanted)
        if (auto st = install_client_crl_checks(); !st) return st;
    client_crl_checks = wanted;
    decided_by = where;
    return ok_status();
}

}  // namespace

TlsTrust::TlsTrust(std::string ca, std::vector<std::string> crls, std::string where)
    : ca_(std::move(ca)), crls_(std::move(crls)), where_(std::move(where)) {}

TlsTrust::~TlsTrust() {
    for (int fd : {current_fd_, previous_fd_})
        if (fd >= 0) ::close(fd);
}

Result<std::shared_ptr<TlsTrust>> TlsTrust::open(const std::string& ca, const std::vector<std::string>& crls,
                                                 const std::string& where) {
    std::shared_ptr<TlsTrust> trust(new TlsTrust(ca, crls, where));
    if (!crls.empty()) {
        std::lock_guard lock(trust->mutex_);
        if (auto st = trust->rebuild(); !st) return st.problems();
    }
    if (auto st = decide_client_crl_checks(!crls.empty(), where); !st) return st.problems();
    return trust;
}

std::filesystem::file_time_type TlsTrust::newest_input() const {
    auto newest = std::filesystem::file_time_type::min();  // not {}: the file clock's epoch lies ahead (2174)
    std::error_code ec;
    for (const auto& f : crls_) newest = std::max(newest, std::filesystem::last_write_time(f, ec));
    newest = std::max(newest, std::filesystem::last_write_time(ca_, ec));
    return newest;
}

Status TlsTrust::rebuild() {
    const auto stamp = newest_input();
    // The same checks as the message-level trust store: each CRL is signed by a CA of the file.
    auto store = TrustStore::load({ca_}, crls_);
    if (!store) {
        Problem p = store.problem();
        p.message = where_ + ": " + p.message;
        return p;
    }
    // Every CA needs its CRL: with the check on, OpenSSL refuses a client
    // whose issuer has none ("unable to get certificate CRL").
    if (auto missing = store->cas_without_crl(); !missing.empty())
        return make_problem("security.crl_missing",
                            "the CA '" + missing.front() + "' of " + ca_ +
                                " has no CRL among the crl files; its clients could not connect. Publish one "
                                "(govbus pki crl) and list it",
                            where_ + "/crl");
    for (const auto& issuer : store->crls_past_next_update(std::chrono::system_clock::now()))
        GOVBUS_LOG(warn, where_ << ": the CRL of '" << issuer
                                << "' is past its next update; clients of that CA are refused until a new one is "
                                   "published (govbus pki crl)");

    std::string bundle = read_whole_file(ca_).value_or("");
    for (const auto& f : crls_) {
        if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
        bundle += read_whole_file(f).value_or("");
    }
    const int fd = ::memfd_create("govbus-tls-trust", MFD_CLOEXEC);
    if (fd < 0) return make_problem("security.tls", "cannot make the in-memory trust file for " + where_);
    std::size_t done = 0;
    while (done < bundle.size()) {
        const auto n = ::write(fd, bundle.data() + done, bundle.size() - done);
        if (n <= 0) {
            ::close(fd);
            return make_problem("security.tls", "cannot write the in-memory trust file for " + where_);
        }
        done += static_cast<std::size_t>(n);
    }
    // A TLS library may be opening the previous file this moment; the one
    // before it has been out of use for a whole refresh.
    if (previous_fd_ >= 0) ::close(previous_fd_);
    previous_fd_ = current_fd_;
    current_fd_ = fd;
    built_from_ = stamp;
    ++generation_;
    return ok_status();
}

std::string TlsTrust::file() {
    if (crls_.empty()) return ca_;
    std::lock_guard lock(mutex_);
    if (newest_input() != built_from_) {
        if (auto st = rebuild(); st)
            GOVBUS_LOG(info, where_ << ": TLS trust reloaded with the changed CRLs");
        else {
            GOVBUS_LOG(error, where_ << ": keeping the previous TLS trust: " << st.problem().to_string());
            built_from_ = newest_input();  // said once per change, not once per connection
        }
    }
    return "/proc/self/fd/" + std::to_string(current_fd_);
}

int TlsTrust::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

}  // namespace govbus::security
