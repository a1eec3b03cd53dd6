// govbus audit export: records, checkpoints and certificates of an exchange
// log into a directory an inspector can verify without govbus.
#include "audit/auditor_options.hpp"
#include "audit/log_export.hpp"
#include "audit/log_query.hpp"
#include "audit/terminal_progress.hpp"
#include "tools/govbus/command.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit export --log FILE --out DIR [--from TIME] [--to TIME]\n"
    "Writes records.jsonl, checkpoints.jsonl, certs/, manifest.json and a README on verifying them.\n";

int run_export(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--out", "--from", "--to"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto log = o.get("--log"), out = o.get("--out");
    if (!o.error.empty() || !log || !out || !o.positional.empty()) {
        std::cerr << "govbus audit export: " << (o.error.empty() ? "give --log FILE and --out DIR" : o.error) << "\n"
                  << kUsage;
        return 2;
    }
    std::optional<std::int64_t> from, to;
    for (const char* name : {"--from", "--to"}) {
        if (auto t = o.get(name)) {
            auto ms = audit::parse_time_bound(*t);
            if (!ms) {
                std::cerr << "govbus audit export: " << name << " '" << *t << "' is neither RFC 3339 nor YYYY-MM-DD\n";
                return 2;
            }
            (std::string(name) == "--from" ? from : to) = ms;
        }
    }
    Result<audit::ExportSummary> sum = audit::ExportSummary{};
    {
        audit::TerminalProgress progress("export");
        sum = audit::export_log(*log, *out, from, to, [&](std::int64_t d, std::int64_t t) { progress(d, t); });
    }
    if (!sum) {
        std::cerr << "govbus audit export: " << sum.problem().message << "\n";
        return 3;
    }
    std::cout << "exported " << count_of(sum->records, "record", "records");
    if (sum->records) std::cout << " (seq " << sum->first_seq << ".." << sum->last_seq << ")";
    std::cout << ", " << count_of(sum->checkpoints, "checkpoint", "checkpoints") << ", "
              << count_of(sum->certificates, "certificate", "certificates") << " to " << *out
              << "\nsee " << *out << "/README.md for how to verify them\n";
    return 0;
}

const bool registered = register_command({"audit export", "export exchange-log records, checkpoints and certificates", run_export});

}  // namespace
}  // namespace govbus::cli
