// govbus status: what waits in a node's journal, per destination, and how much
// the journal holds. Works beside a running node (it only reads).
#include "bus/core/clock.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/node_journal.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus status (--config NODE.yaml | --journal FILE) [--format table|json]\n"
    "Per destination: deliveries pending (waiting or backing off), in flight and dead, and when the\n"
    "oldest one still waiting was accepted; the messages the journal holds (waiting, dead, or kept for\n"
    "de-duplication) and its size on disk, with the segment files of large bodies. Exit 0, or 1 when\n"
    "the journal cannot be read.\n";

std::uintmax_t size_of(const std::string& path) {
    std::error_code ec;
    auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : n;
}

std::string mib(std::uintmax_t bytes) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
    return out.str();
}

boost::json::value time_or_null(const std::optional<TimePoint>& t) {
    if (!t) return nullptr;
    return boost::json::string(format_rfc3339(*t));
}

int run_status(const std::vector<std::string>& argv) {
    JournalArgs a;
    if (!parse_journal_args(argv, a)) {
        (a.help ? std::cout : std::cerr) << kUsage;
        return a.help ? 0 : 2;
    }
    std::string format = "table";
    for (std::size_t i = 0; i < a.rest.size(); ++i) {
        if (a.rest[i] == "--format" && i + 1 < a.rest.size()) {
            format = a.rest[++i];
            if (format != "table" && format != "json") {
                std::cerr << "govbus status: --format is table or json, not '" << format << "'\n";
                return 2;
            }
        } else {
            std::cerr << "govbus status: unexpected argument '" << a.rest[i] << "'\n" << kUsage;
            return 2;
        }
    }
    auto j = open_node_journal("status", a.journal);
    if (!j) return 1;
    auto s = j->stats();
    if (!s) return std::cerr << "govbus status: " << s.problem().to_string() << "\n", 1;
    const auto bytes = size_of(a.journal), wal_bytes = size_of(a.journal + "-wal");

    if (format == "json") {
        boost::json::array destinations;
        for (const auto& d : s->destinations)
            destinations.push_back({{"destination", d.destination},
                                    {"pending", d.pending},
                                    {"in_flight", d.in_flight},
                                    {"dead_letters", d.dead_letters},
                                    {"oldest_waiting", time_or_null(d.oldest_waiting)}});
        boost::json::object out{{"journal", a.journal},
                                {"bytes", bytes},
                                {"wal_bytes", wal_bytes},
                                {"body_segments", s->body_segments},
                                {"body_segment_bytes", s->body_segment_bytes},
                                {"messages_held", s->messages_held},
                                {"oldest_held", time_or_null(s->oldest_held)},
                                {"case_paths", s->case_paths_held},
                                {"reply_paths", s->reply_paths_held},
                                {"destinations", std::move(destinations)}};
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }

    std::cout << "journal " << a.journal << ": " << mib(bytes) << ", WAL " << mib(wal_bytes);
    if (s->body_segments > 0)
        std::cout << ", large bodies " << mib(static_cast<std::uintmax_t>(s->body_segment_bytes)) << " in "
                  << count_of(s->body_segments, "segment", "segments");
    std::cout << "\nmessages held: " << s->messages_held;
    if (s->oldest_held) std::cout << ", oldest accepted " << format_rfc3339(*s->oldest_held);
    std::cout << "\npaths held: " << count_of(s->case_paths_held, "case", "cases") << ", "
              << count_of(s->reply_paths_held, "query", "queries") << "\n";
    if (s->destinations.empty()) {
        std::cout << "nothing waits: every delivery is done\n";
        return 0;
    }
    std::cout << std::left << std::setw(30) << "DESTINATION" << std::right << std::setw(9) << "PENDING"
              << std::setw(11) << "IN FLIGHT" << std::setw(7) << "DEAD" << "  OLDEST WAITING\n";
    for (const auto& d : s->destinations)
        std::cout << std::left << std::setw(30) << d.destination << std::right << std::setw(9) << d.pending
                  << std::setw(11) << d.in_flight << std::setw(7) << d.dead_letters << "  "
                  << (d.oldest_waiting ? format_rfc3339(*d.oldest_waiting) : std::string("-")) << "\n";
    return 0;
}

const bool registered =
    register_command({"status", "what waits in a node's journal, per destination", run_status});

}  // namespace
}  // namespace govbus::cli
