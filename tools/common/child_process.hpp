// Child processes for the demo and the load generator: start a program with
// its output in a log file, stop it (SIGTERM, then SIGKILL), or kill it hard.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace govbus::tools {

class ChildProcess {
public:
    ChildProcess() = default;
    // Starts `argv` with stdout and stderr appended to `log_file`; throws on failure.
    ChildProcess(const std::vector<std::string>& argv, const std::string& log_file);
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;

    pid_t pid() const { return pid_; }
    bool running();
    // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status (or -signal).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
    void kill_hard();  // SIGKILL, as a crash would

private:
    pid_t pid_ = -1;
    int status_ = 0;
};

// A TCP port on 127.0.0.1 that was free a moment ago, outside the kernel's
// ephemeral range, and not handed out before by this process.
int free_port();
// Polls until something accepts connections on 127.0.0.1:port, or the deadline passes.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

}  // namespace govbus::tools
