// One compiled rule of a route table: its match (header conditions and payload
// predicates, all of which must hold) and its actions. docs/routing.md
// describes each condition and action as written in routes/*.yaml.
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/router/payload_predicate.hpp"
#include "bus/router/text_pattern.hpp"

#include <string>
#include <vector>

namespace govbus::router {

// The header field a condition tests. The order is the order conditions are
// evaluated in: cheap and selective first.
enum class HeaderField {
    type,
    source,
    region,                // exact code(s)
    region_prefix,         // GB/T 2260 containment of Envelope::region
    destination_endpoint,
    destination_region,    // GB/T 2260 containment of Envelope::destination.region
    department,
    item_code,
};
const char* key_of(HeaderField field);  // the YAML key, e.g. "region_prefix"

struct HeaderCondition {
    HeaderField field = HeaderField::type;
    PatternList values;  // region fields: exact codes; the others: exact, prefix or glob

    bool holds(const Envelope& envelope) const;
    std::string expected() const;  // "case.*", "inside 510000", "one of [a, b]"
    std::string actual(const Envelope& envelope) const;  // the field's value, quoted; "(empty)" when empty
};

// Why a condition did not hold, for `explain`.
struct ConditionFailure {
    std::string condition;  // "match.region_prefix", "match.payload[1]"
    std::string expected;
    std::string actual;
};

struct RouteMatch {
    std::vector<HeaderCondition> header;     // sorted by HeaderField
    std::vector<PayloadPredicate> payload;

    bool matches_everything() const { return header.empty() && payload.empty(); }
    bool holds(const Envelope& envelope) const;
    // Every condition that does not hold (empty when the match holds).
    std::vector<ConditionFailure> failures(const Envelope& envelope) const;
};

// Refused combinations (checked when the table loads, docs/routing.md):
// dead_letter or return_up with any other action; push_down with forward_parent.
struct RouteActions {
    std::vector<std::string> deliver;  // endpoint ids; more than one fans out
    bool push_down = false;
    bool forward_parent = false;
    bool return_up = false;
    bool dead_letter = false;
    std::string dead_letter_reason;

    bool empty() const { return deliver.empty() && !push_down && !forward_parent && !return_up && !dead_letter; }
    std::string describe() const;  // "deliver [cd.market], forward_parent"
};

struct RouteRule {
    std::string name;
    std::string description;
    int line = 0;  // where the rule starts in its file (1-based)
    RouteMatch match;
    RouteActions actions;
};

}  // namespace govbus::router
