// govbus audit trace: one case across several nodes' exchange logs, merged
// into a timeline with the time spent at each node and between nodes.
#include "audit/auditor_options.hpp"
#include "audit/case_trace.hpp"
#include "audit/record_format.hpp"
#include "tools/govbus/command.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit trace CASE --log FILE [--log FILE ...] [--format table|json]\n"
    "Merges the case's records from each node's log by time. AT NODE: time from received to\n"
    "delivered at that node; BETWEEN: time from the previous node's routing of the message\n"
    "to this node until its receipt here (its wait in that node's outbox and the transfer).\n";

std::string ms(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) + " ms" : ""; }

int run_trace(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--format"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto logs = o.all("--log");
    auto format = o.get("--format").value_or("table");
    if (!o.error.empty() || o.positional.size() != 1 || logs.empty() || (format != "table" && format != "json")) {
        std::cerr << "govbus audit trace: "
                  << (!o.error.empty() ? o.error : "give one case number and at least one --log") << "\n" << kUsage;
        return 2;
    }
    auto steps = audit::trace_case(logs, o.positional.front());
    if (!steps) {
        std::cerr << "govbus audit trace: " << steps.problem().message << "\n";
        return 3;
    }
    if (format == "json") {
        for (const auto& s : *steps) {
            auto j = audit::record_to_json(s.record);
            if (s.at_node_ms) j["at_node_ms"] = *s.at_node_ms;
            if (s.between_nodes_ms) {
                j["between_nodes_ms"] = *s.between_nodes_ms;
                j["from_node"] = s.from_node;
            }
            std::cout << boost::json::serialize(j) << "\n";
        }
        return steps->empty() ? 1 : 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : *steps) {
        const auto& r = s.record;
        rows.push_back({r.time, r.node_id, r.event, r.type, r.source + " -> " + r.destination, r.message_id,
                        ms(s.at_node_ms), s.between_nodes_ms ? ms(s.between_nodes_ms) + " from " + s.from_node : "",
                        r.reason_code});
    }
    std::cout << "case " << o.positional.front() << ": "
              << count_of(static_cast<std::int64_t>(steps->size()), "record", "records") << " from "
              << count_of(static_cast<std::int64_t>(logs.size()), "log", "logs") << "\n";
    audit::print_table(std::cout, {"TIME", "NODE", "EVENT", "TYPE", "FROM -> TO", "MESSAGE", "AT NODE", "BETWEEN", "REASON"},
                       rows);
    return steps->empty() ? 1 : 0;
}

const bool registered = register_command({"audit trace", "one case's timeline across several nodes' exchange logs", run_trace});

}  // namespace
}  // namespace govbus::cli
