// Export for an inspector: records as JSON lines, the checkpoints with the
// exact bytes each one signs, the node certificates, and a README on how to
// verify them without govbus.
#pragma once

#include "bus/core/problem.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace govbus::audit {

struct ExportSummary {
    std::int64_t records = 0;
    std::int64_t checkpoints = 0;
    std::int64_t certificates = 0;
    std::int64_t first_seq = 0;
    std::int64_t last_seq = 0;
};

// Writes records.jsonl, checkpoints.jsonl, certs/<sha256>.pem, manifest.json
// and README.md into `dir` (created; must be empty if it exists).
Result<ExportSummary> export_log(const std::string& log_path, const std::string& dir,
                                 std::optional<std::int64_t> from_ms, std::optional<std::int64_t> to_ms,
                                 const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace govbus::audit
