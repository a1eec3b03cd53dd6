#include "audit/log_query.hpp"

#include "audit/log_schema.hpp"
#include "bus/core/clock.hpp"

#include <cstdio>
#include <cstdlib>

namespace govbus::audit {

namespace {

struct Where {
    std::string sql;
    std::vector<std::string> texts;  // bound in order, then the time bounds
};

// `keyed`: the log files message ids and case numbers in message_keys (logs
// and archives written before that search the records' own columns).
Where build_where(const Query& q, bool keyed) {
    Where w;
    auto add = [&](const std::string& value, const char* clause) {
        if (value.empty()) return;
        w.sql += w.sql.empty() ? " WHERE " : " AND ";
        w.sql += clause;
        w.texts.push_back(value);
    };
    if (keyed) {
        add(q.case_number, "key_ref IN (SELECT ref FROM message_keys WHERE case_number = ?)");
        add(q.message_id, "key_ref IN (SELECT ref FROM message_keys WHERE message_id = ?)");
    } else {
        add(q.case_number, "case_number = ?");
        add(q.message_id, "message_id = ?");
    }
    if (!q.endpoint.empty()) {
        // A delivery names its endpoint "endpoint:ID"; the endpoint's own messages name it "ID".
        const std::string id(endpoint_id(q.endpoint)), prefixed = std::string(kEndpointPrefix) + id;
        w.sql += w.sql.empty() ? " WHERE " : " AND ";
        w.sql += "(source IN (?, ?) OR destination IN (?, ?))";
        w.texts.insert(w.texts.end(), {id, prefixed, id, prefixed});
    }
    add(q.type, "type = ?");
    const std::string reason_clause = std::string("reason_code = ? AND ") + kHasReason;
    add(q.reason, reason_clause.c_str());
    const std::string rare_clause = std::string("event = ? AND ") + kRareEvent;
    add(q.event, is_everyday_event(q.event) ? "event = ?" : rare_clause.c_str());
    if (q.from_ms) w.sql += std::string(w.sql.empty() ? " WHERE " : " AND ") + "time_ms >= ?";
    if (q.to_ms) w.sql += std::string(w.sql.empty() ? " WHERE " : " AND ") + "time_ms < ?";
    return w;
}

void bind_where(Statement& s, const Where& w, const Query& q) {
    int i = 1;
    for (const auto& t : w.texts) s.bind(i++, t);
    if (q.from_ms) s.bind(i++, *q.from_ms);
    if (q.to_ms) s.bind(i++, *q.to_ms);
}

}  // namespace

Result<LogReader> LogReader::open(const std::string& path) {
    auto db = open_log(path, LogAccess::read_only);
    if (!db) return db.problems();
    if (!(*db)->has_table("records"))
        return make_problem("audit.format", "'" + path + "' is not a govbus exchange log (no records table)");
    LogReader r;
    r.db_ = std::move(*db);
    r.keyed_ = files_message_keys(*r.db_);
    return r;
}

int LogReader::utc_offset_minutes() {
    auto v = read_meta(*db_, "utc_offset_minutes");
    return v ? std::stoi(*v) : 480;
}

void LogReader::for_each(const Query& q, const std::function<bool(const Record&)>& visit) {
    Where w = build_where(q, keyed_);
    std::string sql = std::string("SELECT ") + kRecordColumns + " FROM records" + w.sql + " ORDER BY seq";
    if (q.limit) sql += " LIMIT " + std::to_string(q.limit);
    auto s = db_->prepare(sql);
    bind_where(s, w, q);
    while (s.step())
        if (!visit(read_record(s))) break;
}

std::vector<Record> LogReader::search(const Query& q) {
    std::vector<Record> out;
    for_each(q, [&](const Record& r) {
        out.push_back(r);
        return true;
    });
    return out;
}

std::int64_t LogReader::count(const Query& q) {
    Where w = build_where(q, keyed_);
    auto s = db_->prepare("SELECT count(*) FROM records" + w.sql);
    bind_where(s, w, q);
    s.step();
    return s.column_int(0);
}

std::string utc_offset_text(int offset_minutes) {
    int a = std::abs(offset_minutes) % (24 * 60);
    char out[16];
    std::snprintf(out, sizeof out, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
    return out;
}

std::optional<std::int64_t> parse_time_bound(const std::string& text, int offset_minutes) {
    if (auto t = parse_rfc3339(text)) return to_unix_ms(*t);
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
        is_valid_date(y, m, d)) {
        if (auto t = parse_rfc3339(text + "T00:00:00" + utc_offset_text(offset_minutes))) return to_unix_ms(*t);
    }
    return std::nullopt;
}

}  // namespace govbus::audit
