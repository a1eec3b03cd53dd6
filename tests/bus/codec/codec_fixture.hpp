// Shared by the codec tests: reading messages from disk, one codec for the
// whole test program, the valid messages, and problems written for a failure.
#pragma once

#include "bus/codec/codec.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace govbus::test {

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline const codec::Codec& shared_codec() {
    static const codec::Codec c;
    return c;
}

// The files in `dir` with one of `extensions`, sorted.
inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir,
                                                   const std::vector<std::string>& extensions) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (std::find(extensions.begin(), extensions.end(), e.path().extension().string()) != extensions.end())
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Every valid message of the corpus and the documentation's examples.
inline std::vector<std::filesystem::path> valid_messages() {
    const std::filesystem::path root(GOVBUS_SOURCE_DIR);
    auto valid = files_in(root / "tests" / "data" / "valid", {".json", ".xml"});
    auto examples = files_in(root / "docs" / "examples", {".json", ".xml"});
    valid.insert(valid.end(), examples.begin(), examples.end());
    return valid;
}

inline std::string describe(const Problems& problems) {
    std::string s;
    for (const auto& p : problems) s += "\n  " + std::string(p.warning ? "warning " : "") + p.to_string();
    return s;
}

}  // namespace govbus::test
