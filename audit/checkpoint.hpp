// Checkpoints: (number, seq, chain hash, time) signed with the node's key, so
// an auditor holding the node certificate can tell a rewritten log from a true
// one. Keys are ECDSA P-256 or RSA (SHA-256) or SM2 with SM3 (GB/T 32918,
// default ID 1234567812345678).
#pragma once

#include "bus/core/problem.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <string>

namespace govbus::audit {

struct Checkpoint {
    std::int64_t number = 0;      // 1, 2, 3 ... without gaps in a log
    std::int64_t seq = 0;         // the last record it covers (0: none yet)
    std::string chain_hash;       // h_seq, lower-case hex
    std::string time;             // RFC 3339, when it was signed
    std::string kind;             // count | interval | seal | close | manual
    std::string month;            // for kind seal: the month it closes, "2026-10"; else ""
    std::string node_id;
    std::string cert_fingerprint; // SHA-256 of the signing certificate's DER, hex
    std::string signature;        // raw signature bytes (DER for ECDSA/SM2)
};

// The signed bytes: length-prefixed fields (as records) in this order: the tag
// "govbus-audit-checkpoint-1", node_id, number, seq, chain_hash, time, kind, month.
std::string checkpoint_signed_bytes(const Checkpoint& c);

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};

// The node's private key and certificate, loaded from PEM files.
class NodeSigner {
public:
    static Result<NodeSigner> load(const std::string& key_path, const std::string& cert_path);
    std::string sign(const std::string& bytes) const;  // throws only when OpenSSL fails on a loaded key
    const std::string& certificate_pem() const { return cert_pem_; }
    const std::string& fingerprint() const { return fingerprint_; }

private:
    std::unique_ptr<EVP_PKEY, PkeyFree> key_;
    std::string cert_pem_;
    std::string fingerprint_;
};

// A certificate parsed from PEM, for verifying checkpoints.
class NodeCertificate {
public:
    static Result<NodeCertificate> parse(const std::string& pem);
    static Result<NodeCertificate> load(const std::string& path);
    bool verifies(const Checkpoint& c) const;
    const std::string& fingerprint() const { return fingerprint_; }
    const std::string& pem() const { return pem_; }
    std::string subject() const;

private:
    std::unique_ptr<X509, X509Free> cert_;
    std::string pem_;
    std::string fingerprint_;
};

}  // namespace govbus::audit
