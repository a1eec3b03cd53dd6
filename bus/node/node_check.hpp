// What a node's configuration sets up, checked without starting anything
// (govbusd --check), and the adapter blocks the node starts from.
#pragma once

#include "bus/node/adapter.hpp"
#include "bus/node/endpoint_registry.hpp"
#include "bus/node/node_config.hpp"

#include <vector>

namespace govbus {

// One AdapterConfig per block under `adapters:`, each with the endpoints
// that use it (and, for amqp, the parent and child nodes); loads the
// out-of-tree adapter libraries the blocks name. Refuses an endpoint whose
// adapter has no block.
Result<std::vector<AdapterConfig>> adapter_configs(const NodeConfig& config, const EndpointRegistry& endpoints);

// Loads the route table, the endpoint registry, its translations and the
// share catalogue, and makes (without starting) every adapter: all that a
// start would refuse for what the files say.
Status check_node_config(const NodeConfig& config);

}  // namespace govbus
