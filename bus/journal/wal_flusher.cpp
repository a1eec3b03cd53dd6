#include "bus/journal/wal_flusher.hpp"

#include "bus/journal/directory_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace govbus {

namespace {

Problem unflushed(const std::string& what, const std::string& path, int e) {
    return make_problem("journal.storage", "cannot " + what + " " + path + ": " + std::strerror(e));
}

}  // namespace

WalFlusher::WalFlusher(std::string database) : wal_(std::move(database) + "-wal") {}

WalFlusher::~WalFlusher() {
    if (fd_ >= 0) ::close(fd_);
}

Status WalFlusher::flush() {
    if (fd_ < 0) {
        const int fd = ::open(wal_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return unflushed("open the journal's WAL", wal_, errno);
        const auto parent = std::filesystem::path(wal_).parent_path();
        const std::string dir = parent.empty() ? std::string(".") : parent.string();
        if (auto failed = sync_directory(dir)) {
            ::close(fd);
            return unflushed(std::string(failed->step) + " the directory", dir, failed->error);
        }
        fd_ = fd;
    }
    if (::fdatasync(fd_) != 0) return unflushed("sync the journal's WAL", wal_, errno);
    return ok_status();
}

}  // namespace govbus
