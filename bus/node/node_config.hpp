// The node configuration file (etc/*.yaml): who this node is, where its
// stores live, its peers, its adapters and its delivery policy.
// docs/operator.md describes every key.
#pragma once

#include "bus/core/problem.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace govbus {

enum class NodeLevel { national, province, city, county };
const char* to_string(NodeLevel level);

struct PeerNode {
    std::string id;      // node id, e.g. "city-510100"
    std::string region;  // GB/T 2260 code the peer serves
    std::string url;     // "amqp://127.0.0.1:5673"
};

struct NodeConfig {
    std::string file;        // the file it was read from
    std::string dir;         // its directory: relative paths are resolved against it
    std::string id;
    NodeLevel level = NodeLevel::city;
    std::string region;
    std::string data_dir;    // journal.db and exchange-log.db live here
    std::string routes;      // route table file
    std::string endpoints;   // endpoint registry file
    std::string catalogue;   // share catalogue file (bus/node/share_catalogue.hpp); empty: data.query unchecked
    YAML::Node security;     // message security (trust anchors, CRLs, policy): read by govbusd's verifier
    std::string log_level = "info";
    PeerNode parent;         // id empty when this node has none
    std::vector<PeerNode> children;
    YAML::Node adapters;     // adapter name -> its options block

    // delivery policy
    int max_attempts = 10;
    std::int64_t backoff_initial_ms = 1000;
    std::int64_t backoff_max_ms = 60000;
    std::int64_t default_ttl_seconds = 7 * 24 * 3600;
    // How long a message whose deliveries are all done stays in the journal
    // for de-duplication before JournalPruner removes it; at least twice the
    // replay window.
    std::int64_t keep_delivered_seconds = 7 * 24 * 3600;
    // How long a case's path (where it came down from) stays for its answers
    // to return along; counted from when the case came down.
    std::int64_t keep_case_paths_seconds = 365LL * 24 * 3600;

    // intake
    std::int64_t max_message_bytes = 10 * 1024 * 1024;
    std::int64_t replay_window_seconds = 600;  // created time must lie within now +/- this
    int workers = 2;                           // decode/validate thread pool size

    // request-reply (data.query)
    std::int64_t query_timeout_seconds = 30;  // an endpoint's query unanswered this long gets a timeout reply
    int max_batch_keys = 100;                 // keys one batch or verify query may carry (schema cap: 1000)

    // exchange log
    int audit_checkpoint_every = 1000;
    int audit_retention_days = 180;
    std::string node_key;   // PEM private key that signs hops and checkpoints (optional)
    std::string node_cert;  // its certificate
};

// Reads and checks a node configuration. Relative paths come back absolute.
Result<NodeConfig> load_node_config(const std::string& file);

}  // namespace govbus
