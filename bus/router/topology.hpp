// Where this node sits in the region tree: what the router needs to turn
// push_down and forward_parent into concrete node ids. The node builds it from
// its configuration (etc/*.yaml); `govbus route explain` builds it from flags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govbus::router {

enum class Level { national, province, city, county };
const char* to_string(Level level);
std::optional<Level> parse_level(std::string_view text);  // "national", "province", "city", "county"

struct ChildNode {
    std::string id;      // node id, e.g. "city-510100"
    std::string region;  // GB/T 2260 code the child serves, e.g. "510100"
};

struct Topology {
    std::string node;    // this node's id, e.g. "province-510000"
    Level level = Level::city;
    std::string region;  // this node's GB/T 2260 code
    std::string parent;  // parent node id; empty at the top of the tree
    std::vector<ChildNode> children;

    // The child whose region contains `region` (GB/T 2260 containment); when
    // several do, the most specific one. nullptr when none does.
    const ChildNode* child_containing(std::string_view region) const;
};

}  // namespace govbus::router
