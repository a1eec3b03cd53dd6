// Time for govbus: RFC 3339 timestamps and a clock that tests can control.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace govbus {

using TimePoint = std::chrono::system_clock::time_point;

// Parses RFC 3339 §5.6 date-time ("2026-11-25T09:30:00+08:00", "...Z",
// fractional seconds allowed). Returns nullopt when malformed or not a real date.
std::optional<TimePoint> parse_rfc3339(const std::string& text);

// Formats as RFC 3339 with milliseconds and the given offset in minutes
// (default +08:00, China Standard Time).
std::string format_rfc3339(TimePoint t, int offset_minutes = 480);

// Milliseconds since the Unix epoch.
std::int64_t to_unix_ms(TimePoint t);
TimePoint from_unix_ms(std::int64_t ms);

// A replaceable source of "now", so retention and expiry can be tested.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint t) : t_(t) {}
    TimePoint now() const override { return t_; }
    void set(TimePoint t) { t_ = t; }
    void advance(std::chrono::milliseconds d) { t_ += d; }

private:
    TimePoint t_;
};

// Is (year, month, day) a real Gregorian date?
bool is_valid_date(int year, int month, int day);

}  // namespace govbus
