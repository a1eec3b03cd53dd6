#include "tools/common/child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

namespace govbus::tools {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_file) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + log_file + ": " + std::strerror(errno));
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(fd);
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    }
    if (pid_ == 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(fd);
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0) stop(std::chrono::seconds(5));
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), status_(o.status_) { o.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
    if (this != &o) {
        if (pid_ > 0) stop(std::chrono::seconds(5));
        pid_ = o.pid_;
        status_ = o.status_;
        o.pid_ = -1;
    }
    return *this;
}

bool ChildProcess::running() {
    if (pid_ <= 0) return false;
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
        pid_ = -1;
        return false;
    }
    return true;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (pid_ > 0) kill_hard();
    return status_;
}

void ChildProcess::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    status_ = -SIGKILL;
    pid_ = -1;
}

namespace {

// Ports a listener may take: below the kernel's ephemeral range, or above it
// when there is no room below, so that no outgoing connection's own port is
// ever one of them. {0, 0} when neither side has room.
std::pair<int, int> listen_port_range() {
    int low = 32768, high = 60999;
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    if (int l = 0, h = 0; in >> l >> h) low = l, high = h;
    if (low - 1024 >= 4096) return {std::max(1024, low - 12000), low - 1};
    if (65535 - high >= 4096) return {high + 1, 65535};
    return {0, 0};
}

// Binds 127.0.0.1:port (0: any) and closes again; the port bound, or -1.
int bind_once(int port) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    socklen_t len = sizeof a;
    int bound = -1;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        bound = ntohs(a.sin_port);
    ::close(s);
    return bound;
}

}  // namespace

// At random outside the ephemeral range: binding port 0 picks from that
// range, where the same port can come back for the next node, or be taken by
// a connection between the time it is picked and the time the node listens.
int free_port() {
    static std::mutex mutex;
    static std::set<int> given;
    static std::mt19937 pick{std::random_device{}()};
    static const std::pair<int, int> span = listen_port_range();
    std::lock_guard lock(mutex);
    for (int tries = 0; tries < 1000; ++tries) {
        const int port =
            span.first > 0 ? std::uniform_int_distribution<int>(span.first, span.second)(pick) : bind_once(0);
        if (port <= 0 || given.count(port) || bind_once(port) != port) continue;
        given.insert(port);
        return port;
    }
    throw std::runtime_error("no free port on 127.0.0.1");
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(s);
        if (ok) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

}  // namespace govbus::tools
