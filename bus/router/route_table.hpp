// A route table (routes/*.yaml): ordered rules, each a match and actions, and
// the engine that decides where a message goes. An immutable value, cheap to
// copy: the node loads a new one on reload and swaps a shared_ptr, keeping the
// old one when loading fails (docs/routing.md "Reload").
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"
#include "bus/router/route_decision.hpp"
#include "bus/router/route_rule.hpp"
#include "bus/router/topology.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace govbus::router {

class RouteTable {
public:
    // An empty table: every message that is not a case return gets route.none.
    RouteTable();

    // Reads, checks and compiles a table. On failure, every problem found
    // (errors and warnings, each message "file:line:column: rule 'name':
    // key.path: what was expected"); on success, the warnings ride along.
    static Result<RouteTable> load(const std::string& path);
    // The same from text; `file` names it in problems.
    static Result<RouteTable> parse(const std::string& yaml_text, const std::string& file);

    // Where `envelope` goes. Order: case return types (case.accept,
    // case.process, case.result) -> kCasePathRule with return_up; else the
    // first matching rule; else the `default:` block; else route.none.
    // Problems: route.none, route.no_child (push_down finds no child whose
    // region contains the destination region, or the region),
    // route.no_parent (forward_parent at a node without a parent).
    Result<RouteDecision> decide(const Envelope& envelope, const Topology& topology) const;

    // decide(), with the reasons: each rule tried and which conditions failed.
    // Slower; for `govbus route explain` and the admin API, not per message.
    Explanation explain(const Envelope& envelope, const Topology& topology) const;

    const std::string& file() const;
    const std::string& node() const;  // the table's informational `node:`
    const std::vector<RouteRule>& rules() const;
    const std::optional<RouteActions>& default_actions() const;

private:
    struct Content;
    explicit RouteTable(std::shared_ptr<const Content> content);
    std::shared_ptr<const Content> content_;
};

}  // namespace govbus::router
