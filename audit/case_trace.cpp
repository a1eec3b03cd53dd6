#include "audit/case_trace.hpp"

#include "audit/log_query.hpp"

#include <algorithm>
#include <map>

namespace govbus::audit {

namespace {

const std::string kNodePrefix = "node:";

// Where a message was routed to a node from: the routing node and when.
struct Routing {
    std::string node;
    std::int64_t time_ms = 0;
};
// (message id, "node:" + receiving node) -> every routing of it there.
using Routings = std::map<std::pair<std::string, std::string>, std::vector<Routing>>;

// The routing that led to `received`: the latest one at or before the
// receipt, or, when node clocks disagree so that none is, the earliest.
std::optional<Routing> routing_of(const Routings& routed_to, const Record& received) {
    auto it = routed_to.find({received.message_id, kNodePrefix + received.node_id});
    if (it == routed_to.end()) return std::nullopt;
    std::optional<Routing> before, earliest;
    for (const auto& r : it->second) {
        if (r.node == received.node_id) continue;
        if (r.time_ms <= received.time_ms && (!before || r.time_ms > before->time_ms)) before = r;
        if (!earliest || r.time_ms < earliest->time_ms) earliest = r;
    }
    return before ? before : earliest;
}

}  // namespace

Result<std::vector<TraceStep>> trace_case(const std::vector<std::string>& log_paths, const std::string& case_number) {
    struct Item {
        Record record;
        std::size_t log = 0;
    };
    std::vector<Item> items;
    for (std::size_t i = 0; i < log_paths.size(); ++i) {
        auto reader = LogReader::open(log_paths[i]);
        if (!reader) return reader.problems();
        Query q;
        q.case_number = case_number;
        reader->for_each(q, [&](const Record& r) {
            items.push_back({r, i});
            return true;
        });
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        if (a.record.time_ms != b.record.time_ms) return a.record.time_ms < b.record.time_ms;
        if (a.log != b.log) return a.log < b.log;
        return a.record.seq < b.record.seq;
    });
    // A message one node routes to a neighbour node is logged there as
    // received. The routing node logs "delivered" only once the neighbour has
    // accepted it, after the receipt, so the hop is timed from the routing.
    Routings routed_to;
    for (const auto& it : items) {
        const Record& r = it.record;
        if (r.event == "routed" && r.destination.rfind(kNodePrefix, 0) == 0)
            routed_to[{r.message_id, r.destination}].push_back({r.node_id, r.time_ms});
    }
    std::map<std::pair<std::string, std::string>, std::int64_t> received_at;  // (node, message) -> time
    std::vector<TraceStep> out;
    out.reserve(items.size());
    for (auto& it : items) {
        TraceStep step;
        const Record& r = it.record;
        auto key = std::make_pair(r.node_id, r.message_id);
        if (r.event == "received") {
            received_at.emplace(key, r.time_ms);
            if (auto hop = routing_of(routed_to, r)) {
                step.from_node = hop->node;
                step.between_nodes_ms = r.time_ms - hop->time_ms;
            }
        } else if (r.event == "delivered") {
            if (r.latency_ms) step.at_node_ms = *r.latency_ms;
            else if (auto f = received_at.find(key); f != received_at.end()) step.at_node_ms = r.time_ms - f->second;
        }
        step.record = std::move(it.record);
        out.push_back(std::move(step));
    }
    return out;
}

}  // namespace govbus::audit
