// Progress of long auditor runs (verify, stats, export over millions of
// records), shown on stderr only when stderr is a terminal.
#pragma once

#include <cstdint>
#include <string>

namespace govbus::audit {

class TerminalProgress {
public:
    explicit TerminalProgress(std::string label);
    ~TerminalProgress();  // clears the line
    void operator()(std::int64_t done, std::int64_t total);

private:
    std::string label_;
    bool tty_;
    bool shown_ = false;
};

}  // namespace govbus::audit
