#include "bus/journal/directory_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace govbus {

std::optional<DirectorySyncFailure> sync_directory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return DirectorySyncFailure{"open", errno};
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    if (rc != 0) return DirectorySyncFailure{"sync", e};
    return std::nullopt;
}

}  // namespace govbus
