// The hand-written schema checker behind route-table loading: walks the YAML
// with its marks so every problem reads
//   file:line:column: rule 'name': rules[3].match.region_prefix: what was expected
// (STYLE.md practice 7). Internal to bus/router.
#pragma once

#include "bus/core/problem.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govbus::router {

class TableChecker {
public:
    explicit TableChecker(std::string file) : file_(std::move(file)) {}

    // The rule that later problems belong to ("" outside rules).
    void set_rule(std::string name) { rule_ = std::move(name); }

    void error(std::string code, const YAML::Node& at, const std::string& path, const std::string& message);
    void warning(std::string code, const YAML::Node& at, const std::string& path, const std::string& message);
    // A problem at a known position (YAML syntax errors carry a mark, not a node).
    void add(std::string code, int line, int column, const std::string& path, const std::string& message,
             bool warning);

    // `node` must be a mapping whose keys are all in `keys`, none repeated.
    // Returns false (after reporting) when it is not a mapping.
    bool mapping(const YAML::Node& node, const std::string& path, std::initializer_list<std::string_view> keys);
    // A present, non-null single value.
    std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, const std::string& what);
    // `true` or `false`.
    std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
    // One value or a non-empty list of values, each with its node (for marks).
    std::vector<std::pair<std::string, YAML::Node>> scalars(const YAML::Node& node, const std::string& path,
                                                            const std::string& what);

    const std::string& file() const { return file_; }
    bool has_errors() const { return errors_ > 0; }
    int error_count() const { return errors_; }
    Problems take() { return std::move(problems_); }

    static int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

private:
    std::string file_;
    std::string rule_;
    Problems problems_;
    int errors_ = 0;
};

}  // namespace govbus::router
