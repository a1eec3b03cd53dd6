#include "tools/govbus/demo_topology.hpp"

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
    return "amqp://127.0.0.1:" + std::to_string(port(node));
}

std::string DemoTopology::trace_flags() const {
    std::string s;
    for (const auto& n : nodes) s += " --config " + n.config;
    return s;
}

DemoTopology make_demo_topology(const std::string& dir) {
    DemoTopology t;
    t.dir = fs::absolute(dir).lexically_normal().string();
    t.govbus = fs::read_symlink("/proc/self/exe").string();
    t.govbusd = sibling_program("govbusd");
    fs::remove_all(fs::path(t.dir) / "data");
    fs::create_directories(fs::path(t.dir) / "data");
    const fs::path source = GOVBUS_SOURCE_DIR;
    for (const auto& s : kNodes) t.nodes.push_back({s.id, tools::free_port(), t.dir + "/" + s.id + ".yaml"});

    for (const auto& s : kNodes) {
        // The node's key signs its exchange-log checkpoints.
        auto [key, crt] = tools::make_node_key(t.dir + "/pki", s.id);
        std::ofstream out(t.dir + "/" + s.id + ".yaml");
        out << "# Written by govbus demo.\n"
            << "node:\n  id: " << s.id << "\n  level: " << s.level << "\n  region: \"" << s.region << "\"\n"
            << "  data_dir: data/" << s.id << "\n  key: " << key << "\n  cert: " << crt << "\n"
            << "routes: " << (source / "routes" / s.routes).string() << "\n"
            << "endpoints: " << (source / "etc" / s.endpoints).string() << "\n";
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
        out << "adapters:\n  amqp: { listen: \"127.0.0.1:" << t.port(s.id) << "\", plain: true }\n"
            << "delivery: { backoff_initial_ms: 200, backoff_max_ms: 5000 }\n"
            << "log_level: info\n";
        if (!out) throw std::runtime_error("cannot write " + t.dir + "/" + s.id + ".yaml");
    }
    t.departments = {{"nat.population", "national"}, {"nat.legal-person", "national"},
                     {"cd.market", "city-510100"},   {"cd.civil", "city-510100"},
                     {"my.market", "city-510700"},   {"my.civil", "city-510700"}};
    return t;
}

}  // namespace govbus::cli
