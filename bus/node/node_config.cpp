#include "bus/node/node_config.hpp"

#include "bus/node/config_reader.hpp"

#include <filesystem>

namespace govbus {

namespace fs = std::filesystem;

const char* to_string(NodeLevel level) {
    switch (level) {
        case NodeLevel::national: return "national";
        case NodeLevel::province: return "province";
        case NodeLevel::city: return "city";
        case NodeLevel::county: return "county";
    }
    return "?";
}

namespace {

std::string absolute_from(const std::string& dir, const std::string& path) {
    if (path.empty()) return path;
    fs::path p(path);
    return (p.is_absolute() ? p : fs::path(dir) / p).lexically_normal().string();
}

bool is_region_code(const std::string& s) {
    if (s.size() != 6) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

PeerNode read_peer(ConfigReader& r, const YAML::Node& n, const std::string& path) {
    PeerNode peer;
    if (!r.expect_map(n, path, {"id", "region", "url"})) return peer;
    peer.id = r.text(n, "id", path, true).value_or("");
    peer.region = r.text_or(n, "region", path, "");
    peer.url = r.text(n, "url", path, true).value_or("");
    if (!peer.region.empty() && !is_region_code(peer.region))
        r.error(n["region"], path + "/region", "expected a 6-digit GB/T 2260 region code");
    return peer;
}

}  // namespace

Result<NodeConfig> load_node_config(const std::string& file) {
    ConfigReader r(file);
    YAML::Node root = r.load();
    if (!r.ok()) return r.problems();
    NodeConfig c;
    c.file = file;
    c.dir = fs::absolute(fs::path(file)).parent_path().string();
    if (!r.expect_map(root, "", {"node", "routes", "endpoints", "catalogue", "security", "parent", "children",
                                 "adapters", "delivery", "intake", "queries", "audit", "log_level"}))
        return r.problems();

    const std::string np = "/node";
    auto node = root["node"];
    if (!node.IsDefined()) {
        r.error(root, np, "required key 'node' is missing");
    } else if (r.expect_map(node, np, {"id", "level", "region", "data_dir", "key", "cert"})) {
        c.id = r.text(node, "id", np, true).value_or("");
        auto level = r.text(node, "level", np, true).value_or("city");
        if (level == "national") c.level = NodeLevel::national;
        else if (level == "province") c.level = NodeLevel::province;
        else if (level == "city") c.level = NodeLevel::city;
        else if (level == "county") c.level = NodeLevel::county;
        else r.error(node["level"], np + "/level", "expected national, province, city or county");
        c.region = r.text(node, "region", np, true).value_or("");
        if (!c.region.empty() && !is_region_code(c.region))
            r.error(node["region"], np + "/region", "expected a 6-digit GB/T 2260 region code");
        c.data_dir = absolute_from(c.dir, r.text(node, "data_dir", np, true).value_or(""));
        c.node_key = absolute_from(c.dir, r.text_or(node, "key", np, ""));
        c.node_cert = absolute_from(c.dir, r.text_or(node, "cert", np, ""));
    }
    c.routes = absolute_from(c.dir, r.text(root, "routes", "", true).value_or(""));
    c.endpoints = absolute_from(c.dir, r.text(root, "endpoints", "", true).value_or(""));
    c.catalogue = absolute_from(c.dir, r.text_or(root, "catalogue", "", ""));
    if (auto s = root["security"]; s.IsDefined() && !s.IsNull()) {
        if (s.IsMap()) c.security = s;
        else r.error(s, "/security", "expected a mapping (docs/operator.md \"Message security\")");
    }
    c.log_level = r.text_or(root, "log_level", "", "info");

    if (root["parent"].IsDefined() && !root["parent"].IsNull()) c.parent = read_peer(r, root["parent"], "/parent");
    if (auto ch = root["children"]; ch.IsDefined() && !ch.IsNull()) {
        if (!ch.IsSequence()) {
            r.error(ch, "/children", "expected a list of child nodes");
        } else {
            for (std::size_t i = 0; i < ch.size(); ++i) {
                auto peer = read_peer(r, ch[i], "/children/" + std::to_string(i));
                if (peer.region.empty())
                    r.error(ch[i], "/children/" + std::to_string(i) + "/region",
                            "a child node needs the region code it serves (push-down picks the child by it)");
                c.children.push_back(std::move(peer));
            }
        }
    }
    if (auto a = root["adapters"]; a.IsDefined()) c.adapters = a;
    if (!c.adapters.IsMap())
        r.error(root, "/adapters", "required mapping 'adapters' (adapter name -> options) is missing");

    if (auto d = root["delivery"]; d.IsDefined()) {
        const std::string p = "/delivery";
        if (r.expect_map(d, p, {"max_attempts", "backoff_initial_ms", "backoff_max_ms", "default_ttl_seconds",
                                "keep_delivered_seconds", "keep_case_paths_seconds"})) {
            c.max_attempts = static_cast<int>(r.integer_or(d, "max_attempts", p, c.max_attempts, 1, 1000));
            c.backoff_initial_ms = r.integer_or(d, "backoff_initial_ms", p, c.backoff_initial_ms, 1, 3600000);
            c.backoff_max_ms = r.integer_or(d, "backoff_max_ms", p, c.backoff_max_ms, 1, 86400000);
            c.default_ttl_seconds =
                r.integer_or(d, "default_ttl_seconds", p, c.default_ttl_seconds, 1, 365LL * 86400);
            c.keep_delivered_seconds =
                r.integer_or(d, "keep_delivered_seconds", p, c.keep_delivered_seconds, 1, 365LL * 86400);
            c.keep_case_paths_seconds =
                r.integer_or(d, "keep_case_paths_seconds", p, c.keep_case_paths_seconds, 1, 10 * 366LL * 86400);
        }
    }
    if (auto q = root["queries"]; q.IsDefined()) {
        const std::string p = "/queries";
        if (r.expect_map(q, p, {"timeout_seconds", "max_batch_keys"})) {
            c.query_timeout_seconds = r.integer_or(q, "timeout_seconds", p, c.query_timeout_seconds, 1, 86400);
            c.max_batch_keys = static_cast<int>(r.integer_or(q, "max_batch_keys", p, c.max_batch_keys, 1, 1000));
        }
    }
    if (auto in = root["intake"]; in.IsDefined()) {
        const std::string p = "/intake";
        if (r.expect_map(in, p, {"max_message_bytes", "replay_window_seconds", "workers"})) {
            c.max_message_bytes = r.integer_or(in, "max_message_bytes", p, c.max_message_bytes, 1024, 1LL << 30);
            c.replay_window_seconds =
                r.integer_or(in, "replay_window_seconds", p, c.replay_window_seconds, 1, 30LL * 86400);
            c.workers = static_cast<int>(r.integer_or(in, "workers", p, c.workers, 1, 64));
        }
    }
    // A message from an endpoint is accepted while its created time lies within
    // the replay window of now, so an id must be remembered for twice that.
    if (c.keep_delivered_seconds < 2 * c.replay_window_seconds) {
        const auto d = root["delivery"];
        r.error(d.IsDefined() && d["keep_delivered_seconds"].IsDefined() ? d["keep_delivered_seconds"] : root,
                "/delivery/keep_delivered_seconds",
                "keeps delivered messages " + std::to_string(c.keep_delivered_seconds) +
                    " s, less than twice intake.replay_window_seconds (" + std::to_string(c.replay_window_seconds) +
                    " s): a replay inside the window could be delivered again; make it at least " +
                    std::to_string(2 * c.replay_window_seconds));
    }
    if (auto a = root["audit"]; a.IsDefined()) {
        const std::string p = "/audit";
        if (r.expect_map(a, p, {"checkpoint_every", "retention_days"})) {
            c.audit_checkpoint_every =
                static_cast<int>(r.integer_or(a, "checkpoint_every", p, c.audit_checkpoint_every, 1, 1000000));
            c.audit_retention_days =
                static_cast<int>(r.integer_or(a, "retention_days", p, c.audit_retention_days, 180, 36500));
        }
    }
    if (!r.ok()) return r.problems();
    return c;
}

}  // namespace govbus
