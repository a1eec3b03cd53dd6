// What the router answers for one message: the decision (which rule, which
// destinations) and, for `govbus route explain`, why each earlier rule did not
// match.
#pragma once

#include "bus/core/problem.hpp"
#include "bus/router/route_rule.hpp"

#include <string>
#include <vector>

namespace govbus::router {

// Names in RouteDecision::rule that are not rules of the table. Rule names
// cannot contain parentheses, so these never collide.
inline constexpr const char* kCasePathRule = "(case-path)";  // built-in: case return types go back up
inline constexpr const char* kDefaultRule = "(default)";     // the table's `default:` block

struct RouteDecision {
    std::string rule;  // the matched rule's name, or kCasePathRule / kDefaultRule
    // Resolved destinations, in this order: "endpoint:<id>" for each deliver
    // entry, "node:<child id>" for push_down, "node:<parent id>" for forward_parent.
    std::vector<std::string> destinations;
    bool return_up = false;    // send back along the case path; the node resolves where that is
    bool dead_letter = false;  // store as a dead letter with `dead_letter_reason`
    std::string dead_letter_reason;

    // More than one endpoint: the copies are processed in parallel (parallel approval).
    bool fan_out() const;
};

// One rule tried by explain().
struct RuleVerdict {
    std::string rule;
    int line = 0;
    bool matched = false;
    std::vector<ConditionFailure> failures;  // every condition that did not hold
};

struct Explanation {
    std::string table;                 // file the table came from
    std::string note;                  // how the decision was reached when no rule decided it (built-in, default)
    std::vector<RuleVerdict> verdicts;  // each rule tried, in order, up to and including the matched one
    Result<RouteDecision> outcome = Result<RouteDecision>(Problems{});
};

// Multi-line text for people (govbus route explain), docs/routing.md shows an example.
std::string to_text(const Explanation& explanation);
// One line: "rule 'x' -> endpoint:a, node:b", "rule 'x' -> dead letter (reason)".
std::string to_text(const RouteDecision& decision);

}  // namespace govbus::router
