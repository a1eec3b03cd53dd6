// RAII owners for the OpenSSL handles security/ uses, and the one way it
// turns OpenSSL's error queue into a sentence.
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>

namespace govbus::security {

struct BioFree { void operator()(BIO* b) const { BIO_free_all(b); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };
struct CipherCtxFree { void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); } };
struct MacFree { void operator()(EVP_MAC* m) const { EVP_MAC_free(m); } };
struct MacCtxFree { void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); } };
struct StoreFree { void operator()(X509_STORE* s) const { X509_STORE_free(s); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
struct CrlFree { void operator()(X509_CRL* c) const { X509_CRL_free(c); } };

using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using Store = std::unique_ptr<X509_STORE, StoreFree>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, StoreCtxFree>;
using Crl = std::unique_ptr<X509_CRL, CrlFree>;

// The newest OpenSSL error as text ("" when none); clears the queue.
inline std::string openssl_error() {
    unsigned long e = ERR_get_error();
    std::string last;
    while (e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        last = buf;
        e = ERR_get_error();
    }
    return last;
}

// GB/T 32918.2 / GM/T 0009 §10: the default signer id for SM2.
inline constexpr char kSm2DefaultId[] = "1234567812345678";

}  // namespace govbus::security
