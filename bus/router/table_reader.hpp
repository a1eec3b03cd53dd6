// Reads a route table's YAML (routes/*.yaml, version 1) into compiled rules,
// reporting every schema problem at once. Internal to bus/router; callers use
// RouteTable::load / RouteTable::parse.
#pragma once

#include "bus/core/problem.hpp"
#include "bus/router/route_rule.hpp"

#include <optional>
#include <string>
#include <vector>

namespace govbus::router {

struct TableContent {
    std::string file;
    std::string node;  // informational `node:` key
    std::vector<RouteRule> rules;
    std::optional<RouteActions> fallback;  // the `default:` block
};

// `file` names the source in problems. Errors make the result fail; warnings
// ride along with the value (or with the errors).
Result<TableContent> read_table(const std::string& yaml_text, const std::string& file);

}  // namespace govbus::router
