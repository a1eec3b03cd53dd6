#include "audit/terminal_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace govbus::audit {

TerminalProgress::TerminalProgress(std::string label) : label_(std::move(label)), tty_(isatty(STDERR_FILENO) == 1) {}

TerminalProgress::~TerminalProgress() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
}

void TerminalProgress::operator()(std::int64_t done, std::int64_t total) {
    if (!tty_) return;
    shown_ = true;
    int pct = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    std::fprintf(stderr, "\r%s: %lld/%lld records (%d%%)", label_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), pct);
    std::fflush(stderr);
}

}  // namespace govbus::audit
