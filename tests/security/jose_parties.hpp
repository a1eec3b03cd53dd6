// Test fixture for the JWS/JWE tests: signers and recipients whose keys and
// self-signed certificates the openssl CLI makes in a temporary directory, so
// nothing in govbus produced the keys it is tested with.
#pragma once

#include "security/crypto.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace govbus::security::testing {

struct JoseParty {
    PKey key;
    Certificate cert;
    std::string key_file, cert_file;  // PKCS#8 PEM, X.509 PEM
};

inline std::string slurp(const std::filesystem::path& f) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_file(const std::filesystem::path& f, std::string_view bytes) {
    std::ofstream(f, std::ios::binary) << bytes;
}

// Runs a shell command; its exit status and what it wrote (stdout and stderr).
inline std::pair<int, std::string> run_command(const std::string& command) {
    std::string out;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return {-1, "popen failed"};
    char buf[4096];
    while (fgets(buf, sizeof buf, p)) out += buf;
    return {pclose(p), out};
}

struct JoseParties {
    std::filesystem::path dir;
    // The clear envelope every test signs and encrypts.
    std::string envelope = slurp(std::filesystem::path(GOVBUS_SOURCE_DIR) / "tests/data/valid/case-apply-natural.json");

    JoseParties() {
        char name[] = "/tmp/govbus-jose-XXXXXX";
        dir = mkdtemp(name);
        BOOST_REQUIRE_MESSAGE(!envelope.empty(), "tests/data/valid/case-apply-natural.json is missing");
    }
    ~JoseParties() { std::filesystem::remove_all(dir); }
    JoseParties(const JoseParties&) = delete;
    JoseParties& operator=(const JoseParties&) = delete;

    // kind: "ec" (P-256), "rsa" (2048 bits), "rsa1024" (too short for JWS), "sm2".
    // The certificate's subject is CN=<cn>; SM2 certificates are signed with
    // SM2-with-SM3 under the default signer id.
    JoseParty party(const std::string& kind, const std::string& cn) {
        const std::string base = (dir / (kind + "-" + cn)).string();
        const std::string key = base + ".key", cert = base + ".crt";
        std::string genkey = "openssl genpkey -out " + key + " -algorithm ";
        if (kind == "ec") genkey += "EC -pkeyopt ec_paramgen_curve:P-256";
        else if (kind == "sm2") genkey += "EC -pkeyopt ec_paramgen_curve:SM2";
        else if (kind == "rsa") genkey += "RSA -pkeyopt rsa_keygen_bits:2048";
        else genkey += "RSA -pkeyopt rsa_keygen_bits:1024";
        const std::string digest = kind == "sm2" ? " -sm3 -sigopt distid:1234567812345678" : " -sha256";
        const std::string req = "openssl req -x509 -new -key " + key + digest + " -subj /CN=" + cn + " -days 2 -out " + cert;
        for (const auto& command : {genkey, req}) {
            auto [rc, out] = run_command(command);
            BOOST_REQUIRE_MESSAGE(rc == 0, command << ": " << out);
        }
        auto k = load_private_key(key);
        auto c = load_certificate(cert);
        BOOST_REQUIRE_MESSAGE(k.ok() && c.ok(), "cannot load " << base);
        return {std::move(k.value()), std::move(c.value()), key, cert};
    }
};

}  // namespace govbus::security::testing
