// The deployment's trust anchors and revocation lists, and the check of a
// signer's certificate before the node believes its signature: chain to a
// deployment CA, validity at a given time, revocation, key usage.
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <memory>
#include <string>
#include <vector>

namespace govbus::security {

enum class KeyPurpose { signing, encryption };

// Who a verified certificate names.
struct CertifiedIdentity {
    std::string id;    // subject CN: the endpoint or node id
    std::string kind;  // subject OU: "endpoint" or "node" (govbus pki), may be empty
    Suite suite = Suite::intl;
};

class TrustStore {
public:
    // CA certificates (PEM files, several certificates each allowed) and
    // CRLs (PEM). Problems: security.cert_unreadable, security.crl_unreadable.
    static Result<TrustStore> load(const std::vector<std::string>& ca_files, const std::vector<std::string>& crl_files);

    TrustStore(TrustStore&&) noexcept;
    TrustStore& operator=(TrustStore&&) noexcept;
    ~TrustStore();

    // Reason codes: security.cert_untrusted, security.cert_expired,
    // security.cert_not_yet_valid, security.cert_revoked, security.key_usage,
    // security.crl_stale (a CRL for the issuer is past its nextUpdate).
    Result<CertifiedIdentity> check(X509* cert, TimePoint at, KeyPurpose purpose) const;

    // Subjects (one-line form) of the CAs that no loaded CRL was signed by.
    std::vector<std::string> cas_without_crl() const;
    // Issuers of the loaded CRLs that are past their nextUpdate at `at`.
    std::vector<std::string> crls_past_next_update(TimePoint at) const;

private:
    TrustStore();
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace govbus::security
