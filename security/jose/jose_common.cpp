#include "security/jose/jose_common.hpp"

#include <openssl/x509.h>

namespace govbus::security {

std::string certificate_der(X509* cert) {
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len <= 0) return {};
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

Result<Certificate> certificate_from_der(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Certificate cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) return make_problem("security.cert_unreadable", "the x5c certificate is not DER X.509");
    return cert;
}

std::string common_name(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0) return {};
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

}  // namespace govbus::security
