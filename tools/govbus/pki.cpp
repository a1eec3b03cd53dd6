// govbus pki init|issue|revoke|crl|list: the deployment's certificates
// (security/pki.hpp, docs/security.md "PKI").
#include "security/pki.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/command_options.hpp"

#include <iostream>

namespace po = boost::program_options;

namespace govbus::cli {

namespace {

int fail(const Problems& problems) {
    for (const auto& p : problems) std::cerr << "govbus pki: " << p.code << ": " << p.message << "\n";
    return 1;
}

int run_init(const std::vector<std::string>& args) {
    security::PkiInit r;
    std::string suite = "intl", key = "ec";
    po::options_description o("govbus pki init: make a deployment CA");
    o.add_options()("help,h", "show this help")("dir", po::value(&r.dir)->required(), "CA directory to create")(
        "suite", po::value(&suite)->default_value("intl"), "intl (ECDSA P-256 or RSA-2048, SHA-256) | gm (SM2, SM3)")(
        "key", po::value(&key)->default_value("ec"), "intl only: ec | rsa")(
        "name", po::value(&r.name)->default_value("govbus deployment CA"), "the CA's common name")(
        "days", po::value(&r.days)->default_value(3650), "validity");
    if (auto rc = parse_command_options("pki init", args, o)) return *rc;
    auto s = security::parse_suite(suite);
    if (!s) return fail(s.problems());
    if (key != "ec" && key != "rsa") return fail({make_problem("usage", "--key is ec or rsa")});
    if (*s == security::Suite::gm && key == "rsa") return fail({make_problem("usage", "the gm suite uses SM2 keys only")});
    r.suite = *s;
    r.rsa = key == "rsa";
    if (auto st = security::pki_init(r); !st) return fail(st.problems());
    std::cout << "CA '" << r.name << "' (" << suite << ") in " << r.dir << ": ca.crt, ca.key (keep it offline)\n";
    return 0;
}

int run_issue(const std::vector<std::string>& args) {
    security::PkiIssue r;
    std::string kind = "endpoint", key, wanted_suite;
    po::options_description o("govbus pki issue: a node or endpoint certificate");
    o.add_options()("help,h", "show this help")("dir", po::value(&r.dir)->required(), "CA directory")(
        "name", po::value(&r.id)->required(), "endpoint or node id: the certificate's CN")(
        "kind", po::value(&kind)->default_value("endpoint"), "endpoint | node")(
        "key", po::value(&key), "intl CAs only: ec | rsa (default: the CA's own key type)")(
        "suite", po::value(&wanted_suite), "intl | gm: refuse unless the CA is of this suite (one directory, one suite)")(
        "host", po::value(&r.hosts)->multitoken(), "subjectAltName for a TLS server: DNS name or IP address (repeatable)")(
        "days", po::value(&r.days)->default_value(825), "validity");
    if (auto rc = parse_command_options("pki issue", args, o)) return *rc;
    if (kind != "endpoint" && kind != "node") return fail({make_problem("usage", "--kind is endpoint or node")});
    r.kind = kind == "node" ? security::CertificateKind::node : security::CertificateKind::endpoint;
    auto suite = security::pki_suite(r.dir);
    if (!suite) return fail(suite.problems());
    if (!wanted_suite.empty() && wanted_suite != security::to_string(*suite))
        return fail({make_problem("usage", r.dir + " is a " + security::to_string(*suite) + " CA; use the " +
                                               wanted_suite + " CA's directory for " + wanted_suite + " certificates")});
    if (key.empty()) {
        auto ca = security::load_certificate(r.dir + "/ca.crt");
        if (!ca) return fail(ca.problems());
        key = security::is_rsa_key(security::public_key_of(ca->get()).get()) ? "rsa" : "ec";
    }
    if (key != "ec" && key != "rsa") return fail({make_problem("usage", "--key is ec or rsa")});
    if (*suite == security::Suite::gm && key == "rsa") return fail({make_problem("usage", "a gm CA issues SM2 keys only")});
    r.rsa = key == "rsa";
    auto issued = security::pki_issue(r);
    if (!issued) return fail(issued.problems());
    std::cout << kind << " " << r.id << ": " << issued->cert_file << " (serial " << issued->serial << "), key "
              << issued->key_file << "\n";
    return 0;
}

int run_revoke(const std::vector<std::string>& args) {
    std::string dir, id, reason;
    po::options_description o("govbus pki revoke: mark a certificate revoked (publish with pki crl)");
    o.add_options()("help,h", "show this help")("dir", po::value(&dir)->required(), "CA directory")(
        "name", po::value(&id)->required(), "the id whose certificate is revoked")(
        "reason", po::value(&reason)->default_value("unspecified"),
        "RFC 5280 reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, ...");
    if (auto rc = parse_command_options("pki revoke", args, o)) return *rc;
    if (auto st = security::pki_revoke(dir, id, reason); !st) return fail(st.problems());
    std::cout << id << " revoked (" << reason << "); run govbus pki crl --dir " << dir << " to publish it\n";
    return 0;
}

int run_crl(const std::vector<std::string>& args) {
    std::string dir;
    int days = 7;
    po::options_description o("govbus pki crl: write DIR/crl.pem with every revoked certificate");
    o.add_options()("help,h", "show this help")("dir", po::value(&dir)->required(), "CA directory")(
        "days", po::value(&days)->default_value(7), "until the next update: nodes refuse a CRL older than that");
    if (auto rc = parse_command_options("pki crl", args, o)) return *rc;
    auto file = security::pki_crl(dir, days);
    if (!file) return fail(file.problems());
    std::cout << "CRL written to " << *file << " (next update in " << days << " days)\n";
    return 0;
}

int run_list(const std::vector<std::string>& args) {
    std::string dir;
    po::options_description o("govbus pki list: what this CA issued and revoked");
    o.add_options()("help,h", "show this help")("dir", po::value(&dir)->required(), "CA directory");
    if (auto rc = parse_command_options("pki list", args, o)) return *rc;
    auto index = security::pki_index(dir);
    if (!index) return fail(index.problems());
    for (const auto& e : *index)
        std::cout << e.serial << "  " << e.kind << "  " << e.id << "  " << e.status
                  << (e.status == "revoked" ? "  " + e.revoked + " " + e.reason : std::string()) << "\n";
    return 0;
}

const bool registered = register_command({"pki init", "make a deployment CA (intl or gm suite)", run_init}) &&
                        register_command({"pki issue", "issue a node or endpoint certificate", run_issue}) &&
                        register_command({"pki revoke", "revoke an issued certificate", run_revoke}) &&
                        register_command({"pki crl", "publish the revocation list", run_crl}) &&
                        register_command({"pki list", "list issued and revoked certificates", run_list});

}  // namespace

}  // namespace govbus::cli
