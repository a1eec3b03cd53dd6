#include "bus/core/file_text.hpp"

#include <cstdio>
#include <memory>

namespace govbus {

std::optional<std::string> read_whole_file(const std::string& path) {
    // stdio rather than a stream: a stream opens a directory and then reads
    // nothing, which looks like an empty file; fread reports the error.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) return std::nullopt;
    std::string out;
    char buffer[64 * 1024];
    for (;;) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, f.get());
        out.append(buffer, n);
        if (n < sizeof buffer) break;
    }
    if (std::ferror(f.get())) return std::nullopt;
    return out;
}

}  // namespace govbus
