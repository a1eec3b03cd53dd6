// JWS with detached content (RFC 7515 Appendix F) over JSON envelopes.
#include "security/jose/jws.hpp"

#include "security/jose/canonical_json.hpp"
#include "security/jose/jose_common.hpp"

namespace govbus::security {

namespace json = boost::json;

namespace {

struct Alg {
    const char* name;
    SignatureAlgorithm algorithm;
};
// RFC 7518 §3.1 names, and SM2SM3 for SM2-with-SM3 (GB/T 32918, signer id
// 1234567812345678, value r||s as for ES256). "none" and HMAC algorithms are
// never accepted: a node cannot hold every sender's secret.
constexpr Alg kAlgs[] = {{"ES256", SignatureAlgorithm::ecdsa_p256_sha256},
                         {"RS256", SignatureAlgorithm::rsa_sha256},
                         {"PS256", SignatureAlgorithm::rsa_pss_sha256},
                         {"SM2SM3", SignatureAlgorithm::sm2_sm3}};

// The envelope minus hops and minus security.signature, canonical.
std::string signed_content(json::object envelope) {
    envelope.erase("hops");
    if (auto* sec = envelope.if_contains("security"); sec && sec->is_object()) sec->as_object().erase("signature");
    return canonical_json(envelope);
}

// RFC 7518 §3.4: ES256 is ECDSA on P-256 only; §3.3 and §3.5: RSA keys of
// 2048 bits or more. Without this an ES256 header over an SM2 certificate
// would verify as ECDSA on the SM2 curve and report the wrong suite.
bool key_fits(EVP_PKEY* key, SignatureAlgorithm algorithm) {
    switch (algorithm) {
        case SignatureAlgorithm::ecdsa_p256_sha256: return is_ec_p256_key(key);
        case SignatureAlgorithm::sm2_sm3: return is_sm2_key(key);
        case SignatureAlgorithm::rsa_sha256:
        case SignatureAlgorithm::rsa_pss_sha256: return is_rsa_key(key) && EVP_PKEY_get_bits(key) >= 2048;
    }
    return false;
}

}  // namespace

Result<std::string> json_signing_content(std::string_view text) {
    auto v = parse_untrusted_json(text, "security.malformed_jws");
    if (!v) return v.problems();
    if (!v->is_object()) return make_problem("security.malformed_jws", "the envelope is not a JSON object");
    return signed_content(v->as_object());
}

Result<std::string> sign_json_envelope(std::string_view text, EVP_PKEY* key, X509* cert, bool rsa_pss) {
    auto v = parse_untrusted_json(text, "security.malformed_jws");
    if (!v) return v.problems();
    if (!v->is_object()) return make_problem("security.malformed_jws", "the envelope is not a JSON object");
    auto natural = natural_algorithm(key);
    if (!natural) return natural.problems();
    SignatureAlgorithm algorithm = *natural;
    if (rsa_pss && algorithm == SignatureAlgorithm::rsa_sha256) algorithm = SignatureAlgorithm::rsa_pss_sha256;
    const char* alg_name = nullptr;
    for (const auto& a : kAlgs)
        if (a.algorithm == algorithm) alg_name = a.name;

    json::object& env = v->as_object();
    json::object security = env.if_contains("security") && env.at("security").is_object() ? env.at("security").as_object()
                                                                                           : json::object();
    security["suite"] = algorithm == SignatureAlgorithm::sm2_sm3 ? "gm" : "intl";
    security["signer"] = common_name(cert);
    security.erase("signature");
    env["security"] = security;

    json::object header{{"alg", alg_name}, {"typ", "govbus+jws"},
                        {"x5c", json::array{json::string(base64_encode_standard(certificate_der(cert)))}}};
    const std::string protected_b64 = base64url_encode(json::serialize(header));
    const std::string content = signed_content(env);
    auto sig = sign(key, algorithm, protected_b64 + "." + base64url_encode(content));
    if (!sig) return sig.problems();
    env["security"].as_object()["signature"] = protected_b64 + ".." + base64url_encode(*sig);
    return json::serialize(env);
}

Result<JsonSignatureCheck> verify_json_envelope(std::string_view text) {
    auto v = parse_untrusted_json(text, "security.malformed_jws");
    if (!v) return v.problems();
    const json::object* env = v->if_object();
    const json::value* sec = env ? env->if_contains("security") : nullptr;
    const json::value* sig = sec && sec->is_object() ? sec->as_object().if_contains("signature") : nullptr;
    if (!sig || !sig->is_string() || sig->as_string().empty())
        return make_problem("security.signature_missing", "the envelope carries no security.signature",
                            "/security/signature");
    const std::string jws(sig->as_string());
    const auto dot1 = jws.find('.'), dot2 = jws.rfind('.');
    if (dot1 == std::string::npos || dot2 != dot1 + 1)
        return make_problem("security.malformed_jws",
                            "security.signature must be a compact JWS with detached content: header..signature",
                            "/security/signature");
    auto header_bytes = base64url_decode(std::string_view(jws).substr(0, dot1));
    auto signature = base64url_decode(std::string_view(jws).substr(dot2 + 1));
    if (!header_bytes || !signature)
        return make_problem("security.malformed_jws", "the JWS is not base64url", "/security/signature");
    auto header = parse_untrusted_json(*header_bytes, "security.malformed_jws");
    if (!header || !header->is_object())
        return make_problem("security.malformed_jws", "the JWS protected header is not a JSON object");
    const json::object& h = header->as_object();
    // RFC 7515 §4.1.11: a header naming extensions this verifier does not know must be refused.
    if (h.contains("crit"))
        return make_problem("security.unsupported_algorithm", "the JWS names critical extensions govbus does not know");
    const json::value* alg = h.if_contains("alg");
    const Alg* chosen = nullptr;
    for (const auto& a : kAlgs)
        if (alg && alg->is_string() && alg->as_string() == a.name) chosen = &a;
    if (!chosen)
        return make_problem("security.unsupported_algorithm",
                            "JWS algorithm " + (alg ? json::serialize(*alg) : std::string("(none)")) +
                                " is not accepted; use ES256, RS256, PS256 or SM2SM3");
    const json::value* x5c = h.if_contains("x5c");
    if (!x5c || !x5c->is_array() || x5c->as_array().empty() || !x5c->as_array()[0].is_string())
        return make_problem("security.malformed_jws", "the JWS header has no x5c certificate of the signer");
    auto der = base64_decode_standard(std::string(x5c->as_array()[0].as_string()));
    if (!der) return make_problem("security.malformed_jws", "the x5c certificate is not base64");
    auto cert = certificate_from_der(*der);
    if (!cert) return cert.problems();
    PKey key = public_key_of(cert->get());
    if (!key_fits(key.get(), chosen->algorithm))
        return make_problem("security.bad_signature",
                            std::string("JWS algorithm ") + chosen->name + " does not fit the key of the x5c certificate",
                            "/security/signature");
    const std::string content = signed_content(*env);
    if (auto st = verify(key.get(), chosen->algorithm, jws.substr(0, dot1) + "." + base64url_encode(content), *signature);
        !st)
        return st.problems();
    JsonSignatureCheck out;
    out.signer_cert = std::move(cert.value());
    out.suite = chosen->algorithm == SignatureAlgorithm::sm2_sm3 ? "gm" : "intl";
    out.alg = chosen->name;
    return out;
}

}  // namespace govbus::security
