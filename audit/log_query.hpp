// Reading an exchange log for auditors: records by case, message, endpoint,
// type, reason, event and time range, served by the log's indexes.
#pragma once

#include "audit/record.hpp"
#include "audit/log_schema.hpp"
#include "bus/core/problem.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace govbus::audit {

struct Query {
    std::string case_number;
    std::string message_id;
    std::string endpoint;  // matches source or destination, "ID" and "endpoint:ID" alike
    std::string type;
    std::string reason;    // reason code
    std::string event;     // event name
    std::optional<std::int64_t> from_ms;  // inclusive
    std::optional<std::int64_t> to_ms;    // exclusive
    std::size_t limit = 0;                // 0: all
};

class LogReader {
public:
    // Opens a log or an archive read-only.
    static Result<LogReader> open(const std::string& path);

    // Calls `visit` for each matching record in seq order until it returns false.
    void for_each(const Query& q, const std::function<bool(const Record&)>& visit);
    std::vector<Record> search(const Query& q);
    std::int64_t count(const Query& q);

    std::string node_id() { return read_meta(*db_, "node_id").value_or(""); }
    int utc_offset_minutes();
    Database& database() { return *db_; }

private:
    std::unique_ptr<Database> db_;
    bool keyed_ = false;  // see files_message_keys
};

// "+08:00" for 480.
std::string utc_offset_text(int offset_minutes);

// "2026-10-01", "2026-10-01T08:00:00+08:00" -> ms; a bare date is midnight at `offset_minutes`.
std::optional<std::int64_t> parse_time_bound(const std::string& text, int offset_minutes = 480);

}  // namespace govbus::audit
