// Test fixture: deployment CA directories made with govbus pki in a
// temporary directory that is removed afterwards.
#pragma once

#include "security/pki.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace govbus::security::testing {

using TempDir = govbus::test::TempDir;

// Runs a shell command quietly; its exit status.
inline int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

inline std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write(const std::string& file, std::string_view bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// A CA in DIR/<name>; `name` defaults to the suite's name.
inline std::string make_ca(const TempDir& t, Suite suite, bool rsa = false, std::string name = {}) {
    if (name.empty()) name = std::string(to_string(suite)) + (rsa ? "-rsa" : "");
    PkiInit init;
    init.dir = t / name;
    init.suite = suite;
    init.rsa = rsa;
    const auto made = pki_init(init);
    BOOST_REQUIRE_MESSAGE(made.ok(), (made.ok() ? std::string() : made.problem().to_string()));
    return init.dir;
}

inline IssuedCertificate issue(const std::string& dir, const std::string& id, int days = 30, bool rsa = false) {
    PkiIssue r;
    r.dir = dir;
    r.id = id;
    r.days = days;
    r.rsa = rsa;
    auto issued = pki_issue(r);
    BOOST_REQUIRE_MESSAGE(issued.ok(), (issued.ok() ? std::string() : issued.problem().to_string()));
    return *issued;
}

inline Certificate cert_of(const IssuedCertificate& i) {
    auto cert = load_certificate(i.cert_file);
    BOOST_REQUIRE(cert.ok());
    return std::move(cert.value());
}

}  // namespace govbus::security::testing
