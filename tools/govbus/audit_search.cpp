// govbus audit search: records of one exchange log by case, message,
// endpoint, type, reason, event and time range, as a table, JSON lines or CSV.
// Personal data is printed as stored: masked.
#include "audit/auditor_options.hpp"
#include "audit/log_query.hpp"
#include "audit/record_format.hpp"
#include "tools/govbus/command.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit search --log FILE [--case N] [--message ID] [--endpoint E] [--type T]\n"
    "         [--reason CODE] [--event EVENT] [--from TIME] [--to TIME] [--limit N]\n"
    "         [--format table|json|csv]\n"
    "TIME is RFC 3339 (2026-10-05T09:00:00+08:00) or a date (2026-10-05, midnight at the log's offset);\n"
    "--from is inclusive, --to exclusive. --endpoint matches the source or the destination\n"
    "(an endpoint's deliveries are logged to \"endpoint:ID\"; either form finds them).\n";

int run_search(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--case", "--message", "--endpoint", "--type", "--reason",
                                                 "--event", "--from", "--to", "--format", "--limit"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto fail = [](const std::string& why) {
        std::cerr << "govbus audit search: " << why << "\n" << kUsage;
        return 2;
    };
    if (!o.error.empty()) return fail(o.error);
    auto log = o.get("--log");
    if (!log || !o.positional.empty()) return fail("give the log with --log FILE");
    auto format = audit::parse_record_format(o.get("--format").value_or("table"));
    if (!format) return fail("--format must be table, json or csv");
    auto reader = audit::LogReader::open(*log);
    if (!reader) {
        std::cerr << "govbus audit search: " << reader.problem().message << "\n";
        return 3;
    }
    audit::Query q;
    q.case_number = o.get("--case").value_or("");
    q.message_id = o.get("--message").value_or("");
    q.endpoint = o.get("--endpoint").value_or("");
    q.type = o.get("--type").value_or("");
    q.reason = o.get("--reason").value_or("");
    q.event = o.get("--event").value_or("");
    if (!q.event.empty() && !audit::parse_event_kind(q.event))
        return fail("--event must be one of received, rejected, accepted, routed, delivered, acknowledged, retried, "
                    "expired, dead_lettered, replayed, dropped");
    for (const char* name : {"--from", "--to"}) {
        if (auto t = o.get(name)) {
            auto ms = audit::parse_time_bound(*t, reader->utc_offset_minutes());
            if (!ms) return fail(std::string(name) + " '" + *t + "' is neither RFC 3339 nor YYYY-MM-DD");
            (std::string(name) == "--from" ? q.from_ms : q.to_ms) = ms;
        }
    }
    if (auto l = o.get("--limit")) q.limit = static_cast<std::size_t>(std::stoul(*l));
    auto records = reader->search(q);
    audit::print_records(std::cout, records, *format);
    if (*format == audit::RecordFormat::table)
        std::cout << "(" << count_of(static_cast<std::int64_t>(records.size()), "record", "records") << ")\n";
    return 0;
}

const bool registered = register_command({"audit search", "find exchange-log records by case, message, endpoint, ...", run_search});

}  // namespace
}  // namespace govbus::cli
