// audit_sample_logs DIR: writes a small two-node sample (province.db, city.db
// and their node keys and certificates) for trying the auditor commands, as
// docs/auditor.md does. The records lie in October and early November 2025.
#include "audit/exchange_log.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <iostream>

using namespace govbus;
using namespace govbus::audit;

namespace {

void make_key(const std::string& cn, const std::string& key_path, const std::string& cert_path) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                                                           EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    X509_set_version(x.get(), 2);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -86400L * 400);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400L * 3650);
    X509_set_pubkey(x.get(), key.get());
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
    X509_sign(x.get(), key.get(), EVP_sha256());
    std::unique_ptr<FILE, decltype(&std::fclose)> k(std::fopen(key_path.c_str(), "w"), std::fclose);
    PEM_write_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::unique_ptr<FILE, decltype(&std::fclose)> c(std::fopen(cert_path.c_str(), "w"), std::fclose);
    PEM_write_X509(c.get(), x.get());
}

std::unique_ptr<ExchangeLog> open_log(const std::string& dir, const std::string& node) {
    make_key(node, dir + "/" + node + ".key", dir + "/" + node + ".crt");
    Options o;
    o.node_id = node;
    o.signing_key_path = dir + "/" + node + ".key";
    o.certificate_path = dir + "/" + node + ".crt";
    o.checkpoint_every = 20;
    auto log = ExchangeLog::open(dir + "/" + (node.rfind("province", 0) == 0 ? "province.db" : "city.db"), o);
    if (!log) throw std::runtime_error(log.problem().to_string());
    return std::move(*log);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: audit_sample_logs DIR\n";
        return 2;
    }
    std::string dir = argv[1];
    std::filesystem::create_directories(dir);
    auto province = open_log(dir, "province-510000");
    auto city = open_log(dir, "city-510100");
    auto t0 = *parse_rfc3339("2025-10-08T09:00:00+08:00");
    int n = 0;
    // One case every 8 hours until 5 November: apply at the portal, through the province, to a Chengdu bureau.
    for (auto t = t0; t < *parse_rfc3339("2025-11-05T00:00:00+08:00"); t += std::chrono::hours(8), ++n) {
        std::string msg = "9b1e0c4e-0000-4000-8000-" + std::to_string(100000000000 + n);
        std::string cs = "510100-2025-" + std::to_string(10000 + n);
        const char* dest = n % 3 == 0 ? "cd.market" : (n % 3 == 1 ? "cd.tax" : "cd.civil");
        auto ev = [&](EventKind k, const std::string& from, const std::string& to, int at_ms, std::optional<std::int64_t> lat) {
            Event e;
            e.kind = k;
            e.message_id = msg;
            e.case_number = cs;
            e.type = n % 4 == 3 ? "data.query" : "case.apply";
            e.source = from;
            e.destination = to;
            e.region = "510100";
            // The message as received, for its digest, at intake; a delivery records the bytes it sent.
            const std::size_t body = 800 + 37 * static_cast<std::size_t>(n % 40);
            if (k == EventKind::received || k == EventKind::rejected)
                e.raw = "<Envelope id='" + msg + "'/>" + std::string(body, ' ');
            else if (k == EventKind::delivered)
                e.size = static_cast<std::int64_t>(body + 180);  // with the hops the nodes added
            e.latency_ms = lat;
            e.time = t + std::chrono::milliseconds(at_ms);
            return e;
        };
        // As the nodes log it: the destination is known from the routing on,
        // named "node:ID" or "endpoint:ID"; a node logs a delivery once the
        // next one has accepted the message, so after the next one's receipt.
        const std::string to_city = "node:city-510100", to_dept = std::string("endpoint:") + dest;
        province->record(ev(EventKind::received, "sc.portal", "", 0, std::nullopt));
        if (n % 10 == 9) {
            auto bad = ev(EventKind::rejected, "sc.portal", "", 4, std::nullopt);
            bad.reason_code = "data.id_number";
            bad.reason_text = "applicant 张三丰 ID 34052419800101001X, tel 13812345678: wrong check digit";
            bad.personal_names = {"张三丰"};
            province->record(bad);
            continue;
        }
        province->record(ev(EventKind::accepted, "sc.portal", "", 6, std::nullopt));
        province->record(ev(EventKind::routed, "sc.portal", to_city, 6, std::nullopt));
        int hop = 10 + (n * 13) % 90;  // in the province's outbox and on the wire
        city->record(ev(EventKind::received, "sc.portal", "", 6 + hop, std::nullopt));
        city->record(ev(EventKind::accepted, "sc.portal", "", 6 + hop + 5, std::nullopt));
        city->record(ev(EventKind::routed, "sc.portal", to_dept, 6 + hop + 5, std::nullopt));
        province->record(ev(EventKind::delivered, "sc.portal", to_city, 6 + hop + 7, 6 + hop + 7));
        int at_city = 10 + (n * 7) % 40;
        city->record(ev(EventKind::delivered, "sc.portal", to_dept, 6 + hop + at_city, at_city));
    }
    province->flush();
    city->flush();
    std::cout << "wrote " << dir << "/province.db and " << dir << "/city.db (" << n << " cases)\n";
    return 0;
}
