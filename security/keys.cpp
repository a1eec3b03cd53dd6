// Keys, certificates, digests and encodings (security/crypto.hpp).
#include "bus/core/file_text.hpp"
#include "security/crypto.hpp"
#include "security/openssl_handles.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>

namespace govbus::security {

const char* to_string(Suite suite) { return suite == Suite::gm ? "gm" : "intl"; }

Result<Suite> parse_suite(std::string_view text) {
    if (text == "intl") return Suite::intl;
    if (text == "gm") return Suite::gm;
    return make_problem("security.suite", "suite '" + std::string(text) + "' is neither intl nor gm");
}

Result<PKey> load_private_key(const std::string& pem_file) {
    auto text = read_whole_file(pem_file);
    if (!text) return make_problem("security.key_unreadable", "cannot read private key " + pem_file);
    Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
    PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) return make_problem("security.key_unreadable", pem_file + " holds no PEM private key: " + openssl_error());
    return key;
}

Result<Certificate> parse_certificate_pem(std::string_view pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return make_problem("security.cert_unreadable", "not a PEM certificate: " + openssl_error());
    return cert;
}

Result<Certificate> load_certificate(const std::string& pem_file) {
    auto text = read_whole_file(pem_file);
    if (!text) return make_problem("security.cert_unreadable", "cannot read certificate " + pem_file);
    auto cert = parse_certificate_pem(*text);
    if (!cert) return make_problem("security.cert_unreadable", pem_file + " holds no PEM certificate");
    return cert;
}

std::string certificate_pem(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

PKey public_key_of(X509* cert) { return PKey(X509_get_pubkey(cert)); }

bool is_sm2_key(EVP_PKEY* key) {
    if (!key) return false;
    if (EVP_PKEY_is_a(key, "SM2")) return true;
    char group[64] = {};
    size_t len = 0;
    return EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1 &&
           std::string_view(group, len) == "SM2";
}

bool is_rsa_key(EVP_PKEY* key) { return key && EVP_PKEY_is_a(key, "RSA"); }

bool is_ec_p256_key(EVP_PKEY* key) {
    char group[64] = {};
    size_t len = 0;
    return key && EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1 &&
           std::string_view(group, len) == "prime256v1";
}

namespace {
Bytes digest(const EVP_MD* md, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    return Bytes(reinterpret_cast<char*>(out), len);
}
}  // namespace

Bytes sha256(std::string_view data) { return digest(EVP_sha256(), data); }
Bytes sm3(std::string_view data) { return digest(EVP_sm3(), data); }

std::string to_hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

Bytes from_hex(std::string_view hex) {
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.size() % 2) return {};
    Bytes out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = value(hex[i]), lo = value(hex[i + 1]);
        if (hi < 0 || lo < 0) return {};
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

Bytes random_bytes(std::size_t n) {
    Bytes out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("the OpenSSL random generator failed: " + openssl_error());
    return out;
}

}  // namespace govbus::security
