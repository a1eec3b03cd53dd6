// Verifies an exchange log or a monthly archive: the hash chain record by
// record, every checkpoint's signature, and the coverage of the checkpoints.
// Names the FIRST broken record and how it was broken.
#pragma once

#include "bus/core/problem.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace govbus::audit {

enum class BreakKind {
    edited,              // a record's content no longer matches its hash
    deleted,             // a gap in seq
    inserted,            // an extra record (duplicate seq, or one spliced in and the rest renumbered)
    reordered,           // records moved to another seq
    truncated,           // records a checkpoint (or the log head) covers are missing at the end
    rewritten,           // stored hashes were recomputed: a signed checkpoint disagrees with the chain
    bad_signature,       // a checkpoint's signature does not verify with the node certificate
    checkpoint_missing,  // a gap in the checkpoint numbers
    anchor_missing,      // the records start after seq 1 and no signed checkpoint anchors them
    misfiled,            // a record's key_ref does not name its own message id and case number
};
std::string to_string(BreakKind kind);

struct ChainBreak {
    BreakKind kind;
    std::int64_t seq = 0;  // the first record affected
    std::string message;
};

struct VerifyOptions {
    std::optional<std::string> certificate_pem;  // the node certificate the auditor holds; else the stored one
    std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct VerifyReport {
    bool archive = false;
    std::string node_id;
    std::string month;            // archives only
    std::int64_t records = 0;
    std::int64_t first_seq = 0;
    std::int64_t last_seq = 0;
    std::int64_t anchor_seq = 0;  // the chain starts after this seq (0: genesis)
    std::int64_t checkpoints = 0;
    std::int64_t checkpoints_valid = 0;
    std::int64_t last_checkpoint_seq = 0;
    std::string certificate;      // where the checking certificate came from and its subject
    std::vector<ChainBreak> breaks;  // ordered by seq; breaks.front() is the first
    std::vector<std::string> notes;  // limits of what was shown (e.g. records after the last checkpoint)
    bool ok() const { return breaks.empty(); }
};

// Opens `path` read-only (a live log or an archive: the file says which).
Result<VerifyReport> verify_log(const std::string& path, const VerifyOptions& options = {});

}  // namespace govbus::audit
