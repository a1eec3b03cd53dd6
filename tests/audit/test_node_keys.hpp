// Test fixtures for the exchange-log tests: a node key and self-signed
// certificate made with OpenSSL EVP in a fresh temporary directory.
#pragma once

#include "tests/support/temp_dir.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace govbus::audit::testing {

using TempDir = govbus::test::TempDir;

struct NodeKeyFiles {
    std::string key;
    std::string cert;
};

// Writes key.pem and cert.pem (CN=`cn`) for an EC P-256, SM2 or RSA-2048 key ("EC" / "SM2" / "RSA").
inline NodeKeyFiles make_node_key(const TempDir& dir, const std::string& cn = "province-510000",
                                  const std::string& algorithm = "EC") {
    EVP_PKEY* raw = algorithm == "SM2"   ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                    : algorithm == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                                         : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (!raw) throw std::runtime_error("keygen failed");
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600L * 24 * 3650);
    X509_set_pubkey(x.get(), key.get());
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x.get(), name);
    if (algorithm == "SM2") {
        // SM2 self-signature needs the ID on the context (SM2(7)).
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                        EVP_PKEY_CTX_free);
        EVP_PKEY_CTX_set1_id(pctx.get(), "1234567812345678", 16);
        EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
        EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, key.get());
        if (X509_sign_ctx(x.get(), md.get()) <= 0) throw std::runtime_error("SM2 cert sign failed");
    } else if (X509_sign(x.get(), key.get(), EVP_sha256()) <= 0) {
        throw std::runtime_error("cert sign failed");
    }
    NodeKeyFiles f{dir.file(cn + ".key"), dir.file(cn + ".crt")};
    FILE* k = std::fopen(f.key.c_str(), "w");
    PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(k);
    FILE* c = std::fopen(f.cert.c_str(), "w");
    PEM_write_X509(c, x.get());
    std::fclose(c);
    return f;
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs a shell command, returning its exit status and capturing stdout+stderr.
inline int run(const std::string& command, std::string* output = nullptr) {
    std::string cmd = command + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[4096];
    std::string out;
    while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = pclose(p);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace govbus::audit::testing
