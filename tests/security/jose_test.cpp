// JWS and JWE over JSON envelopes: every algorithm round trip, and every
// attack a node must refuse, each with its reason code.
#define BOOST_TEST_MODULE jose
#include <boost/test/unit_test.hpp>

#include "jose_parties.hpp"
#include "security/jose/canonical_json.hpp"
#include "security/jose/jose_common.hpp"
#include "security/jose/jwe.hpp"
#include "security/jose/jws.hpp"

#include <boost/json.hpp>

#include <functional>
#include <memory>

using namespace govbus;
using namespace govbus::security;
using namespace govbus::security::testing;
namespace json = boost::json;

namespace {

template <class T>
std::string code_of(const Result<T>& r) {
    return r.ok() ? "ok" : r.problem().code;
}

// The first problem of a result, "" when it has none (the message of a check is built even when it passes).
template <class T>
std::string why(const Result<T>& r) {
    return r.ok() ? std::string() : r.problem().to_string();
}

json::object parse(const std::string& s) { return json::parse(s).as_object(); }

// The envelope after `change`, serialized again.
std::string changed(const std::string& envelope, const std::function<void(json::object&)>& change) {
    json::object env = parse(envelope);
    change(env);
    return json::serialize(env);
}

json::object& security_of(json::object& env) { return env["security"].as_object(); }

// A JWS in security.signature with the given protected header and the old signature value.
std::string with_header(const std::string& envelope, const json::object& header) {
    return changed(envelope, [&](json::object& env) {
        const std::string jws(security_of(env)["signature"].as_string());
        security_of(env)["signature"] = base64url_encode(json::serialize(header)) + jws.substr(jws.find(".."));
    });
}

// The envelope signed outside govbus's algorithm table: OpenSSL's scheme for
// the key's type with digest `md`, the value as r||s for EC keys.
std::string signed_by_openssl(const std::string& envelope, const json::object& header, EVP_PKEY* key, const EVP_MD* md) {
    const std::string protected_b64 = base64url_encode(json::serialize(header));
    const std::string input = protected_b64 + "." + base64url_encode(json_signing_content(envelope).value());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t len = 0;
    BOOST_REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) == 1);
    BOOST_REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
    std::string sig(len, '\0');
    BOOST_REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                                 reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
    sig.resize(len);
    if (!is_rsa_key(key)) sig = ecdsa_der_to_raw(sig);
    return changed(envelope, [&](json::object& env) {
        env["security"].as_object()["signature"] = protected_b64 + ".." + base64url_encode(sig);
    });
}

json::array x5c(X509* cert) { return json::array{json::string(base64_encode_standard(certificate_der(cert)))}; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(jose, JoseParties)

BOOST_AUTO_TEST_CASE(signs_with_the_algorithm_of_the_key_and_names_suite_and_signer) {
    auto ec = party("ec", "sc.portal");
    auto rsa = party("rsa", "sc.portal");
    auto sm2 = party("sm2", "my.market");
    struct Case { JoseParty* p; bool pss; const char* alg; const char* suite; const char* signer; };
    for (auto c : {Case{&ec, false, "ES256", "intl", "sc.portal"}, Case{&rsa, false, "RS256", "intl", "sc.portal"},
                   Case{&rsa, true, "PS256", "intl", "sc.portal"}, Case{&sm2, false, "SM2SM3", "gm", "my.market"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto signed_env = sign_json_envelope(envelope, c.p->key.get(), c.p->cert.get(), c.pss);
            BOOST_REQUIRE(signed_env.ok());
            auto env = parse(*signed_env);
            BOOST_TEST(env.at("security").at("suite") == c.suite);
            BOOST_TEST(env.at("security").at("signer") == c.signer);
            const std::string jws(env.at("security").at("signature").as_string());
            auto header = json::parse(base64url_decode(jws.substr(0, jws.find('.'))).value()).as_object();
            BOOST_TEST(header.at("alg") == c.alg);
            BOOST_TEST(header.at("typ") == "govbus+jws");
            BOOST_TEST(jws.find("..") != std::string::npos);  // detached content
            auto check = verify_json_envelope(*signed_env);
            BOOST_REQUIRE_MESSAGE(check.ok(), code_of(check));
            BOOST_TEST(check->alg == c.alg);
            BOOST_TEST(check->suite == c.suite);
            BOOST_TEST(X509_cmp(check->signer_cert.get(), c.p->cert.get()) == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(hops_are_outside_the_signature_and_member_order_does_not_matter) {
    auto ec = party("ec", "sc.portal");
    const std::string good = sign_json_envelope(envelope, ec.key.get(), ec.cert.get()).value();
    const std::string hopped = changed(good, [](json::object& env) {
        env["hops"] = json::array{json::object{{"node", "province-510000"}, {"time", "2024-05-20T09:30:01+08:00"}}};
    });
    BOOST_TEST(code_of(verify_json_envelope(hopped)) == "ok");
    const std::string rehopped = changed(hopped, [](json::object& env) { env["hops"].as_array().clear(); });
    BOOST_TEST(code_of(verify_json_envelope(rehopped)) == "ok");
    // The same members written in another order and with white space: JCS makes them one.
    json::object env = parse(good);
    std::string reordered = "{\n  \"payload\": " + json::serialize(env["payload"]) +
                            ",\n  \"security\": " + json::serialize(env["security"]) +
                            ",\n  \"header\": " + json::serialize(env["header"]) + "\n}";
    BOOST_TEST(code_of(verify_json_envelope(reordered)) == "ok");
}

BOOST_AUTO_TEST_CASE(each_signature_attack_is_refused_with_its_reason) {
    auto ec = party("ec", "sc.portal");
    auto other = party("ec", "cd.market");
    auto sm2 = party("sm2", "my.market");
    auto rsa = party("rsa", "sc.portal");
    auto weak = party("rsa1024", "sc.portal");
    const std::string good = sign_json_envelope(envelope, ec.key.get(), ec.cert.get()).value();
    BOOST_REQUIRE(code_of(verify_json_envelope(good)) == "ok");
    const json::object good_header{{"alg", "ES256"}, {"typ", "govbus+jws"}, {"x5c", x5c(ec.cert.get())}};
    BOOST_REQUIRE(code_of(verify_json_envelope(with_header(good, good_header))) == "ok");

    auto expect = [](const std::string& env, const std::string& code, const std::string& what) {
        BOOST_TEST(code_of(verify_json_envelope(env)) == code, what);
    };
    expect(changed(good, [](json::object& e) { e["header"].as_object()["destination"].as_object()["department"] = "civil"; }),
           "security.bad_signature", "header tampered");
    expect(changed(good, [](json::object& e) { e["header"].as_object()["priority"] = 9; }), "security.bad_signature",
           "priority tampered");
    expect(changed(good, [](json::object& e) {
               e["payload"].as_object()["applicant"].as_object()["naturalPerson"].as_object()["name"] = "李四";
           }),
           "security.bad_signature", "payload tampered");
    expect(changed(good, [](json::object& e) { e.erase("payload"); }), "security.bad_signature", "payload removed");
    expect(changed(good, [](json::object& e) { security_of(e)["signer"] = "cd.market"; }), "security.bad_signature",
           "signer tampered");
    expect(changed(good, [](json::object& e) { security_of(e)["recipient"] = "cd.market"; }), "security.bad_signature",
           "recipient added");
    expect(changed(good, [](json::object& e) { e["extra"] = 1; }), "security.bad_signature", "member added");

    // Another party's certificate: the signature does not match its key.
    expect(with_header(good, {{"alg", "ES256"}, {"typ", "govbus+jws"}, {"x5c", x5c(other.cert.get())}}),
           "security.bad_signature", "other certificate");
    // The header is signed too: even a harmless change breaks the signature.
    expect(with_header(good, {{"alg", "ES256"}, {"typ", "JWS"}, {"x5c", x5c(ec.cert.get())}}),
           "security.bad_signature", "typ changed");
    // An algorithm that does not fit the certificate's key.
    // A gm key must not pass as an intl signer (OpenSSL 3.0 itself will not
    // make or check an SM2 signature over SHA-256, so only the policy shows here).
    const json::object es256_sm2{{"alg", "ES256"}, {"x5c", x5c(sm2.cert.get())}};
    expect(with_header(good, es256_sm2), "security.bad_signature", "ES256 with an SM2 certificate");
    const json::object es256_ec{{"alg", "ES256"}, {"x5c", x5c(ec.cert.get())}};
    expect(signed_by_openssl(good, es256_ec, ec.key.get(), EVP_sha256()), "ok", "ES256 made by OpenSSL directly");
    expect(signed_by_openssl(good, es256_ec, ec.key.get(), EVP_sha384()), "security.bad_signature",
           "ES256 header, SHA-384 digest");
    expect(with_header(good, {{"alg", "RS256"}, {"x5c", x5c(ec.cert.get())}}), "security.bad_signature",
           "RS256 with a P-256 certificate");
    expect(with_header(good, {{"alg", "SM2SM3"}, {"x5c", x5c(ec.cert.get())}}), "security.bad_signature",
           "SM2SM3 with a P-256 certificate");
    const std::string weak_signed = sign_json_envelope(envelope, weak.key.get(), weak.cert.get()).value();
    expect(weak_signed, "security.bad_signature", "RSA key under 2048 bits (RFC 7518 §3.3)");
    expect(sign_json_envelope(envelope, rsa.key.get(), rsa.cert.get()).value(), "ok", "RSA 2048");

    for (const char* alg : {"none", "HS256", "HS512", "ES512", "RS384", "EdDSA", "sm2sm3"})
        expect(with_header(good, {{"alg", alg}, {"x5c", x5c(ec.cert.get())}}), "security.unsupported_algorithm", alg);
    expect(changed(good, [](json::object& e) { security_of(e)["signature"] = base64url_encode("{\"alg\":\"none\"}") + ".."; }),
           "security.unsupported_algorithm", "alg none, empty signature");
    expect(with_header(good, {{"alg", "ES256"}, {"x5c", x5c(ec.cert.get())}, {"crit", json::array{"b64"}}, {"b64", false}}),
           "security.unsupported_algorithm", "crit");

    expect(envelope, "security.signature_missing", "unsigned");
    expect(changed(good, [](json::object& e) { security_of(e)["signature"] = ""; }), "security.signature_missing", "empty");
    expect(changed(good, [](json::object& e) { security_of(e)["signature"] = 7; }), "security.signature_missing", "number");
    expect(changed(good, [](json::object& e) { security_of(e)["signature"] = "not a jws"; }), "security.malformed_jws",
           "garbage");
    expect(changed(good, [&](json::object& e) {
               const std::string jws(security_of(e)["signature"].as_string());
               security_of(e)["signature"] = jws.substr(0, jws.find('.')) + "." + base64url_encode("{}") + jws.substr(jws.find('.') + 1);
           }),
           "security.malformed_jws", "attached content instead of detached");
    expect(with_header(good, {{"alg", "ES256"}}), "security.malformed_jws", "no x5c");
    expect(with_header(good, {{"alg", "ES256"}, {"x5c", json::array{"AAAA"}}}), "security.cert_unreadable", "x5c not X.509");
    expect("[1,2]", "security.signature_missing", "not an object");
    expect("{\"header\":", "security.malformed_jws", "not JSON");
    // Two payload members: a reader keeping the first and one keeping the last would disagree.
    expect(good.substr(0, good.size() - 1) + ",\"payload\":{}}", "security.malformed_jws", "duplicate payload");
}

BOOST_AUTO_TEST_CASE(encrypts_for_each_recipient_kind_and_only_the_recipient_opens_it) {
    auto rsa = party("rsa", "cd.market");
    auto ec = party("ec", "cd.market");
    auto sm2 = party("sm2", "my.market");
    auto stranger = party("ec", "cd.civil");
    const json::value payload = parse(envelope).at("payload");
    struct Case { JoseParty* p; const char* alg; const char* enc; };
    for (auto c : {Case{&rsa, "RSA-OAEP-256", "A256GCM"}, Case{&ec, "ECDH-ES+A256KW", "A256GCM"},
                   Case{&sm2, "SM2", "SM4-CBC-HMAC-SM3"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto sealed = encrypt_json_payload(envelope, c.p->cert.get(), "cd.market");
            BOOST_REQUIRE(sealed.ok());
            auto env = parse(*sealed);
            BOOST_TEST(!env.contains("payload"));
            BOOST_TEST(env.at("security").at("recipient") == "cd.market");
            BOOST_TEST(env.at("header") == parse(envelope).at("header"));
            const std::string jwe(env.at("security").at("encrypted").as_string());
            BOOST_TEST(std::count(jwe.begin(), jwe.end(), '.') == 4);
            auto header = json::parse(base64url_decode(jwe.substr(0, jwe.find('.'))).value()).as_object();
            BOOST_TEST(header.at("alg") == c.alg);
            BOOST_TEST(header.at("enc") == c.enc);
            BOOST_TEST(header.at("kid") == "cd.market");
            BOOST_TEST(sealed->find("张三") == std::string::npos);

            auto opened = decrypt_json_payload(*sealed, c.p->key.get());
            BOOST_REQUIRE_MESSAGE(opened.ok(), why(opened));
            BOOST_TEST(parse(*opened).at("payload") == payload);
            BOOST_TEST(!parse(*opened).at("security").as_object().contains("encrypted"));
            BOOST_TEST(code_of(decrypt_json_payload(*sealed, stranger.key.get())) == "security.decrypt_failed");
        }
    }
}

BOOST_AUTO_TEST_CASE(encrypt_then_sign_lets_a_node_verify_without_the_key) {
    for (const char* kind : {"ec", "sm2"}) {
        BOOST_TEST_CONTEXT(kind) {
            auto sender = party(kind, "sc.portal");
            auto recipient = party(kind, "cd.market");
            auto sealed = encrypt_json_payload(envelope, recipient.cert.get(), "cd.market");
            BOOST_REQUIRE(sealed.ok());
            auto signed_env = sign_json_envelope(*sealed, sender.key.get(), sender.cert.get());
            BOOST_REQUIRE(signed_env.ok());
            BOOST_TEST(code_of(verify_json_envelope(*signed_env)) == "ok");
            // The ciphertext is covered: a flipped byte fails the signature, and the decryption too.
            const std::string flipped = changed(*signed_env, [](json::object& e) {
                std::string jwe(security_of(e)["encrypted"].as_string());
                const auto at = jwe.rfind('.') - 3;
                jwe[at] = jwe[at] == 'A' ? 'B' : 'A';
                security_of(e)["encrypted"] = jwe;
            });
            BOOST_TEST(code_of(verify_json_envelope(flipped)) == "security.bad_signature");
            BOOST_TEST(code_of(decrypt_json_payload(flipped, recipient.key.get())) == "security.decrypt_failed");
            auto opened = decrypt_json_payload(*signed_env, recipient.key.get());
            BOOST_REQUIRE(opened.ok());
            BOOST_TEST(parse(*opened).at("payload") == parse(envelope).at("payload"));
        }
    }
}

BOOST_AUTO_TEST_CASE(each_jwe_tampering_is_refused_with_decrypt_failed) {
    for (const char* kind : {"rsa", "ec", "sm2"}) {
        BOOST_TEST_CONTEXT(kind) {
            auto recipient = party(kind, "cd.market");
            const std::string sealed = encrypt_json_payload(envelope, recipient.cert.get(), "cd.market").value();
            const std::string jwe(parse(sealed).at("security").at("encrypted").as_string());
            std::vector<std::string> parts;
            for (std::size_t i = 0, dot = 0; dot != std::string::npos; i = dot + 1) {
                dot = jwe.find('.', i);
                parts.push_back(jwe.substr(i, dot == std::string::npos ? dot : dot - i));
            }
            BOOST_REQUIRE(parts.size() == 5);
            auto with_parts = [&](std::vector<std::string> p) {
                std::string joined = p[0];
                for (std::size_t i = 1; i < p.size(); ++i) joined += "." + p[i];
                return changed(sealed, [&](json::object& e) { security_of(e)["encrypted"] = joined; });
            };
            auto expect_refused = [&](const std::string& env, const std::string& what) {
                BOOST_TEST(code_of(decrypt_json_payload(env, recipient.key.get())) == "security.decrypt_failed", what);
            };
            BOOST_REQUIRE(code_of(decrypt_json_payload(with_parts(parts), recipient.key.get())) == "ok");
            // The protected header is the additional authenticated data (RFC 7516 §5.1 step 14).
            auto header = json::parse(base64url_decode(parts[0]).value()).as_object();
            header["kid"] = "cd.civil";
            auto p = parts;
            p[0] = base64url_encode(json::serialize(header));
            expect_refused(with_parts(p), "header changed");
            for (std::size_t i = 1; i < 5; ++i) {
                p = parts;
                p[i][p[i].size() / 2] = p[i][p[i].size() / 2] == 'A' ? 'B' : 'A';
                expect_refused(with_parts(p), "part " + std::to_string(i + 1) + " changed");
            }
            p = parts;
            p.pop_back();
            expect_refused(with_parts(p), "four parts");
            header = json::parse(base64url_decode(parts[0]).value()).as_object();
            header["zip"] = "DEF";
            p = parts;
            p[0] = base64url_encode(json::serialize(header));
            expect_refused(with_parts(p), "zip");
            expect_refused(changed(sealed, [](json::object& e) { security_of(e).erase("encrypted"); }), "no JWE");
        }
    }
}

BOOST_AUTO_TEST_CASE(an_ephemeral_key_off_the_curve_or_of_another_curve_is_refused) {
    auto ec = party("ec", "cd.market");
    const std::string sealed = encrypt_json_payload(envelope, ec.cert.get(), "cd.market").value();
    const std::string jwe(parse(sealed).at("security").at("encrypted").as_string());
    const auto dot = jwe.find('.');
    auto header = json::parse(base64url_decode(jwe.substr(0, dot)).value()).as_object();
    auto with_epk = [&](const std::function<void(json::object&)>& change) {
        auto h = header;
        change(h["epk"].as_object());
        const std::string bad = base64url_encode(json::serialize(h)) + jwe.substr(dot);
        return changed(sealed, [&](json::object& e) { security_of(e)["encrypted"] = bad; });
    };
    auto code = [&](const std::string& env) { return code_of(decrypt_json_payload(env, ec.key.get())); };
    BOOST_TEST(code(with_epk([](json::object&) {})) == "ok");
    BOOST_TEST(code(with_epk([](json::object& epk) { epk["y"] = base64url_encode(std::string(32, '\x01')); })) ==
               "security.decrypt_failed");
    BOOST_TEST(code(with_epk([](json::object& epk) { epk["crv"] = "P-384"; })) == "security.decrypt_failed");
    BOOST_TEST(code(with_epk([](json::object& epk) { epk["x"] = 5; })) == "security.decrypt_failed");
    BOOST_TEST(code(with_epk([](json::object& epk) { epk.erase("y"); })) == "security.decrypt_failed");
}

BOOST_AUTO_TEST_SUITE_END()
