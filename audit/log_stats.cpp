#include "audit/log_stats.hpp"

#include "bus/core/clock.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace govbus::audit {

std::optional<StatsGroup> parse_stats_group(const std::string& t) {
    if (t == "endpoint") return StatsGroup::endpoint;
    if (t == "type") return StatsGroup::type;
    if (t == "region") return StatsGroup::region;
    if (t == "reason") return StatsGroup::reason;
    return std::nullopt;
}

std::optional<StatsPeriod> parse_stats_period(const std::string& t) {
    if (t == "hour") return StatsPeriod::hour;
    if (t == "day") return StatsPeriod::day;
    return std::nullopt;
}

namespace {

struct Accumulator {
    StatsRow row;
    std::vector<std::int64_t> latencies;
};

std::int64_t nearest_rank(std::vector<std::int64_t>& v, double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    rank = std::clamp<std::size_t>(rank, 1, v.size());
    std::nth_element(v.begin(), v.begin() + static_cast<long>(rank - 1), v.end());
    return v[rank - 1];
}

}  // namespace

std::vector<StatsRow> compute_stats(LogReader& reader, StatsGroup group, StatsPeriod period,
                                    std::optional<std::int64_t> from_ms, std::optional<std::int64_t> to_ms,
                                    const std::function<void(std::int64_t, std::int64_t)>& progress) {
    const int offset = reader.utc_offset_minutes();
    const std::int64_t offset_ms = static_cast<std::int64_t>(offset) * 60000;
    const std::int64_t bucket_ms = period == StatsPeriod::hour ? 3600000 : 86400000;
    std::string where;
    if (from_ms) where += " WHERE time_ms >= ?";
    if (to_ms) where += std::string(where.empty() ? " WHERE" : " AND") + " time_ms < ?";
    auto& db = reader.database();
    std::int64_t total = 0;
    if (progress) {
        auto c = db.prepare("SELECT count(*) FROM records" + where);
        int i = 1;
        if (from_ms) c.bind(i++, *from_ms);
        if (to_ms) c.bind(i++, *to_ms);
        c.step();
        total = c.column_int(0);
    }
    auto s = db.prepare("SELECT time_ms, event, source, destination, type, region, reason_code, size, latency_ms FROM records" +
                        where);
    int i = 1;
    if (from_ms) s.bind(i++, *from_ms);
    if (to_ms) s.bind(i++, *to_ms);

    std::map<std::pair<std::int64_t, std::string>, Accumulator> acc;
    std::int64_t done = 0;
    while (s.step()) {
        if (progress && ++done % 50000 == 0) progress(done, total);
        auto kind = parse_event_kind(s.column_text(1));
        std::string key;
        switch (group) {
            case StatsGroup::endpoint: {
                bool intake = kind && (*kind == EventKind::received || *kind == EventKind::rejected ||
                                       *kind == EventKind::accepted);
                key = s.column_text(intake ? 2 : 3);
                key = std::string(endpoint_id(key));
                break;
            }
            case StatsGroup::type:
                key = s.column_text(4);
                break;
            case StatsGroup::region:
                key = s.column_text(5);
                break;
            case StatsGroup::reason:
                key = s.column_text(6);
                break;
        }
        if (key.empty()) key.push_back('-');  // (not = "-": GCC 12 raises a false -Wrestrict)
        std::int64_t local = s.column_int(0) + offset_ms;
        std::int64_t bucket = (local >= 0 ? local / bucket_ms : (local - bucket_ms + 1) / bucket_ms);
        auto& a = acc[{bucket, key}];
        ++a.row.events;
        if (!kind) continue;
        if (*kind == EventKind::received) {
            ++a.row.received;
            a.row.bytes += s.column_int(7);
        } else if (*kind == EventKind::delivered) {
            ++a.row.delivered;
            a.row.bytes += s.column_int(7);
            if (!s.column_is_null(8)) a.latencies.push_back(s.column_int(8));
        } else if (is_failure(*kind)) {
            ++a.row.failed;
        }
    }
    if (progress) progress(done, total);
    std::vector<StatsRow> out;
    out.reserve(acc.size());
    for (auto& [k, a] : acc) {
        // The bucket start, printed at the log's offset without the offset suffix.
        std::string t = format_rfc3339(from_unix_ms(k.first * bucket_ms - offset_ms), offset);
        a.row.period = period == StatsPeriod::hour ? t.substr(0, 13) + ":00" : t.substr(0, 10);
        a.row.key = k.second;
        auto outcomes = a.row.delivered + a.row.failed;
        a.row.failure_rate = outcomes ? static_cast<double>(a.row.failed) / static_cast<double>(outcomes) : 0.0;
        if (!a.latencies.empty()) {
            a.row.p50_ms = nearest_rank(a.latencies, 0.50);
            a.row.p95_ms = nearest_rank(a.latencies, 0.95);
        }
        out.push_back(std::move(a.row));
    }
    return out;
}

}  // namespace govbus::audit
