// Flushing a directory, so that the names of files created in it survive a
// power cut (fsync of a file does not cover its directory entry).
#pragma once

#include <optional>
#include <string>

namespace govbus {

struct DirectorySyncFailure {
    const char* step;  // "open" or "sync"
    int error;         // errno
};

// fsync() of `dir`; what failed, if anything.
std::optional<DirectorySyncFailure> sync_directory(const std::string& dir);

}  // namespace govbus
