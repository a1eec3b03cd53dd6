#include "security/envelope_verifier.hpp"

#include "bus/codec/codec.hpp"
#include "bus/core/log.hpp"
#include "security/jose/jws.hpp"
#include "security/xml/xml_signature.hpp"

#include <filesystem>

namespace govbus::security {

namespace {

std::vector<std::string> files(const YAML::Node& n, const std::string& dir) {
    std::vector<std::string> out;
    auto add = [&](const std::string& f) {
        std::filesystem::path p(f);
        out.push_back(p.is_relative() ? (std::filesystem::path(dir) / p).string() : f);
    };
    if (n && n.IsScalar()) add(n.as<std::string>());
    if (n && n.IsSequence())
        for (const auto& x : n) add(x.as<std::string>());
    return out;
}

}  // namespace

Result<VerifierOptions> read_verifier_options(const YAML::Node& block, const std::string& config_dir) {
    VerifierOptions o;
    for (const auto& kv : block) {
        const std::string key = kv.first.as<std::string>();
        if (key != "trust" && key != "crl" && key != "require_signatures")
            return make_problem("config.invalid", "/security/" + key + ": unknown key (trust, crl, require_signatures)",
                                "/security/" + key, kv.first.Mark().line + 1);
    }
    o.trust = files(block["trust"], config_dir);
    o.crl = files(block["crl"], config_dir);
    if (block["require_signatures"]) o.require_signatures = block["require_signatures"].as<bool>();
    if (o.trust.empty())
        return make_problem("config.invalid", "/security/trust: name the deployment CA certificate(s) senders chain to",
                            "/security/trust", block.Mark().line + 1);
    return o;
}

Result<std::unique_ptr<EnvelopeVerifier>> EnvelopeVerifier::make(const VerifierOptions& options, Clock clock) {
    auto store = TrustStore::load(options.trust, options.crl);
    if (!store) return store.problems();
    return std::unique_ptr<EnvelopeVerifier>(new EnvelopeVerifier(std::move(store.value()), options, std::move(clock)));
}

namespace {
std::vector<std::filesystem::file_time_type> stamps_of(const VerifierOptions& o) {
    std::vector<std::filesystem::file_time_type> out;
    for (const auto* list : {&o.trust, &o.crl})
        for (const auto& f : *list) {
            std::error_code ec;
            out.push_back(std::filesystem::last_write_time(f, ec));
        }
    return out;
}
}  // namespace

EnvelopeVerifier::EnvelopeVerifier(TrustStore store, VerifierOptions options, Clock clock)
    : store_(std::make_shared<const TrustStore>(std::move(store))),
      stamps_(stamps_of(options)),
      last_look_(std::chrono::steady_clock::now()),
      options_(std::move(options)),
      clock_(std::move(clock)) {}

std::shared_ptr<const TrustStore> EnvelopeVerifier::current_store() {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_look_ < std::chrono::seconds(2)) return store_;
    last_look_ = now;
    auto stamps = stamps_of(options_);
    if (stamps == stamps_) return store_;
    auto fresh = TrustStore::load(options_.trust, options_.crl);
    if (!fresh) {
        GOVBUS_LOG(error, "keeping the previous trust anchors and CRLs: " << fresh.problem().to_string());
        return store_;
    }
    stamps_ = std::move(stamps);
    store_ = std::make_shared<const TrustStore>(std::move(fresh.value()));
    GOVBUS_LOG(info, "trust anchors and CRLs re-read after a change on disk");
    return store_;
}

Status EnvelopeVerifier::verify(const VerifyRequest& r) {
    const Envelope& env = r.envelope;
    if (env.security.signature.empty()) {
        // A reply a node wrote itself (bus/node/query_desk.hpp) starts at that
        // node and reaches the next one only over the authenticated node link.
        const bool from_a_node = !env.hops.empty() && env.hops.front().node == env.source && env.type == "data.reply";
        if (!options_.require_signatures || r.unsigned_allowed || from_a_node) return ok_status();
        return make_problem("security.signature_missing",
                            "the message is not signed; every endpoint signs what it sends (docs/security.md)",
                            "/security/signature");
    }
    Certificate cert;
    std::string suite;
    if (codec::detect_encoding(r.raw) == codec::Encoding::xml) {
        auto check = verify_xml_envelope(r.raw);
        if (!check) return check.problems();
        cert = std::move(check->signer_cert);
        suite = check->suite;
    } else {
        auto check = verify_json_envelope(r.raw);
        if (!check) return check.problems();
        cert = std::move(check->signer_cert);
        suite = check->suite;
    }
    auto identity = current_store()->check(cert.get(), clock_(), KeyPurpose::signing);
    if (!identity) return identity.problems();
    if (identity->id != env.source)
        return make_problem("security.signer_not_source",
                            "the message is signed by '" + identity->id + "' but names source '" + env.source + "'",
                            "/header/source");
    if (!r.expected_suite.empty() && r.expected_suite != suite)
        return make_problem("security.suite_mismatch",
                            "endpoint '" + env.source + "' is registered for the " + r.expected_suite +
                                " suite but signed with " + suite,
                            "/security/suite");
    if (!env.security.suite.empty() && env.security.suite != suite)
        return make_problem("security.suite_mismatch",
                            "security.suite says " + env.security.suite + " but the signature is " + suite,
                            "/security/suite");
    return ok_status();
}

}  // namespace govbus::security
