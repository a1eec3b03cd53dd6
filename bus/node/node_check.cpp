#include "bus/node/node_check.hpp"

#include "bus/node/share_catalogue.hpp"
#include "bus/node/translation.hpp"
#include "bus/router/route_table.hpp"

#include <filesystem>

namespace govbus {

Result<std::vector<AdapterConfig>> adapter_configs(const NodeConfig& config, const EndpointRegistry& endpoints) {
    std::vector<AdapterConfig> out;
    for (const auto& kv : config.adapters) {
        AdapterConfig ac;
        ac.name = kv.first.as<std::string>();
        ac.node_id = config.id;
        ac.options = kv.second;
        ac.config_dir = config.dir;
        ac.config_file = config.file;
        ac.registry_file = config.endpoints;
        if (kv.second.IsMap() && kv.second["library"]) {
            std::filesystem::path lib = kv.second["library"].as<std::string>();
            if (lib.is_relative()) lib = std::filesystem::path(config.dir) / lib;
            if (auto st = load_adapter_plugin(lib.string()); !st) return st.problems();
        }
        for (const auto& [id, e] : endpoints.all())
            if (e.adapter == ac.name) ac.peers.push_back({"endpoint:" + id, e.url, e.options});
        // Nodes always talk AMQP to each other.
        if (ac.name == "amqp") {
            if (!config.parent.id.empty())
                ac.peers.push_back({"node:" + config.parent.id, config.parent.url, YAML::Node()});
            for (const auto& c : config.children) ac.peers.push_back({"node:" + c.id, c.url, YAML::Node()});
        }
        out.push_back(std::move(ac));
    }
    for (const auto& [id, e] : endpoints.all()) {
        bool served = false;
        for (const auto& ac : out) served = served || ac.name == e.adapter;
        if (!served)
            return make_problem("config.adapter_missing", "endpoint '" + id + "' uses adapter '" + e.adapter +
                                                              "', which has no block under 'adapters' in " + config.file);
    }
    return out;
}

NodeTables load_node_tables(const NodeConfig& config, Problems& problems) {
    NodeTables out;
    if (auto routes = router::RouteTable::load(config.routes); !routes) append_problems(problems, routes.problems());
    else out.routes = std::make_shared<const router::RouteTable>(std::move(routes.value()));
    if (!config.catalogue.empty()) {
        auto catalogue = ShareCatalogue::load(config.catalogue);
        if (!catalogue) append_problems(problems, catalogue.problems());
        else out.catalogue = std::make_shared<const ShareCatalogue>(std::move(catalogue.value()));
    }
    auto endpoints = EndpointRegistry::load(config.endpoints);
    if (!endpoints) {
        append_problems(problems, endpoints.problems());
        return out;
    }
    out.endpoints = std::make_shared<const EndpointRegistry>(std::move(endpoints.value()));
    for (const auto& [id, e] : out.endpoints->all()) {
        if (e.translate.empty()) continue;
        if (auto t = Translation::load(e.translate); !t) append_problems(problems, t.problems());
        else out.translations[id] = std::make_shared<const Translation>(std::move(t.value()));
    }
    return out;
}

Status check_node_config(const NodeConfig& config) {
    Problems problems;
    NodeTables tables = load_node_tables(config, problems);
    if (!tables.endpoints) return problems;
    auto configs = adapter_configs(config, *tables.endpoints);
    if (!configs) {
        append_problems(problems, configs.problems());
        return problems;
    }
    for (const auto& ac : *configs)
        if (auto adapter = make_adapter(ac); !adapter) append_problems(problems, adapter.problems());
    if (!problems.empty()) return problems;
    return ok_status();
}

}  // namespace govbus
