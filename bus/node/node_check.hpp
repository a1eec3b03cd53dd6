// What a node's configuration sets up, checked without starting anything
// (govbusd --check), and the adapter blocks the node starts from.
#pragma once

#include "bus/node/adapter.hpp"
#include "bus/node/endpoint_registry.hpp"
#include "bus/node/node_config.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace govbus {

namespace router {
class RouteTable;
}
class ShareCatalogue;
class Translation;

// The tables a node routes and checks by, swapped whole on reload.
struct NodeTables {
    std::shared_ptr<const router::RouteTable> routes;
    std::shared_ptr<const EndpointRegistry> endpoints;
    std::shared_ptr<const ShareCatalogue> catalogue;  // null when none is configured
    std::map<std::string, std::shared_ptr<const Translation>> translations;  // by endpoint id
};

// Reads the route table, the endpoint registry, its translations and the
// share catalogue. Every file is read even when an earlier one is refused,
// so `problems` names all that is wrong at once; the tables that loaded are set.
NodeTables load_node_tables(const NodeConfig& config, Problems& problems);

// One AdapterConfig per block under `adapters:`, each with the endpoints
// that use it (and, for amqp, the parent and child nodes); loads the
// out-of-tree adapter libraries the blocks name. Refuses an endpoint whose
// adapter has no block.
Result<std::vector<AdapterConfig>> adapter_configs(const NodeConfig& config, const EndpointRegistry& endpoints);

// load_node_tables, then makes (without starting) every adapter: all that a
// start would refuse for what the files say.
Status check_node_config(const NodeConfig& config);

}  // namespace govbus
