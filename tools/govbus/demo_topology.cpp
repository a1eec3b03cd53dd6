#include "tools/govbus/demo_topology.hpp"

#include "bus/core/file_text.hpp"
#include "security/pki.hpp"
#include "tools/common/child_process.hpp"
#include "tools/common/node_key.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace govbus::cli {

namespace fs = std::filesystem;

namespace {

struct Spec {
    const char* id;
    const char* level;
    const char* region;
    const char* routes;
    const char* endpoints;
    const char* parent;  // "" for none
};

constexpr Spec kNodes[] = {
    {"national", "national", "100000", "national.yaml", "endpoints-national.yaml", ""},
    {"province-510000", "province", "510000", "province-510000.yaml", "endpoints-province.yaml", "national"},
    {"city-510100", "city", "510100", "city-510100.yaml", "endpoints-city-510100.yaml", "province-510000"},
    {"city-510700", "city", "510700", "city-510700.yaml", "endpoints-city-510700.yaml", "province-510000"},
};

// The programs sit in the build tree as tools/govbus/govbus and tools/govbusd/govbusd.
std::string sibling_program(const std::string& name) {
    fs::path self = fs::read_symlink("/proc/self/exe");
    for (auto candidate : {self.parent_path() / name, self.parent_path().parent_path() / name / name}) {
        if (fs::exists(candidate)) return candidate.string();
    }
    throw std::runtime_error("cannot find the " + name + " program next to " + self.string());
}

}  // namespace

int DemoTopology::port(const std::string& node) const {
    for (const auto& n : nodes)
        if (n.id == node) return n.port;
    return 0;
}

std::string DemoTopology::url(const std::string& node) const {
    // Secure links check the node certificate's name: localhost is in its subjectAltName.
    return (secure ? "amqps://localhost:" : "amqp://127.0.0.1:") + std::to_string(port(node));
}

std::string DemoTopology::trace_flags() const {
    std::string s;
    for (const auto& n : nodes) s += " --config " + n.config;
    return s;
}

namespace {

// Endpoints whose messages the demo signs with SM2 (the gm suite).
bool signs_gm(const std::string& endpoint) { return endpoint.rfind("my.", 0) == 0; }

void must(const Status& st, const std::string& what) {
    if (!st) throw std::runtime_error(what + ": " + st.problem().to_string());
}

// The deployment's PKI, made as an operator would with govbus pki.
void make_pki(const DemoTopology& t, const std::vector<std::string>& endpoints) {
    fs::remove_all(t.pki);
    fs::remove_all(t.pki_gm);
    security::PkiInit intl;
    intl.dir = t.pki;
    intl.name = "govbus demo CA";
    must(security::pki_init(intl), "pki init");
    security::PkiInit gm = intl;
    gm.dir = t.pki_gm;
    gm.suite = security::Suite::gm;
    gm.name = "govbus demo CA (SM2)";
    must(security::pki_init(gm), "pki init --suite gm");
    for (const auto& n : t.nodes) {
        security::PkiIssue r;
        r.dir = t.pki;
        r.id = n.id;
        r.kind = security::CertificateKind::node;
        r.hosts = {"localhost", "127.0.0.1"};
        if (auto i = security::pki_issue(r); !i) must(i.problems(), "pki issue " + n.id);
    }
    for (const auto& e : endpoints) {
        security::PkiIssue r;
        r.dir = t.pki;
        r.id = e;
        if (auto i = security::pki_issue(r); !i) must(i.problems(), "pki issue " + e);
        if (!signs_gm(e)) continue;
        r.dir = t.pki_gm;
        if (auto i = security::pki_issue(r); !i) must(i.problems(), "pki issue --suite gm " + e);
    }
    for (const auto& d : {t.pki, t.pki_gm})
        if (auto crl = security::pki_crl(d, 7); !crl) must(crl.problems(), "pki crl " + d);
}

// The sample registry, with the departments the demo reaches by HTTP or by
// exchange database switched to those adapters.
std::string demo_registry(const DemoTopology& t, const std::string& node, const fs::path& sample) {
    std::string registry = read_whole_file(sample.string()).value_or("");
    bool changed = false;
    for (const auto& d : t.departments) {
        if (d.node != node || d.adapter == "amqp") continue;
        const std::string entry = "  - id: " + d.endpoint + "\n";
        auto at = registry.find(entry);
        auto adapter = at == std::string::npos ? at : registry.find("    adapter: amqp\n", at);
        if (adapter == std::string::npos) throw std::runtime_error(sample.string() + " has no AMQP entry for " + d.endpoint);
        std::string replacement = "    adapter: " + d.adapter + "\n";
        if (d.adapter == "exchange-db") replacement += "    options: { backend: sqlite, path: " + t.exchange_db + " }\n";
        registry.replace(adapter, std::string("    adapter: amqp\n").size(), replacement);
        changed = true;
    }
    if (!changed) return sample.string();
    const std::string file = t.dir + "/endpoints-" + node + ".yaml";
    std::ofstream(file) << "# Written by govbus demo from " << sample.string() << "\n" << registry;
    return file;
}

}  // namespace

DemoIdentity DemoTopology::identity(const std::string& endpoint) const {
    if (!secure) return {};
    DemoIdentity id;
    id.ca = pki + "/ca.crt";
    id.tls_cert = pki + "/" + endpoint + ".crt";
    id.tls_key = pki + "/" + endpoint + ".key";
    const std::string& sign_dir = signs_gm(endpoint) ? pki_gm : pki;
    id.sign_cert = sign_dir + "/" + endpoint + ".crt";
    id.sign_key = sign_dir + "/" + endpoint + ".key";
    return id;
}

DemoTopology make_demo_topology(const std::string& dir, bool secure) {
    DemoTopology t;
    t.secure = secure;
    t.dir = fs::absolute(dir).lexically_normal().string();
    t.govbus = fs::read_symlink("/proc/self/exe").string();
    t.govbusd = sibling_program("govbusd");
    fs::remove_all(fs::path(t.dir) / "data");
    fs::create_directories(fs::path(t.dir) / "data");
    const fs::path source = GOVBUS_SOURCE_DIR;
    for (const auto& s : kNodes) t.nodes.push_back({s.id, tools::free_port(), t.dir + "/" + s.id + ".yaml"});
    // Two departments meet the hub where old systems stand: Chengdu civil
    // affairs over HTTP, Mianyang civil affairs through its exchange database.
    t.departments = {{"nat.population", "national"},   {"nat.legal-person", "national"},
                     {"cd.market", "city-510100"},     {"cd.civil", "city-510100", "http"},
                     {"my.market", "city-510700"},     {"my.civil", "city-510700", "exchange-db"}};
    t.http_port = tools::free_port();
    t.exchange_db = t.dir + "/my.civil-exchange.db";
    fs::remove(t.exchange_db);
    fs::remove(t.exchange_db + "-wal");
    fs::remove(t.exchange_db + "-shm");
    t.pki = t.dir + "/pki";
    t.pki_gm = t.dir + "/pki-gm";
    if (secure) {
        std::vector<std::string> endpoints{"sc.portal", "cd.window"};
        for (const auto& d : t.departments) endpoints.push_back(d.endpoint);
        make_pki(t, endpoints);
    }

    for (const auto& s : kNodes) {
        // The node's key signs its exchange-log checkpoints (and, secure, its TLS links).
        std::string key = t.pki + "/" + s.id + ".key", crt = t.pki + "/" + s.id + ".crt";
        if (!secure) {
            auto made = tools::make_node_key(t.dir + "/node-keys", s.id);
            key = made.key;
            crt = made.cert;
        }
        std::ofstream out(t.dir + "/" + s.id + ".yaml");
        out << "# Written by govbus demo.\n"
            << "node:\n  id: " << s.id << "\n  level: " << s.level << "\n  region: \"" << s.region << "\"\n"
            << "  data_dir: data/" << s.id << "\n  key: " << key << "\n  cert: " << crt << "\n"
            << "routes: " << (source / "routes" / s.routes).string() << "\n"
            << "endpoints: " << demo_registry(t, s.id, source / "etc" / s.endpoints) << "\n";
        if (std::string(s.level) == "national")
            out << "catalogue: " << (source / "etc" / "catalogue-national.yaml").string() << "\n";
        if (*s.parent) out << "parent: { id: " << s.parent << ", url: \"" << t.url(s.parent) << "\" }\n";
        bool first = true;
        for (const auto& c : kNodes) {
            if (std::string(c.parent) != s.id) continue;
            if (first) out << "children:\n";
            first = false;
            out << "  - { id: " << c.id << ", region: \"" << c.region << "\", url: \"" << t.url(c.id) << "\" }\n";
        }
        // Nodes, endpoints and HTTP callers all show certificates of the demo CA.
        const std::string transport = secure ? "tls: { ca: " + t.pki + "/ca.crt, cert: " + crt + ", key: " + key + " } }\n"
                                             : std::string("plain: true }\n");
        out << "adapters:\n  amqp: { listen: \"127.0.0.1:" << t.port(s.id) << "\", " << transport;
        if (std::string(s.id) == "city-510100")
            out << "  http: { listen: \"127.0.0.1:" << t.http_port << "\", " << transport;
        if (std::string(s.id) == "city-510700") out << "  exchange-db: { poll_ms: 100 }\n";
        if (secure)
            out << "security:\n  trust: [" << t.pki << "/ca.crt, " << t.pki_gm << "/ca.crt]\n  crl: [" << t.pki
                << "/crl.pem, " << t.pki_gm << "/crl.pem]\n";
        out << "delivery: { backoff_initial_ms: 200, backoff_max_ms: 5000 }\n"
            << "log_level: info\n";
        if (!out) throw std::runtime_error("cannot write " + t.dir + "/" + s.id + ".yaml");
    }
    return t;
}

}  // namespace govbus::cli
