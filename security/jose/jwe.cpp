// JWE compact serialization (RFC 7516 §7.1) of an envelope payload.
#include "security/jose/jwe.hpp"

#include "security/jose/canonical_json.hpp"
#include "security/jose/jose_common.hpp"
#include "security/openssl_handles.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

namespace govbus::security {

namespace json = boost::json;

namespace {

Problem decrypt_failed(const std::string& why) {
    return make_problem("security.decrypt_failed", "cannot decrypt the payload: " + why, "/security/encrypted");
}

// The uncompressed point 04||x||y of an EC public key.
Bytes ec_point(EVP_PKEY* key) {
    Bytes out(65, '\0');
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, reinterpret_cast<unsigned char*>(out.data()),
                                        out.size(), &len) != 1)
        return {};
    out.resize(len);
    return out;
}

PKey p256_from_point(const Bytes& point) {
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return PKey();
    return PKey(key);
}

Result<Bytes> ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1)
        return make_problem("security.encrypt_failed", "ECDH: " + openssl_error());
    Bytes z(len, '\0');
    if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(z.data()), &len) != 1)
        return make_problem("security.encrypt_failed", "ECDH: " + openssl_error());
    z.resize(len);
    return z;
}

std::string be32(std::uint32_t n) {
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}

// RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A §5.8.1) with SHA-256, one
// round for a 256-bit key; AlgorithmID is the "alg" value, PartyU/VInfo empty.
Bytes concat_kdf(const Bytes& z, const std::string& alg) {
    std::string input = be32(1) + z + be32(static_cast<std::uint32_t>(alg.size())) + alg + be32(0) + be32(0) + be32(256);
    return sha256(input);
}

// AES key wrap (RFC 3394) with a 256-bit key encryption key.
Result<Bytes> aes_kw(const Bytes& kek, const Bytes& in, bool wrap) {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    Bytes out(in.size() + 16, '\0');
    int n = 0, tail = 0;
    const auto* k = reinterpret_cast<const unsigned char*>(kek.data());
    const int ok = EVP_CipherInit_ex(ctx.get(), EVP_aes_256_wrap(), nullptr, k, nullptr, wrap ? 1 : 0) == 1 &&
                   EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                                    reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) == 1 &&
                   EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) == 1;
    if (!ok) return make_problem(wrap ? "security.encrypt_failed" : "security.decrypt_failed", "AES key wrap: " + openssl_error());
    out.resize(static_cast<std::size_t>(n + tail));
    return out;
}

// RFC 7518 §4.6.1.1 / RFC 7518 §6.2.1: {"kty":"EC","crv":"P-256","x":..,"y":..}.
// OpenSSL checks the point is on the curve when it imports it, which keeps
// invalid-curve points out of the ECDH.
PKey p256_from_epk(const json::value* epk) {
    const json::object* o = epk ? epk->if_object() : nullptr;
    auto member = [o](const char* name) -> std::string {
        const json::value* v = o ? o->if_contains(name) : nullptr;
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    if (member("kty") != "EC" || member("crv") != "P-256") return PKey();
    auto x = base64url_decode(member("x"));
    auto y = base64url_decode(member("y"));
    if (!x || !y || x->size() != 32 || y->size() != 32) return PKey();
    return p256_from_point("\x04" + *x + *y);
}

std::string coordinate(const Bytes& point, int which) { return base64url_encode(point.substr(1 + 32 * which, 32)); }

}  // namespace

Result<std::string> encrypt_json_payload(std::string_view text, X509* recipient_cert, const std::string& recipient_id) {
    auto v = parse_untrusted_json(text, "security.encrypt_failed");
    if (!v || !v->is_object()) return make_problem("security.encrypt_failed", "the envelope is not a JSON object");
    json::object& env = v->as_object();
    const json::value* payload = env.if_contains("payload");
    if (!payload) return make_problem("security.encrypt_failed", "the envelope has no payload to encrypt");
    PKey recipient = public_key_of(recipient_cert);
    const Bytes cek = random_bytes(32);
    json::object header;
    Bytes encrypted_key;
    if (is_rsa_key(recipient.get())) {
        header = {{"alg", "RSA-OAEP-256"}, {"enc", "A256GCM"}};
        auto ek = rsa_oaep_encrypt(recipient.get(), cek);
        if (!ek) return ek.problems();
        encrypted_key = *ek;
    } else if (is_ec_p256_key(recipient.get())) {
        PKey ephemeral(EVP_EC_gen("P-256"));
        auto z = ecdh(ephemeral.get(), recipient.get());
        if (!z) return z.problems();
        const Bytes point = ec_point(ephemeral.get());
        header = {{"alg", "ECDH-ES+A256KW"},
                  {"enc", "A256GCM"},
                  {"epk", json::object{{"kty", "EC"}, {"crv", "P-256"}, {"x", coordinate(point, 0)}, {"y", coordinate(point, 1)}}}};
        auto ek = aes_kw(concat_kdf(*z, "ECDH-ES+A256KW"), cek, true);
        if (!ek) return ek.problems();
        encrypted_key = *ek;
    } else if (is_sm2_key(recipient.get())) {
        header = {{"alg", "SM2"}, {"enc", "SM4-CBC-HMAC-SM3"}};
        auto ek = sm2_encrypt(recipient.get(), cek);
        if (!ek) return ek.problems();
        encrypted_key = *ek;
    } else {
        return make_problem("security.unsupported_algorithm", "the recipient's key is neither RSA, P-256 nor SM2");
    }
    header["kid"] = recipient_id;
    const std::string protected_b64 = base64url_encode(json::serialize(header));
    const std::string plain = canonical_json(*payload);
    std::string iv, ct, tag;
    if (header.at("enc") == "A256GCM") {
        // RFC 7516 §5.1 step 14: the additional data is ASCII(BASE64URL(protected header)).
        auto sealed = aes256_gcm_seal(cek, plain, protected_b64);
        if (!sealed) return sealed.problems();
        iv = sealed->iv, ct = sealed->ciphertext, tag = sealed->tag;
    } else {
        auto sealed = sm4_cbc_hmac_sm3_seal(cek, plain, protected_b64);
        if (!sealed) return sealed.problems();
        iv = sealed->iv, ct = sealed->ciphertext, tag = sealed->mac;
    }
    json::object security = env.if_contains("security") && env.at("security").is_object() ? env.at("security").as_object()
                                                                                           : json::object();
    security["encrypted"] = protected_b64 + "." + base64url_encode(encrypted_key) + "." + base64url_encode(iv) + "." +
                            base64url_encode(ct) + "." + base64url_encode(tag);
    security["recipient"] = recipient_id;
    security.erase("signature");  // it covered the clear payload; sign again after encrypting
    env["security"] = security;
    env.erase("payload");
    return json::serialize(env);
}

Result<std::string> decrypt_json_payload(std::string_view text, EVP_PKEY* recipient_key) {
    auto v = parse_untrusted_json(text, "security.decrypt_failed");
    if (!v || !v->is_object()) return decrypt_failed("the envelope is not a JSON object");
    json::object& env = v->as_object();
    json::value* sec = env.if_contains("security");
    json::value* enc = sec && sec->is_object() ? sec->as_object().if_contains("encrypted") : nullptr;
    if (!enc || !enc->is_string()) return decrypt_failed("security.encrypted is missing");
    std::vector<std::string> parts;
    std::string all(enc->as_string());
    for (std::size_t i = 0;;) {
        auto dot = all.find('.', i);
        parts.push_back(all.substr(i, dot == std::string::npos ? std::string::npos : dot - i));
        if (dot == std::string::npos) break;
        i = dot + 1;
    }
    if (parts.size() != 5) return decrypt_failed("a compact JWE has five parts");
    std::vector<std::string> raw;
    for (std::size_t i = 1; i < 5; ++i) {
        auto d = base64url_decode(parts[i]);
        if (!d) return decrypt_failed("part " + std::to_string(i + 1) + " is not base64url");
        raw.push_back(*d);
    }
    auto header_text = base64url_decode(parts[0]);
    auto header = header_text ? parse_untrusted_json(*header_text, "security.decrypt_failed") : Result<json::value>(decrypt_failed("bad header"));
    if (!header || !header->is_object()) return decrypt_failed("the protected header is not JSON");
    const json::object& h = header->as_object();
    // RFC 7516 §4.1.13: extensions this recipient does not know must be refused; zip is not used.
    if (h.contains("crit") || h.contains("zip")) return decrypt_failed("the JWE header asks for crit or zip");
    const std::string alg = h.contains("alg") && h.at("alg").is_string() ? std::string(h.at("alg").as_string()) : "";
    const std::string encname = h.contains("enc") && h.at("enc").is_string() ? std::string(h.at("enc").as_string()) : "";
    Result<Bytes> cek = decrypt_failed("unsupported alg " + alg);
    if (alg == "RSA-OAEP-256") {
        cek = rsa_oaep_decrypt(recipient_key, raw[0]);
    } else if (alg == "SM2") {
        cek = sm2_decrypt(recipient_key, raw[0]);
    } else if (alg == "ECDH-ES+A256KW") {
        PKey peer = p256_from_epk(h.if_contains("epk"));
        if (!peer) return decrypt_failed("the epk is not a P-256 public key");
        auto z = ecdh(recipient_key, peer.get());
        if (!z) return decrypt_failed("ECDH failed");
        cek = aes_kw(concat_kdf(*z, alg), raw[0], false);
    }
    if (!cek || cek->size() != 32) return decrypt_failed("the content key does not open with this key");
    Result<Bytes> plain = decrypt_failed("unsupported enc " + encname);
    if (encname == "A256GCM") plain = aes256_gcm_open(*cek, GcmSealed{raw[1], raw[2], raw[3]}, parts[0]);
    else if (encname == "SM4-CBC-HMAC-SM3") plain = sm4_cbc_hmac_sm3_open(*cek, Sm4Sealed{raw[1], raw[2], raw[3]}, parts[0]);
    if (!plain) return decrypt_failed(plain.problem().message);
    auto payload = parse_untrusted_json(*plain, "security.decrypt_failed");
    if (!payload) return decrypt_failed("the plaintext is not JSON");
    // Before the payload goes in: adding a member may move the others, and `sec` with them.
    sec->as_object().erase("encrypted");
    sec->as_object().erase("recipient");
    env["payload"] = std::move(payload.value());
    return json::serialize(env);
}

}  // namespace govbus::security
