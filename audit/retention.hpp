// Retention: records stay at least 180 days (GB/T 22239-2019 level 3: network
// logs kept six months). Pruning removes only whole archived months older than
// both the retention and the requested date, and leaves the seal checkpoint of
// the last pruned month as the signed anchor the remaining chain starts from.
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace govbus::audit {

struct PruneResult {
    std::int64_t removed = 0;
    std::int64_t anchor_seq = 0;       // records now start after this seq
    std::vector<std::string> months;   // pruned
    std::vector<std::string> kept;     // why the next months were kept
};

// Removes records older than `before`. Refuses (audit.prune_too_young) when
// `before` lies within the log's retention counted back from `now`; keeps any
// month not yet archived or not wholly older than `before`.
Result<PruneResult> prune_log(const std::string& log_path, TimePoint before, TimePoint now);

}  // namespace govbus::audit
