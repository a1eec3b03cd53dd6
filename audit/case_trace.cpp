#include "audit/case_trace.hpp"

#include "audit/log_query.hpp"

#include <algorithm>
#include <map>

namespace govbus::audit {

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
    // (node, message) -> received time; message -> (node, delivered time) of the latest delivery.
    std::map<std::pair<std::string, std::string>, std::int64_t> received_at;
    std::map<std::string, std::pair<std::string, std::int64_t>> delivered_by;
    std::vector<TraceStep> out;
    out.reserve(items.size());
    for (auto& it : items) {
        TraceStep step;
        const Record& r = it.record;
        auto key = std::make_pair(r.node_id, r.message_id);
        if (r.event == "received") {
            received_at.emplace(key, r.time_ms);
            auto d = delivered_by.find(r.message_id);
            if (d != delivered_by.end() && d->second.first != r.node_id) {
                step.between_nodes_ms = r.time_ms - d->second.second;
                step.from_node = d->second.first;
            }
        } else if (r.event == "delivered") {
            if (r.latency_ms) step.at_node_ms = *r.latency_ms;
            else if (auto f = received_at.find(key); f != received_at.end()) step.at_node_ms = r.time_ms - f->second;
            delivered_by[r.message_id] = {r.node_id, r.time_ms};
        }
        step.record = std::move(it.record);
        out.push_back(std::move(step));
    }
    return out;
}

}  // namespace govbus::audit
