// govbus audit stats: counts, bytes, failure rate and p50/p95 latency per
// period and per endpoint, message type, region or reason.
#include "audit/auditor_options.hpp"
#include "audit/log_stats.hpp"
#include "audit/record_format.hpp"
#include "audit/terminal_progress.hpp"
#include "tools/govbus/command.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <iostream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit stats --log FILE --by endpoint|type|region|reason --period hour|day\n"
    "         [--from TIME] [--to TIME] [--format table|json|csv]\n"
    "FAILED counts rejected, expired and dead-lettered events; FAIL% = failed / (delivered + failed);\n"
    "BYTES sums received and delivered messages; P50/P95 are delivery latencies (nearest rank).\n";

std::string percent(double v) {
    char b[16];
    std::snprintf(b, sizeof b, "%.1f%%", v * 100);
    return b;
}

int run_stats(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--by", "--period", "--from", "--to", "--format"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto fail = [](const std::string& why) {
        std::cerr << "govbus audit stats: " << why << "\n" << kUsage;
        return 2;
    };
    if (!o.error.empty()) return fail(o.error);
    auto log = o.get("--log");
    auto group = audit::parse_stats_group(o.get("--by").value_or(""));
    auto period = audit::parse_stats_period(o.get("--period").value_or("day"));
    auto format = audit::parse_record_format(o.get("--format").value_or("table"));
    if (!log) return fail("give the log with --log FILE");
    if (!group) return fail("--by must be endpoint, type, region or reason");
    if (!period) return fail("--period must be hour or day");
    if (!format) return fail("--format must be table, json or csv");
    auto reader = audit::LogReader::open(*log);
    if (!reader) {
        std::cerr << "govbus audit stats: " << reader.problem().message << "\n";
        return 3;
    }
    std::optional<std::int64_t> from, to;
    for (const char* name : {"--from", "--to"}) {
        if (auto t = o.get(name)) {
            auto ms = audit::parse_time_bound(*t, reader->utc_offset_minutes());
            if (!ms) return fail(std::string(name) + " '" + *t + "' is neither RFC 3339 nor YYYY-MM-DD");
            (std::string(name) == "--from" ? from : to) = ms;
        }
    }
    std::vector<audit::StatsRow> rows;
    {
        audit::TerminalProgress progress("stats");
        rows = audit::compute_stats(*reader, *group, *period, from, to,
                                    [&](std::int64_t d, std::int64_t t) { progress(d, t); });
    }
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
    if (*format == audit::RecordFormat::json) {
        for (const auto& r : rows) {
            boost::json::object j;
            j["period"] = r.period;
            j["key"] = r.key;
            j["events"] = r.events;
            j["received"] = r.received;
            j["delivered"] = r.delivered;
            j["failed"] = r.failed;
            j["bytes"] = r.bytes;
            j["failure_rate"] = r.failure_rate;
            if (r.p50_ms) j["p50_ms"] = *r.p50_ms;
            if (r.p95_ms) j["p95_ms"] = *r.p95_ms;
            std::cout << boost::json::serialize(j) << "\n";
        }
        return 0;
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& r : rows)
        table.push_back({r.period, r.key, std::to_string(r.events), std::to_string(r.received), std::to_string(r.delivered),
                         std::to_string(r.failed), percent(r.failure_rate), std::to_string(r.bytes), opt(r.p50_ms),
                         opt(r.p95_ms)});
    std::vector<std::string> header = {"PERIOD", o.get("--by")->c_str(), "EVENTS", "RECEIVED", "DELIVERED",
                                       "FAILED", "FAIL%", "BYTES", "P50_MS", "P95_MS"};
    if (*format == audit::RecordFormat::csv) {
        header = {"period", *o.get("--by"), "events", "received", "delivered", "failed", "failure_rate", "bytes",
                  "p50_ms", "p95_ms"};
        for (std::size_t i = 0; i < header.size(); ++i) std::cout << (i ? "," : "") << header[i];
        std::cout << "\n";
        for (const auto& r : rows) {
            char rate[32];
            std::snprintf(rate, sizeof rate, "%.4f", r.failure_rate);
            std::cout << audit::csv_field(r.period) << "," << audit::csv_field(r.key) << "," << r.events << ","
                      << r.received << "," << r.delivered << "," << r.failed << "," << rate << "," << r.bytes << ","
                      << (r.p50_ms ? std::to_string(*r.p50_ms) : "") << "," << (r.p95_ms ? std::to_string(*r.p95_ms) : "")
                      << "\n";
        }
        return 0;
    }
    for (auto& h : header) for (auto& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    audit::print_table(std::cout, header, table);
    return 0;
}

const bool registered = register_command({"audit stats", "exchange statistics per period and endpoint/type/region/reason", run_stats});

}  // namespace
}  // namespace govbus::cli
