// govbus audit prune: removes exchange-log records older than both the
// retention (at least 180 days) and --before, and only months already archived.
#include "audit/auditor_options.hpp"
#include "audit/log_query.hpp"
#include "audit/retention.hpp"
#include "tools/govbus/command.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit prune --log FILE --before DATE\n"
    "DATE is YYYY-MM-DD or RFC 3339. Refuses a DATE inside the log's retention (at least 180 days);\n"
    "removes whole months that `govbus audit archive` has sealed into an archive, oldest first.\n";

int run_prune(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--before"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto log = o.get("--log"), before = o.get("--before");
    if (!o.error.empty() || !log || !before || !o.positional.empty()) {
        std::cerr << "govbus audit prune: " << (o.error.empty() ? "give --log FILE and --before DATE" : o.error) << "\n"
                  << kUsage;
        return 2;
    }
    auto ms = audit::parse_time_bound(*before);
    if (!ms) {
        std::cerr << "govbus audit prune: --before '" << *before << "' is neither YYYY-MM-DD nor RFC 3339\n";
        return 2;
    }
    auto res = audit::prune_log(*log, from_unix_ms(*ms), SystemClock().now());
    if (!res) {
        std::cerr << "govbus audit prune: " << res.problem().message << "\n";
        return 1;
    }
    if (res->removed == 0) std::cout << "nothing pruned\n";
    else {
        std::cout << "pruned " << count_of(res->removed, "record", "records") << " of";
        for (const auto& m : res->months) std::cout << " " << m;
        std::cout << "; the log now starts after seq " << res->anchor_seq << " (anchored by its seal checkpoint)\n";
    }
    for (const auto& k : res->kept) std::cout << "kept: " << k << "\n";
    return 0;
}

const bool registered = register_command({"audit prune", "remove archived exchange-log records past the retention", run_prune});

}  // namespace
}  // namespace govbus::cli
