#include "bus/core/log.hpp"

#include "bus/core/clock.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace govbus::log {

namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;
std::string g_component;
const char* name_of(Level l) {
    switch (l) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
        default: return "off";
    }
}
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

bool parse_level(std::string_view text, Level& out) {
    for (Level l : {Level::debug, Level::info, Level::warn, Level::error, Level::off}) {
        if (text == name_of(l)) {
            out = l;
            return true;
        }
    }
    return false;
}

void set_component(std::string name) {
    std::lock_guard lock(g_mutex);
    g_component = std::move(name);
}

void write(Level l, std::string_view message) {
    std::string line = format_rfc3339(std::chrono::system_clock::now());
    std::lock_guard lock(g_mutex);
    line += ' ';
    line += name_of(l);
    if (!g_component.empty()) {
        line += ' ';
        line += g_component;
    }
    line += ": ";
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace govbus::log
