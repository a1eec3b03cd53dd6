// Operator log: one line per event worth knowing, to stderr, with a level.
// (The exchange log, audit/, is the auditors' record; this is for operators.)
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace govbus::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level);
Level level();
// "debug" | "info" | "warn" | "error" | "off"; false when unknown.
bool parse_level(std::string_view text, Level& out);
// Name printed at the start of every line, e.g. the node id.
void set_component(std::string name);

void write(Level level, std::string_view message);

inline bool enabled(Level l) { return l >= level(); }

}  // namespace govbus::log

// GOVBUS_LOG(info, "accepted " << id << " from " << peer);
#define GOVBUS_LOG(lvl, expr)                                                 \
    do {                                                                      \
        if (::govbus::log::enabled(::govbus::log::Level::lvl)) {              \
            std::ostringstream govbus_log_os_;                                \
            govbus_log_os_ << expr;                                           \
            ::govbus::log::write(::govbus::log::Level::lvl, govbus_log_os_.str()); \
        }                                                                     \
    } while (0)
