// The node's message verifier (bus/node/message_verifier.hpp): the sender's
// XML-DSig or JWS verifies, its certificate chains to a deployment CA, is
// valid now and not revoked, allows signing, and names the message's source.
// Configured by the `security:` block of the node configuration
// (docs/operator.md "Message security").
#pragma once

#include "bus/node/message_verifier.hpp"
#include "security/trust_store.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

namespace govbus::security {

struct VerifierOptions {
    std::vector<std::string> trust;  // CA certificate files
    std::vector<std::string> crl;    // CRL files
    bool require_signatures = true;  // false: unsigned messages pass (loopback tests only)
};

// Reads the `security:` block; relative paths from `config_dir`. Problems name the key.
Result<VerifierOptions> read_verifier_options(const YAML::Node& block, const std::string& config_dir);

class EnvelopeVerifier : public MessageVerifier {
public:
    using Clock = std::function<TimePoint()>;
    static Result<std::unique_ptr<EnvelopeVerifier>> make(const VerifierOptions& options,
                                                          Clock clock = [] { return std::chrono::system_clock::now(); });

    // Reason codes: those of the signature checks (security/xml, security/jose),
    // of the trust store, and security.signer_not_source, security.suite_mismatch.
    Status verify(const VerifyRequest& request) override;

private:
    EnvelopeVerifier(TrustStore store, VerifierOptions options, Clock clock);
    // The trust store, re-read when a CA or CRL file changes (checked at most
    // every few seconds), so a newly published CRL takes effect without a restart.
    std::shared_ptr<const TrustStore> current_store();

    std::mutex mutex_;
    std::shared_ptr<const TrustStore> store_;
    std::vector<std::filesystem::file_time_type> stamps_;
    std::chrono::steady_clock::time_point last_look_{};
    VerifierOptions options_;
    Clock clock_;
};

}  // namespace govbus::security
