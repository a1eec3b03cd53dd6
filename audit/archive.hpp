// Monthly archives: a self-contained SQLite file with one month's records, the
// signed checkpoint just before them (or genesis), the checkpoints inside, the
// month's seal checkpoint and the node certificates. verify_log() checks it
// offline with nothing else.
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/problem.hpp"

#include <cstdint>
#include <string>

namespace govbus::audit {

struct ArchiveSummary {
    std::string month;          // "2026-10"
    std::int64_t first_seq = 0;
    std::int64_t last_seq = 0;
    std::int64_t records = 0;
    std::int64_t seal_number = 0;  // the seal checkpoint's number
    std::string file;
};

// Writes the archive of `month` ("YYYY-MM", at the log's UTC offset) to
// `out_path` (which must not exist) and notes it in the log, so prune may
// later remove those records. Refuses a month without records
// (audit.archive_empty), one not yet sealed (audit.not_sealed: the node seals
// a month when it logs the first record of the next), and a month whose chain
// does not verify (audit.chain_broken).
Result<ArchiveSummary> write_archive(const std::string& log_path, const std::string& month, const std::string& out_path,
                                     TimePoint now);

// [start, end) of a month in ms at the given offset; nullopt for a malformed month.
std::optional<std::pair<std::int64_t, std::int64_t>> month_bounds(const std::string& month, int offset_minutes);

}  // namespace govbus::audit
