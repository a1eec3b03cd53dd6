// Reading a whole file: configuration, route tables, schemas, keys and
// certificates, message files.
#pragma once

#include <optional>
#include <string>

namespace govbus {

// The file's bytes, unchanged; nullopt when it cannot be opened or read to
// its end (missing, a directory, no permission, an I/O error). An empty file
// is an empty string.
std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace govbus
