#include "bus/core/data_dir_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace govbus {

namespace {

// The pid the holder wrote, or "" when the file says nothing readable.
std::string holder_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return {};
    std::string s(buf, static_cast<std::size_t>(n));
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s.find_first_not_of("0123456789") == std::string::npos ? s : std::string();
}

}  // namespace

Result<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const std::string& data_dir) {
    const std::string path = data_dir + "/govbusd.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return make_problem("node.data_dir_lock", "cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const std::string pid = holder_pid(fd);
        ::close(fd);
        if (err == EWOULDBLOCK)
            return make_problem("node.data_dir_in_use",
                                "data directory " + data_dir + " is in use by another govbusd" +
                                    (pid.empty() ? std::string() : " (pid " + pid + ")") +
                                    ": each node needs a data_dir of its own; stop that one first or change data_dir");
        return make_problem("node.data_dir_lock", "cannot lock " + path + ": " + std::strerror(err));
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
        const int err = errno;
        ::close(fd);
        return make_problem("node.data_dir_lock", "cannot write " + path + ": " + std::strerror(err));
    }
    return std::unique_ptr<DataDirLock>(new DataDirLock(fd, path));
}

DataDirLock::~DataDirLock() { ::close(fd_); }

}  // namespace govbus
