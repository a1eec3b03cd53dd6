// One case's way across nodes: the records of several nodes' logs merged into
// one timeline, with the time spent at each node and between nodes.
#pragma once

#include "audit/record.hpp"
#include "bus/core/problem.hpp"

#include <optional>
#include <string>
#include <vector>

namespace govbus::audit {

struct TraceStep {
    Record record;
    // On delivered: time since this node received the message (its latency_ms when logged).
    std::optional<std::int64_t> at_node_ms;
    // On received from another node: time since that node routed the message
    // here (its wait in that node's outbox and the transfer), and which node.
    std::optional<std::int64_t> between_nodes_ms;
    std::string from_node;
};

// Reads `case_number` from every log and orders the records by time (then by
// log and seq). A log that cannot be opened is a problem, not a silent gap.
Result<std::vector<TraceStep>> trace_case(const std::vector<std::string>& log_paths, const std::string& case_number);

}  // namespace govbus::audit
