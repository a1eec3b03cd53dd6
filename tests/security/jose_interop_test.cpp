// JWS, JWE and RFC 8785 numbers checked against jose (npm) and Node.js, an
// implementation govbus shares no code with: each side makes, the other checks.
#define BOOST_TEST_MODULE jose_interop
#include <boost/test/unit_test.hpp>

#include "jose_parties.hpp"
#include "security/jose/canonical_json.hpp"
#include "security/jose/jwe.hpp"
#include "security/jose/jws.hpp"

#include <boost/json.hpp>

#include <bit>
#include <random>
#include <sstream>

using namespace govbus;
using namespace govbus::security;
using namespace govbus::security::testing;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const fs::path kNode = fs::path(GOVBUS_SOURCE_DIR) / "tests" / "interop" / "node";

// The first problem of a result, "" when it has none (the message of a check is built even when it passes).
template <class T>
std::string why(const Result<T>& r) {
    return r.ok() ? std::string() : r.problem().to_string();
}

json::object parse(const std::string& s) { return json::parse(s).as_object(); }

struct Interop : JoseParties {
    Interop() {
        BOOST_REQUIRE_MESSAGE(run_command("node --version").first == 0, "node is not installed: run scripts/bootstrap");
        BOOST_REQUIRE_MESSAGE(fs::exists(kNode / "node_modules" / "jose" / "package.json"),
                              "the npm package jose is missing in tests/interop/node: run scripts/bootstrap "
                              "(it runs npm install there)");
    }
    std::pair<int, std::string> node(const std::string& script, const std::vector<std::string>& args) {
        std::string command = "node " + (kNode / script).string();
        for (const auto& a : args) command += " '" + a + "'";
        return run_command(command);
    }
    // jose's verdict on a govbus-signed envelope, given the content govbus says it signed.
    std::pair<int, std::string> jose_verify(const std::string& signed_envelope) {
        write_file(dir / "env.json", signed_envelope);
        write_file(dir / "content.bin", json_signing_content(signed_envelope).value());
        return node("verify.mjs", {(dir / "env.json").string(), (dir / "content.bin").string()});
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(jose_interop, Interop)

BOOST_AUTO_TEST_CASE(jose_verifies_govbus_es256_rs256_and_ps256_signatures) {
    auto ec = party("ec", "sc.portal");
    auto rsa = party("rsa", "sc.portal");
    struct Case { JoseParty* p; bool pss; const char* alg; };
    for (auto c : {Case{&ec, false, "ES256"}, Case{&rsa, false, "RS256"}, Case{&rsa, true, "PS256"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto signed_env = sign_json_envelope(envelope, c.p->key.get(), c.p->cert.get(), c.pss);
            BOOST_REQUIRE(signed_env.ok());
            auto [rc, out] = jose_verify(*signed_env);
            BOOST_TEST(rc == 0, out);
            BOOST_TEST(out.find(std::string("verified ") + c.alg) != std::string::npos, out);
            // jose refuses the same signature over altered content.
            auto tampered = parse(*signed_env);
            tampered["header"].as_object()["region"] = "510700";
            auto [bad_rc, bad_out] = jose_verify(json::serialize(tampered));
            BOOST_TEST(bad_rc != 0, bad_out);
            BOOST_TEST(bad_out.find("signature verification failed") != std::string::npos, bad_out);
        }
    }
}

BOOST_AUTO_TEST_CASE(govbus_accepts_a_jws_that_jose_made_and_refuses_it_on_other_content) {
    auto ec = party("ec", "sc.portal");
    auto rsa = party("rsa", "sc.portal");
    struct Case { JoseParty* p; const char* alg; };
    for (auto c : {Case{&ec, "ES256"}, Case{&rsa, "PS256"}, Case{&rsa, "RS256"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto env = parse(envelope);
            env["security"] = json::object{{"suite", "intl"}, {"signer", "sc.portal"}};
            env["hops"] = json::array{json::object{{"node", "city-510100"}, {"time", "2024-05-20T09:30:01+08:00"}}};
            const std::string unsigned_env = json::serialize(env);
            write_file(dir / "content.bin", json_signing_content(unsigned_env).value());
            auto [rc, jws] = node("sign.mjs", {(dir / "content.bin").string(), c.p->key_file, c.p->cert_file, c.alg});
            BOOST_REQUIRE_MESSAGE(rc == 0, jws);
            env["security"].as_object()["signature"] = jws;
            auto check = verify_json_envelope(json::serialize(env));
            BOOST_REQUIRE_MESSAGE(check.ok(), why(check));
            BOOST_TEST(check->alg == c.alg);
            BOOST_TEST(check->suite == "intl");
            env["payload"].as_object()["item"].as_object()["name"] = "食品经营许可";
            auto tampered = verify_json_envelope(json::serialize(env));
            BOOST_REQUIRE(!tampered.ok());
            BOOST_TEST(tampered.problem().code == "security.bad_signature");
        }
    }
}

BOOST_AUTO_TEST_CASE(jose_decrypts_govbus_jwe_for_rsa_and_p256_recipients) {
    auto ec = party("ec", "cd.market");
    auto rsa = party("rsa", "cd.market");
    const std::string expected = canonical_json(parse(envelope).at("payload"));
    for (JoseParty* p : {&rsa, &ec}) {
        auto sealed = encrypt_json_payload(envelope, p->cert.get(), "cd.market");
        BOOST_REQUIRE(sealed.ok());
        write_file(dir / "sealed.json", *sealed);
        auto [rc, plain] = node("decrypt.mjs", {(dir / "sealed.json").string(), p->key_file});
        BOOST_TEST(rc == 0, plain);
        BOOST_TEST(plain == expected);
    }
}

BOOST_AUTO_TEST_CASE(govbus_decrypts_jwe_that_jose_made_for_rsa_and_p256_recipients) {
    auto ec = party("ec", "cd.market");
    auto rsa = party("rsa", "cd.market");
    const json::value payload = parse(envelope).at("payload");
    write_file(dir / "plain.bin", canonical_json(payload));
    struct Case { JoseParty* p; const char* alg; };
    for (auto c : {Case{&rsa, "RSA-OAEP-256"}, Case{&ec, "ECDH-ES+A256KW"}}) {
        BOOST_TEST_CONTEXT(c.alg) {
            auto [rc, jwe] = node("encrypt.mjs", {(dir / "plain.bin").string(), c.p->cert_file, c.alg, "cd.market"});
            BOOST_REQUIRE_MESSAGE(rc == 0, jwe);
            auto env = parse(envelope);
            env.erase("payload");
            env["security"] = json::object{{"encrypted", jwe}, {"recipient", "cd.market"}};
            auto opened = decrypt_json_payload(json::serialize(env), c.p->key.get());
            BOOST_REQUIRE_MESSAGE(opened.ok(), why(opened));
            BOOST_TEST(parse(*opened).at("payload") == payload);
        }
    }
}

BOOST_AUTO_TEST_CASE(numbers_are_written_exactly_as_ecmascript_writes_them) {
    // Random bit patterns cover every exponent; integers and short decimals
    // are what payloads actually carry.
    std::mt19937_64 random(8785);
    std::vector<double> values;
    while (values.size() < 20000) {
        const double d = std::bit_cast<double>(random());
        if (std::isfinite(d)) values.push_back(d);
    }
    for (int i = 0; i < 5000; ++i) {
        values.push_back(static_cast<double>(static_cast<std::int64_t>(random() % 2000000001) - 1000000000) / 100.0);
        values.push_back(static_cast<double>(random() >> (random() % 64)));
    }
    std::ostringstream bits;
    for (double d : values) bits << std::hex << std::bit_cast<std::uint64_t>(d) << '\n';
    write_file(dir / "bits.txt", bits.str());
    auto [rc, out] = node("numbers.mjs", {(dir / "bits.txt").string()});
    BOOST_REQUIRE_MESSAGE(rc == 0, out);
    std::istringstream lines(out);
    std::string expected;
    std::size_t mismatches = 0;
    for (double d : values) {
        BOOST_REQUIRE(std::getline(lines, expected));
        const std::string mine = canonical_json(json::value(d));
        if (mine != expected && ++mismatches <= 10) BOOST_TEST(mine == expected);
    }
    BOOST_TEST(mismatches == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
