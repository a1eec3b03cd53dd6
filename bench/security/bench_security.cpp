// Message security benchmark: signs, verifies, encrypts and decrypts per
// second for each suite at about 1 KiB and 64 KiB, JSON (JWS/JWE) and XML
// (XML-DSig/XML-Enc), then `openssl speed` for the same primitives in the
// same run. Prints Markdown for bench/RESULTS.md.
//   bench_security [--seconds S]
#include "bus/codec/codec.hpp"
#include "security/jose/jwe.hpp"
#include "security/jose/jws.hpp"
#include "security/pki.hpp"
#include "security/xml/xml_encryption.hpp"
#include "security/xml/xml_signature.hpp"
#include "tools/common/sample_messages.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

using namespace govbus;
using namespace govbus::security;
using Steady = std::chrono::steady_clock;

namespace {

// Operations per second of `once` over about `seconds`; aborts when it fails.
double rate(double seconds, const std::function<bool()>& once) {
    if (!once()) {
        std::fprintf(stderr, "bench_security: an operation failed\n");
        std::abort();
    }
    long n = 0;
    const auto start = Steady::now();
    while (Steady::now() - start < std::chrono::duration<double>(seconds)) {
        if (!once()) std::abort();
        ++n;
    }
    return n / std::chrono::duration<double>(Steady::now() - start).count();
}

struct Party {
    PKey key;
    Certificate cert;
};

Party party(const std::string& dir, Suite suite, bool rsa, const std::string& id) {
    PkiInit init;
    init.dir = dir;
    init.suite = suite;
    init.rsa = rsa;
    if (!pki_init(init)) std::abort();
    PkiIssue r;
    r.dir = dir;
    r.id = id;
    r.rsa = rsa;
    auto i = pki_issue(r);
    if (!i) std::abort();
    return {std::move(load_private_key(i->key_file).value()), std::move(load_certificate(i->cert_file).value())};
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 1;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[++i]);
    char tmpl[] = "/tmp/govbus-bench-security-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    struct Suite_ {
        const char* name;
        Party p;
    };
    Suite_ suites[] = {{"intl ECDSA P-256", party(dir + "/ec", Suite::intl, false, "sc.portal")},
                       {"intl RSA-2048", party(dir + "/rsa", Suite::intl, true, "sc.portal")},
                       {"gm SM2/SM3/SM4", party(dir + "/gm", Suite::gm, false, "sc.portal")}};
    const codec::Codec codec;
    std::printf("| suite | encoding | message | sign/s | verify/s | encrypt/s | decrypt/s |\n|---|---|---|---|---|---|---|\n");
    for (auto& s : suites) {
        for (std::size_t padding : {std::size_t(0), std::size_t(63 * 1024)}) {
            tools::CaseRequest r;
            r.form_padding = padding;
            const Envelope env = tools::make_case_apply(r);
            for (auto enc : {codec::Encoding::json, codec::Encoding::xml}) {
                const bool xml = enc == codec::Encoding::xml;
                const std::string clear = codec.encode(env, enc);
                EVP_PKEY* key = s.p.key.get();
                X509* cert = s.p.cert.get();
                const std::string signed_msg = xml ? sign_xml_envelope(clear, key, cert).value()
                                                   : sign_json_envelope(clear, key, cert).value();
                double sign_rate = rate(seconds, [&] {
                    return xml ? sign_xml_envelope(clear, key, cert).ok() : sign_json_envelope(clear, key, cert).ok();
                });
                double verify_rate = rate(seconds, [&] {
                    return xml ? verify_xml_envelope(signed_msg).ok() : verify_json_envelope(signed_msg).ok();
                });
                std::string enc_rate = "-", dec_rate = "-";
                if (!(xml && std::string(s.name).find("ECDSA") != std::string::npos)) {  // XML-Enc needs RSA or SM2
                    const std::string sealed = xml ? encrypt_xml_payload(clear, cert, "sc.portal").value()
                                                   : encrypt_json_payload(clear, cert, "sc.portal").value();
                    enc_rate = std::to_string(static_cast<long>(rate(seconds, [&] {
                        return xml ? encrypt_xml_payload(clear, cert, "sc.portal").ok()
                                   : encrypt_json_payload(clear, cert, "sc.portal").ok();
                    })));
                    dec_rate = std::to_string(static_cast<long>(rate(seconds, [&] {
                        return xml ? decrypt_xml_payload(sealed, key).ok() : decrypt_json_payload(sealed, key).ok();
                    })));
                }
                std::printf("| %s | %s | %zu B | %.0f | %.0f | %s | %s |\n", s.name, xml ? "XML" : "JSON", clear.size(),
                            sign_rate, verify_rate, enc_rate.c_str(), dec_rate.c_str());
                std::fflush(stdout);
            }
        }
    }
    std::filesystem::remove_all(dir);
    std::printf("\nopenssl speed, same run:\n\n```\n");
    std::fflush(stdout);
    int rc = std::system("openssl speed -seconds 1 ecdsap256 rsa2048 sm2 2>/dev/null | grep -E 'bits|sign/s' ; "
                         "openssl speed -seconds 1 -evp aes-256-gcm 2>/dev/null | tail -2; "
                         "openssl speed -seconds 1 -evp sm4-cbc 2>/dev/null | tail -1; "
                         "openssl speed -seconds 1 -evp sm3 2>/dev/null | tail -1; "
                         "openssl speed -seconds 1 -evp sha256 2>/dev/null | tail -1");
    std::printf("```\n");
    return rc == 0 ? 0 : 1;
}
