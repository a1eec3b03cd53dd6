// Statistics on demand (DESIGN.md): per period and per endpoint, message type,
// region or reason: counts, bytes, failure rate and p50/p95 latency.
#pragma once

#include "audit/log_query.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace govbus::audit {

enum class StatsGroup { endpoint, type, region, reason };
enum class StatsPeriod { hour, day };
std::optional<StatsGroup> parse_stats_group(const std::string& text);
std::optional<StatsPeriod> parse_stats_period(const std::string& text);

struct StatsRow {
    std::string period;        // "2026-10-05" or "2026-10-05T09:00" at the log's offset
    std::string key;           // endpoint / type / region / reason code ("-" when empty)
    std::int64_t events = 0;
    std::int64_t received = 0;
    std::int64_t delivered = 0;
    std::int64_t failed = 0;   // rejected + expired + dead_lettered
    std::int64_t bytes = 0;    // size of the messages received and delivered
    double failure_rate = 0;   // failed / (delivered + failed)
    std::optional<std::int64_t> p50_ms, p95_ms;  // latency of delivered events (nearest rank)
};

// The endpoint of an event: its source for intake events (received,
// rejected, accepted), its destination for everything after; an endpoint
// destination counts under its id ("cd.tax" for "endpoint:cd.tax").
std::vector<StatsRow> compute_stats(LogReader& reader, StatsGroup group, StatsPeriod period,
                                    std::optional<std::int64_t> from_ms, std::optional<std::int64_t> to_ms,
                                    const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace govbus::audit
