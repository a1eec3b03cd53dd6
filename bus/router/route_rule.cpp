#include "bus/router/route_rule.hpp"

#include "bus/rules/data_rules.hpp"

namespace govbus::router {

namespace {
const std::string& field_value(const Envelope& e, HeaderField field) {
    switch (field) {
        case HeaderField::type: return e.type;
        case HeaderField::source: return e.source;
        case HeaderField::region:
        case HeaderField::region_prefix: return e.region;
        case HeaderField::destination_endpoint: return e.destination.endpoint;
        case HeaderField::destination_region: return e.destination.region;
        case HeaderField::department: return e.destination.department;
        case HeaderField::item_code: return e.item_code;
    }
    return e.type;
}

bool is_containment(HeaderField field) {
    return field == HeaderField::region_prefix || field == HeaderField::destination_region;
}

// Payload conditions cannot be judged on a payload the node may not read.
bool payload_is_sealed(const Envelope& e) { return !e.security.encrypted.empty() && e.payload.is_null(); }
}  // namespace

const char* key_of(HeaderField field) {
    switch (field) {
        case HeaderField::type: return "type";
        case HeaderField::source: return "source";
        case HeaderField::region: return "region";
        case HeaderField::region_prefix: return "region_prefix";
        case HeaderField::destination_endpoint: return "destination_endpoint";
        case HeaderField::destination_region: return "destination_region";
        case HeaderField::department: return "department";
        case HeaderField::item_code: return "item_code";
    }
    return "?";
}

bool HeaderCondition::holds(const Envelope& envelope) const {
    const std::string& value = field_value(envelope, field);
    if (!is_containment(field)) return values.matches(value);
    if (value.empty()) return false;
    for (const auto& p : values.patterns)
        if (rules::region_contains(p.text(), value)) return true;
    return false;
}

std::string HeaderCondition::expected() const {
    return is_containment(field) ? "inside " + values.describe() : values.describe();
}

std::string HeaderCondition::actual(const Envelope& envelope) const {
    const std::string& value = field_value(envelope, field);
    return value.empty() ? "(empty)" : "\"" + value + "\"";
}

bool RouteMatch::holds(const Envelope& envelope) const {
    for (const auto& c : header)
        if (!c.holds(envelope)) return false;
    if (payload.empty()) return true;
    if (payload_is_sealed(envelope)) return false;
    for (const auto& p : payload)
        if (!p.holds(envelope.payload)) return false;
    return true;
}

std::vector<ConditionFailure> RouteMatch::failures(const Envelope& envelope) const {
    std::vector<ConditionFailure> out;
    for (const auto& c : header)
        if (!c.holds(envelope))
            out.push_back({std::string("match.") + key_of(c.field), c.expected(), c.actual(envelope)});
    bool sealed = payload_is_sealed(envelope);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const auto& p = payload[i];
        std::string key = "match.payload[" + std::to_string(i) + "]";
        if (sealed)
            out.push_back({key, p.expected(), "payload is encrypted; payload conditions never hold"});
        else if (!p.holds(envelope.payload))
            out.push_back({key, p.expected(), p.actual(envelope.payload)});
    }
    return out;
}

std::string RouteActions::describe() const {
    std::string s;
    auto add = [&s](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
    if (!deliver.empty()) {
        std::string list;
        for (const auto& d : deliver) list += (list.empty() ? "" : ", ") + d;
        add("deliver [" + list + "]");
    }
    if (push_down) add("push_down");
    if (forward_parent) add("forward_parent");
    if (return_up) add("return_up");
    if (dead_letter) add("dead_letter (" + dead_letter_reason + ")");
    return s;
}

}  // namespace govbus::router
