// Reads typed values out of a YAML document while checking it against what
// the caller expects: every problem names file:line:column, the key path and
// what was expected (STYLE.md practice 7). Unknown keys are errors, so a typo
// never silently falls back to a default.
#pragma once

#include "bus/core/problem.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govbus {

class ConfigReader {
public:
    explicit ConfigReader(std::string file) : file_(std::move(file)) {}

    // Loads the file; on a YAML syntax error records it and returns a null node.
    YAML::Node load();

    // Records an error at `at` (its mark gives line:column).
    void error(const YAML::Node& at, const std::string& path, const std::string& message);

    // `node` must be a map whose keys are all in `keys`.
    bool expect_map(const YAML::Node& node, const std::string& path, std::initializer_list<std::string_view> keys);

    std::optional<std::string> text(const YAML::Node& map, const std::string& key, const std::string& path,
                                    bool required);
    std::string text_or(const YAML::Node& map, const std::string& key, const std::string& path,
                        std::string fallback);
    long long integer_or(const YAML::Node& map, const std::string& key, const std::string& path, long long fallback,
                         long long min, long long max);
    bool boolean_or(const YAML::Node& map, const std::string& key, const std::string& path, bool fallback);
    std::vector<std::string> texts(const YAML::Node& map, const std::string& key, const std::string& path);

    const std::string& file() const { return file_; }
    const Problems& problems() const { return problems_; }
    bool ok() const { return problems_.empty(); }

private:
    std::string file_;
    Problems problems_;
};

// "file:line:column: path: message" for a config problem.
std::string describe_config_problem(const Problem& p);

}  // namespace govbus
