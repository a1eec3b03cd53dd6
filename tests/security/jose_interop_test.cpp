// JWS and JWE for JSON envelopes, checked by jose (npm), an implementation
// govbus shares no code with, and against the attacks the node must refuse.
#define BOOST_TEST_MODULE jose
#include <boost/test/unit_test.hpp>

#include "security/jose/canonical_json.hpp"
#include "security/jose/jose_common.hpp"
#include "security/jose/jwe.hpp"
#include "security/jose/jws.hpp"
#include "security/pki.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace govbus;
using namespace govbus::security;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const fs::path kNode = fs::path(GOVBUS_SOURCE_DIR) / "tests" / "interop" / "node";

std::string slurp(const fs::path& f) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
void write(const fs::path& f, std::string_view bytes) { std::ofstream(f, std::ios::binary) << bytes; }

// Runs a command; returns its exit status and standard output.
std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    int rc = p ? pclose(p) : -1;
    return {rc, out};
}

struct Fixture {
    fs::path dir;
    std::string envelope = slurp(fs::path(GOVBUS_SOURCE_DIR) / "tests/data/valid/case-apply-natural.json");
    Fixture() {
        BOOST_REQUIRE_MESSAGE(fs::exists(kNode / "node_modules" / "jose"),
                              "the npm package jose is missing in tests/interop/node: run scripts/bootstrap");
        char name[] = "/tmp/govbus-jose-XXXXXX";
        dir = mkdtemp(name);
    }
    ~Fixture() { fs::remove_all(dir); }

    struct Party {
        PKey key;
        Certificate cert;
        std::string key_file, cert_file;
    };
    Party party(const std::string& ca, Suite suite, bool rsa, const std::string& id) {
        const std::string ca_dir = (dir / ca).string();
        if (!fs::exists(ca_dir)) {
            PkiInit init;
            init.dir = ca_dir;
            init.suite = suite;
            init.rsa = rsa;
            BOOST_REQUIRE(pki_init(init).ok());
        }
        PkiIssue issue;
        issue.dir = ca_dir;
        issue.id = id;
        issue.rsa = rsa;
        auto i = pki_issue(issue);
        BOOST_REQUIRE(i.ok());
        return {std::move(load_private_key(i->key_file).value()), std::move(load_certificate(i->cert_file).value()),
                i->key_file, i->cert_file};
    }
    // jose's verdict on a govbus-signed envelope.
    std::pair<int, std::string> jose_verify(const std::string& signed_envelope) {
        write(dir / "env.json", signed_envelope);
        write(dir / "content.bin", json_signing_content(signed_envelope).value());
        return run("node " + (kNode / "verify.mjs").string() + " " + (dir / "env.json").string() + " " +
                   (dir / "content.bin").string());
    }
};

std::string code_of(const Result<JsonSignatureCheck>& r) { return r.ok() ? "ok" : r.problem().code; }

json::object parse(const std::string& s) { return json::parse(s).as_object(); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(jose_interop, Fixture)

BOOST_AUTO_TEST_CASE(jose_verifies_govbus_es256_rs256_and_ps256_signatures) {
    auto ec = party("ec", Suite::intl, false, "sc.portal");
    auto rsa = party("rsa", Suite::intl, true, "sc.portal");
    struct Case { Party* p; bool pss; const char* alg; };
    for (auto c : {Case{&ec, false, "ES256"}, Case{&rsa, false, "RS256"}, Case{&rsa, true, "PS256"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto signed_env = sign_json_envelope(envelope, c.p->key.get(), c.p->cert.get(), c.pss);
            BOOST_REQUIRE(signed_env.ok());
            auto [rc, out] = jose_verify(*signed_env);
            BOOST_TEST(rc == 0, out);
            BOOST_TEST(out.find(std::string("verified ") + c.alg) != std::string::npos, out);
            auto mine = verify_json_envelope(*signed_env);
            BOOST_REQUIRE(mine.ok());
            BOOST_TEST(mine->alg == c.alg);
            // jose refuses the same signature over altered content.
            auto tampered = parse(*signed_env);
            tampered["header"].as_object()["region"] = "510700";
            BOOST_TEST(jose_verify(json::serialize(tampered)).first != 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(govbus_accepts_a_jws_that_jose_made) {
    auto ec = party("ec", Suite::intl, false, "sc.portal");
    auto rsa = party("rsa", Suite::intl, true, "sc.portal");
    struct Case { Party* p; const char* alg; };
    for (auto c : {Case{&ec, "ES256"}, Case{&rsa, "PS256"}, Case{&rsa, "RS256"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto env = parse(envelope);
            env["security"] = json::object{{"suite", "intl"}, {"signer", "sc.portal"}};
            const std::string unsigned_env = json::serialize(env);
            write(dir / "content.bin", json_signing_content(unsigned_env).value());
            auto [rc, jws] = run("node " + (kNode / "sign.mjs").string() + " " + (dir / "content.bin").string() + " " +
                                 c.p->key_file + " " + c.p->cert_file + " " + c.alg);
            BOOST_REQUIRE_MESSAGE(rc == 0, jws);
            env["security"].as_object()["signature"] = jws;
            auto check = verify_json_envelope(json::serialize(env));
            BOOST_REQUIRE_MESSAGE(check.ok(), code_of(check));
            BOOST_TEST(check->alg == c.alg);
        }
    }
}

BOOST_AUTO_TEST_CASE(jose_decrypts_govbus_jwe_for_rsa_and_p256_recipients) {
    auto ec = party("ec", Suite::intl, false, "cd.market");
    auto rsa = party("rsa", Suite::intl, true, "cd.market");
    const std::string expected = canonical_json(json::parse(envelope).as_object().at("payload"));
    for (Party* p : {&rsa, &ec}) {
        auto sealed = encrypt_json_payload(envelope, p->cert.get(), "cd.market");
        BOOST_REQUIRE(sealed.ok());
        BOOST_TEST(!parse(*sealed).contains("payload"));
        write(dir / "sealed.json", *sealed);
        auto [rc, plain] = run("node " + (kNode / "decrypt.mjs").string() + " " + (dir / "sealed.json").string() + " " +
                               p->key_file);
        BOOST_TEST(rc == 0, plain);
        BOOST_TEST(plain == expected);
        auto opened = decrypt_json_payload(*sealed, p->key.get());
        BOOST_REQUIRE(opened.ok());
        BOOST_TEST(parse(*opened).at("payload") == json::parse(envelope).as_object().at("payload"));
    }
}

BOOST_AUTO_TEST_CASE(each_signature_attack_is_refused_with_its_reason_and_hops_stay_outside) {
    auto ec = party("ec", Suite::intl, false, "sc.portal");
    auto other = party("ec", Suite::intl, false, "cd.market");
    const std::string good = sign_json_envelope(envelope, ec.key.get(), ec.cert.get()).value();
    BOOST_TEST(code_of(verify_json_envelope(good)) == "ok");

    auto hops = parse(good);
    hops["hops"] = json::array{json::object{{"node", "province-510000"}, {"time", "2024-05-20T09:30:01+08:00"}}};
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(hops))) == "ok");

    auto header = parse(good);
    header["header"].as_object()["destination"].as_object()["department"] = "civil";
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(header))) == "security.bad_signature");

    auto payload = parse(good);
    payload["payload"].as_object()["applicant"].as_object()["naturalPerson"].as_object()["name"] = "李四";
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(payload))) == "security.bad_signature");

    auto signer = parse(good);
    signer["security"].as_object()["signer"] = "cd.market";
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(signer))) == "security.bad_signature");

    // Another party's certificate in x5c: the signature does not match its key.
    auto swapped = parse(good);
    const std::string sig(swapped["security"].as_object()["signature"].as_string());
    const std::string other_header = base64url_encode(json::serialize(
        json::object{{"alg", "ES256"},
                     {"typ", "govbus+jws"},
                     {"x5c", json::array{json::string(base64_encode_standard(certificate_der(other.cert.get())))}}}));
    swapped["security"].as_object()["signature"] = other_header + sig.substr(sig.find(".."));
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(swapped))) == "security.bad_signature");

    auto none = parse(good);
    none["security"].as_object()["signature"] = base64url_encode("{\"alg\":\"none\"}") + "..";
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(none))) == "security.unsupported_algorithm");
    auto hmac = parse(good);
    hmac["security"].as_object()["signature"] = base64url_encode("{\"alg\":\"HS256\"}") + "..AAAA";
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(hmac))) == "security.unsupported_algorithm");

    BOOST_TEST(code_of(verify_json_envelope(envelope)) == "security.signature_missing");
    auto garbage = parse(good);
    garbage["security"].as_object()["signature"] = "not a jws";
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(garbage))) == "security.malformed_jws");
}

BOOST_AUTO_TEST_CASE(the_gm_suite_signs_with_sm2sm3_and_encrypts_with_sm2_and_sm4) {
    auto portal = party("gm", Suite::gm, false, "sc.portal");
    auto market = party("gm", Suite::gm, false, "my.market");
    auto sealed = encrypt_json_payload(envelope, market.cert.get(), "my.market");
    BOOST_REQUIRE(sealed.ok());
    BOOST_TEST(sealed->find("SM4-CBC-HMAC-SM3") == std::string::npos);  // inside the base64url header
    auto signed_env = sign_json_envelope(*sealed, portal.key.get(), portal.cert.get());
    BOOST_REQUIRE(signed_env.ok());
    auto check = verify_json_envelope(*signed_env);
    BOOST_REQUIRE(check.ok());
    BOOST_TEST(check->alg == "SM2SM3");
    BOOST_TEST(check->suite == "gm");
    BOOST_TEST(parse(*signed_env).at("security").at("suite") == "gm");

    auto opened = decrypt_json_payload(*signed_env, market.key.get());
    BOOST_REQUIRE(opened.ok());
    BOOST_TEST(parse(*opened).at("payload") == json::parse(envelope).as_object().at("payload"));
    BOOST_TEST(!decrypt_json_payload(*signed_env, portal.key.get()).ok());  // not the recipient

    auto flipped = parse(*signed_env);
    std::string jwe(flipped["security"].as_object()["encrypted"].as_string());
    auto at = jwe.rfind('.') - 3;  // inside the ciphertext
    jwe[at] = jwe[at] == 'A' ? 'B' : 'A';
    flipped["security"].as_object()["encrypted"] = jwe;
    BOOST_TEST(code_of(verify_json_envelope(json::serialize(flipped))) == "security.bad_signature");
    auto r = decrypt_json_payload(json::serialize(flipped), market.key.get());
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.problem().code == "security.decrypt_failed");
}

BOOST_AUTO_TEST_CASE(canonical_json_follows_rfc_8785) {
    // RFC 8785 §3.2.3: members sorted by UTF-16 code units.
    auto sorted = json::parse(R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})");
    const std::string out = canonical_json(sorted);
    std::vector<std::string> order{"\\r", "1", "\xc2\x80", "\xc3\xb6", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xac\xb3"};
    std::size_t at = 0;
    for (const auto& k : order) {
        auto p = out.find("\"" + k + "\"", at);
        BOOST_TEST(p != std::string::npos, "member " << k << " out of order in " << out);
        at = p;
    }
    // §3.2.2.3 numbers.
    // (The values are built here, not parsed: Boost.JSON 1.81 does not always
    // round decimal text to the nearest double, which is why govbus schemas
    // carry amounts and codes as strings and integers only.)
    json::array numbers{1e30, 4.50, 2e-3, 0.000001, 1e-7, -0.0, 333333333.33333329, 9007199254740992.0, 1e21, 1e-6};
    BOOST_TEST(canonical_json(numbers) ==
               "[1e+30,4.5,0.002,0.000001,1e-7,0,333333333.3333333,9007199254740992,1e+21,0.000001]");
    BOOST_TEST(canonical_json(json::parse(R"({"b":"\u000f\n\"","a":[true,null]})")) ==
               "{\"a\":[true,null],\"b\":\"\\u000f\\n\\\"\"}");
}

BOOST_AUTO_TEST_SUITE_END()
