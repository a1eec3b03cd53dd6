// govbus audit archive: seals one month of an exchange log into a
// self-contained archive file, verifiable offline with the node certificate.
#include "audit/archive.hpp"
#include "audit/auditor_options.hpp"
#include "tools/govbus/command.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit archive --log FILE --month YYYY-MM --out ARCHIVE\n"
    "The month must be sealed: the node seals it when it logs the first record of the next month.\n"
    "Check the archive with: govbus audit verify --archive ARCHIVE --cert NODE.crt\n";

int run_archive(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--month", "--out"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto log = o.get("--log"), month = o.get("--month"), out = o.get("--out");
    if (!o.error.empty() || !log || !month || !out || !o.positional.empty()) {
        std::cerr << "govbus audit archive: " << (o.error.empty() ? "give --log, --month and --out" : o.error) << "\n"
                  << kUsage;
        return 2;
    }
    auto sum = audit::write_archive(*log, *month, *out, SystemClock().now());
    if (!sum) {
        std::cerr << "govbus audit archive: " << sum.problem().message << "\n";
        return sum.problem().code == "audit.usage" ? 2 : 1;
    }
    std::cout << "archived " << sum->month << ": " << count_of(sum->records, "record", "records") << " (seq " << sum->first_seq << ".."
              << sum->last_seq << "), sealed by checkpoint #" << sum->seal_number << ", to " << sum->file << "\n";
    return 0;
}

const bool registered = register_command({"audit archive", "seal one month of an exchange log into an archive file", run_archive});

}  // namespace
}  // namespace govbus::cli
