// A deployment's PKI (docs/security.md "PKI"): one directory per CA holding
// its key, certificate, issued certificates, an index of what was issued and
// revoked, and the revocation list. `govbus pki` is the command line over it.
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <string>
#include <vector>

namespace govbus::security {

enum class CertificateKind { node, endpoint };

struct PkiInit {
    std::string dir;
    Suite suite = Suite::intl;
    bool rsa = false;  // intl only: RSA-2048 instead of ECDSA P-256
    std::string name = "govbus deployment CA";
    int days = 3650;
};

struct PkiIssue {
    std::string dir;
    std::string id;  // endpoint id (the CN) or node id (CN "node:<id>"); also the file names
    CertificateKind kind = CertificateKind::endpoint;
    bool rsa = false;  // intl only
    int days = 825;
    std::vector<std::string> hosts;  // subjectAltName DNS names / IP addresses for TLS servers
};

struct IssuedCertificate {
    std::string key_file;
    std::string cert_file;
    std::string serial;  // hex
};

// One line of the CA's index (DIR/index.tsv).
struct IndexEntry {
    std::string serial;
    std::string id;
    std::string kind;     // node | endpoint
    std::string status;   // valid | revoked
    std::string revoked;  // RFC 3339 time, when revoked
    std::string reason;   // RFC 5280 §5.3.1 reason name
};

// Problems: pki.exists (init over a CA), pki.missing (no CA in dir),
// pki.io, pki.openssl, pki.unknown (revoking what was never issued).
Status pki_init(const PkiInit& request);
Result<IssuedCertificate> pki_issue(const PkiIssue& request);
Status pki_revoke(const std::string& dir, const std::string& id, const std::string& reason);
// Writes DIR/crl.pem: every revoked certificate, valid for `days`.
Result<std::string> pki_crl(const std::string& dir, int days, TimePoint now = std::chrono::system_clock::now());
Result<std::vector<IndexEntry>> pki_index(const std::string& dir);
Result<Suite> pki_suite(const std::string& dir);

}  // namespace govbus::security
