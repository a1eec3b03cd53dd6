#include "bus/router/route_table.hpp"

#include "bus/core/file_text.hpp"
#include "bus/router/table_reader.hpp"

namespace govbus::router {

struct RouteTable::Content {
    TableContent table;
};

namespace {

std::string describe_message(const Envelope& e) {
    std::string s = "type " + e.type + ", source " + (e.source.empty() ? "(empty)" : e.source) + ", region " +
                    (e.region.empty() ? "(empty)" : e.region);
    if (!e.destination.region.empty()) s += ", destination region " + e.destination.region;
    return s;
}

// Turns a rule's actions into concrete destinations for this node.
Result<RouteDecision> resolve(const std::string& rule, const RouteActions& a, const Envelope& e, const Topology& t) {
    RouteDecision d;
    d.rule = rule;
    d.destinations.reserve(a.deliver.size() + 2);
    for (const auto& id : a.deliver) d.destinations.push_back("endpoint:" + id);
    if (a.push_down) {
        // The destination region says where the case is handled; a message
        // without one is pushed towards the region it concerns.
        const std::string& target = e.destination.region.empty() ? e.region : e.destination.region;
        const ChildNode* child = t.child_containing(target);
        if (!child)
            return make_problem("route.no_child",
                                "rule '" + rule + "' pushes down, but node " + t.node + " has no child node whose region "
                                "contains " + (target.empty() ? "(no region given)" : target) +
                                "; add the child to the node configuration or fix the message's region",
                                "/header/destination/region");
        d.destinations.push_back("node:" + child->id);
    }
    if (a.forward_parent) {
        if (t.parent.empty())
            return make_problem("route.no_parent", "rule '" + rule + "' forwards to the parent, but node " + t.node +
                                                       " has none; this rule does not belong in a top-level table");
        d.destinations.push_back("node:" + t.parent);
    }
    d.return_up = a.return_up;
    d.dead_letter = a.dead_letter;
    d.dead_letter_reason = a.dead_letter_reason;
    return d;
}

Problem no_route(const TableContent& table, const Envelope& e) {
    return make_problem("route.none", "no rule of route table " + table.file + " matches (" + describe_message(e) +
                                          "); `govbus route explain` shows why each rule did not match",
                        "/header/type");
}

}  // namespace

RouteTable::RouteTable() : content_(std::make_shared<const Content>()) {}

RouteTable::RouteTable(std::shared_ptr<const Content> content) : content_(std::move(content)) {}

Result<RouteTable> RouteTable::parse(const std::string& yaml_text, const std::string& file) {
    auto read = read_table(yaml_text, file);
    if (!read) return Result<RouteTable>(std::move(read.problems()));
    Problems warnings = std::move(read.problems());
    auto content = std::make_shared<Content>();
    content->table = std::move(read.value());
    Result<RouteTable> result(RouteTable(std::move(content)));
    result.with_warnings(std::move(warnings));
    return result;
}

Result<RouteTable> RouteTable::load(const std::string& path) {
    auto text = read_whole_file(path);
    if (!text)
        return make_problem("route.table.unreadable", path + ": cannot read the route table file; check the path "
                                                             "(node configuration key `routes`)");
    return parse(*text, path);
}

Result<RouteDecision> RouteTable::decide(const Envelope& envelope, const Topology& topology) const {
    if (is_case_return_type(envelope.type)) {
        RouteDecision d;
        d.rule = kCasePathRule;
        d.return_up = true;
        return d;
    }
    const TableContent& t = content_->table;
    for (const auto& rule : t.rules)
        if (rule.match.holds(envelope)) return resolve(rule.name, rule.actions, envelope, topology);
    if (t.fallback) return resolve(kDefaultRule, *t.fallback, envelope, topology);
    return no_route(t, envelope);
}

Explanation RouteTable::explain(const Envelope& envelope, const Topology& topology) const {
    const TableContent& t = content_->table;
    Explanation x;
    x.table = t.file;
    if (is_case_return_type(envelope.type)) {
        x.note = envelope.type + " is a case return type: it goes back up the path its case came down "
                                 "(built-in, the table is not consulted)";
        x.outcome = decide(envelope, topology);
        return x;
    }
    for (const auto& rule : t.rules) {
        RuleVerdict v;
        v.rule = rule.name;
        v.line = rule.line;
        v.failures = rule.match.failures(envelope);
        v.matched = v.failures.empty();
        x.verdicts.push_back(std::move(v));
        if (x.verdicts.back().matched) {
            x.outcome = resolve(rule.name, rule.actions, envelope, topology);
            return x;
        }
    }
    if (t.fallback) {
        x.note = "no rule matched; the table's default block decides";
        x.outcome = resolve(kDefaultRule, *t.fallback, envelope, topology);
    } else {
        x.note = "no rule matched and the table has no default block";
        x.outcome = no_route(t, envelope);
    }
    return x;
}

const std::string& RouteTable::file() const { return content_->table.file; }
const std::string& RouteTable::node() const { return content_->table.node; }
const std::vector<RouteRule>& RouteTable::rules() const { return content_->table.rules; }
const std::optional<RouteActions>& RouteTable::default_actions() const { return content_->table.fallback; }

}  // namespace govbus::router
