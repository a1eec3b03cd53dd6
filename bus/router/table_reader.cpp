#include "bus/router/table_reader.hpp"

#include "bus/router/table_checker.hpp"
#include "bus/rules/data_rules.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

namespace govbus::router {

// Defined in match_reader.cpp.
RouteMatch read_match(TableChecker& check, const YAML::Node& node, const std::string& path);

namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
}

// The envelope schema's endpoint id: ^[a-z0-9][-a-z0-9.]{0,127}$
// (schemas/envelope/1.0/envelope.schema.json, definitions.endpointId).
bool is_endpoint_id(const std::string& id) {
    if (id.empty() || id.size() > 128 || id[0] == '-' || id[0] == '.') return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
}

RouteActions read_actions(TableChecker& check, const YAML::Node& node, const std::string& path) {
    RouteActions a;
    const int errors_before = check.error_count();
    if (!check.mapping(node, path, {"deliver", "push_down", "forward_parent", "return_up", "dead_letter"})) return a;
    if (auto n = node["deliver"]) {
        std::set<std::string> seen;
        for (auto& [id, at] : check.scalars(n, path + ".deliver", "an endpoint id")) {
            if (!is_endpoint_id(id))
                check.error("route.table.value", at, path + ".deliver",
                            "expected an endpoint id (lower-case letters, digits, '-' and '.'), got '" + id + "'");
            else if (!seen.insert(id).second)
                check.error("route.table.value", at, path + ".deliver", "endpoint '" + id + "' is listed twice");
            else
                a.deliver.push_back(id);
        }
    }
    if (auto n = node["push_down"]) a.push_down = check.boolean(n, path + ".push_down").value_or(false);
    if (auto n = node["forward_parent"]) a.forward_parent = check.boolean(n, path + ".forward_parent").value_or(false);
    if (auto n = node["return_up"]) a.return_up = check.boolean(n, path + ".return_up").value_or(false);
    if (auto n = node["dead_letter"]) {
        const std::string p = path + ".dead_letter";
        if (check.mapping(n, p, {"reason"})) {
            if (auto r = n["reason"]) {
                if (auto reason = check.scalar(r, p + ".reason", "a reason (text)")) {
                    a.dead_letter = true;
                    a.dead_letter_reason = *reason;
                }
            } else {
                check.error("route.table.key_missing", n, p + ".reason", "required key 'reason' is missing");
            }
        }
    }
    if (check.error_count() != errors_before) return a;
    // Refused combinations, docs/routing.md "Actions".
    int others = static_cast<int>(!a.deliver.empty()) + a.push_down + a.forward_parent;
    if (a.empty()) {
        check.error("route.table.actions_empty", node, path, "expected at least one action (deliver, push_down, "
                    "forward_parent, return_up or dead_letter)");
    } else if (a.dead_letter && (others > 0 || a.return_up)) {
        check.error("route.table.actions_conflict", node, path, "dead_letter cannot be combined with other actions");
    } else if (a.return_up && others > 0) {
        check.error("route.table.actions_conflict", node, path,
                    "return_up cannot be combined with other actions: the node sends the message back along "
                    "its case path only");
    } else if (a.push_down && a.forward_parent) {
        check.error("route.table.actions_conflict", node, path,
                    "push_down and forward_parent cannot be combined: the parent would push the message back down");
    }
    return a;
}

std::optional<RouteRule> read_rule(TableChecker& check, const YAML::Node& node, const std::string& path,
                                   std::map<std::string, int>& names) {
    check.set_rule("");
    if (!check.mapping(node, path, {"name", "description", "match", "actions"})) return std::nullopt;
    RouteRule rule;
    rule.line = TableChecker::line_of(node);
    if (auto n = node["name"]) {
        if (auto name = check.scalar(n, path + ".name", "a rule name")) {
            rule.name = *name;
            check.set_rule(rule.name);
            if (!std::all_of(name->begin(), name->end(), is_name_char))
                check.error("route.table.value", n, path + ".name",
                            "expected a rule name of letters, digits, '.', '-' and '_'");
            auto [it, fresh] = names.emplace(*name, TableChecker::line_of(n));
            if (!fresh)
                check.error("route.table.name_duplicate", n, path + ".name",
                            "rule name '" + *name + "' is already used at line " + std::to_string(it->second));
        }
    } else {
        check.error("route.table.key_missing", node, path + ".name", "required key 'name' is missing");
    }
    check.set_rule(rule.name);
    if (auto n = node["description"]) rule.description = check.scalar(n, path + ".description", "text").value_or("");
    if (auto n = node["match"]) {
        rule.match = read_match(check, n, path + ".match");
    } else {
        check.error("route.table.key_missing", node, path + ".match",
                    "required key 'match' is missing (write `match: {}` to match every message)");
    }
    if (auto n = node["actions"]) {
        rule.actions = read_actions(check, n, path + ".actions");
    } else {
        check.error("route.table.key_missing", node, path + ".actions", "required key 'actions' is missing");
    }
    return rule;
}

void read_document(TableChecker& check, const YAML::Node& root, TableContent& out) {
    if (!check.mapping(root, "", {"version", "node", "description", "rules", "default"})) return;
    if (auto n = root["version"]) {
        if (!n.IsScalar() || n.Scalar() != "1")
            check.error("route.table.version", n, "version", "expected 1 (the route table format this govbus reads)");
    } else {
        check.error("route.table.key_missing", root, "version", "required key 'version' is missing (write `version: 1`)");
    }
    if (auto n = root["node"]) out.node = check.scalar(n, "node", "a node id").value_or("");
    if (auto n = root["description"]) check.scalar(n, "description", "text");
    std::vector<YAML::Node> rule_nodes;
    if (auto n = root["rules"]) {
        if (!n.IsSequence()) {
            check.error("route.table.value", n, "rules", "expected a list of rules");
        } else if (n.size() == 0) {
            check.error("route.table.rules_empty", n, "rules", "expected at least one rule");
        } else {
            std::map<std::string, int> names;
            for (std::size_t i = 0; i < n.size(); ++i) {
                if (auto rule = read_rule(check, n[i], "rules[" + std::to_string(i) + "]", names))
                    out.rules.push_back(std::move(*rule));
                rule_nodes.push_back(n[i]);
            }
        }
    } else {
        check.error("route.table.key_missing", root, "rules", "required key 'rules' is missing");
    }
    check.set_rule("");
    YAML::Node fallback_node = root["default"];
    if (fallback_node) out.fallback = read_actions(check, fallback_node, "default");

    // A rule that matches everything shadows all that follow it (and `default`).
    auto catch_all = std::find_if(out.rules.begin(), out.rules.end(),
                                  [](const RouteRule& r) { return r.match.matches_everything(); });
    // Skipped when the table has errors: a rule whose conditions were refused
    // would look like a catch-all.
    if (check.has_errors() || catch_all == out.rules.end() || out.rules.size() != rule_nodes.size()) return;
    const std::string shadow = "unreachable: rule '" + catch_all->name + "' (line " +
                               std::to_string(catch_all->line) + ") before it matches every message";
    for (auto it = std::next(catch_all); it != out.rules.end(); ++it) {
        check.set_rule(it->name);
        auto i = static_cast<std::size_t>(it - out.rules.begin());
        check.warning("route.table.unreachable", rule_nodes[i], "rules[" + std::to_string(i) + "]", shadow);
    }
    check.set_rule("");
    if (fallback_node) check.warning("route.table.unreachable", fallback_node, "default", shadow);
}

}  // namespace

Result<TableContent> read_table(const std::string& yaml_text, const std::string& file) {
    TableChecker check(file);
    TableContent out;
    out.file = file;
    try {
        YAML::Node root = YAML::Load(yaml_text);
        if (!root || root.IsNull())
            check.add("route.table.empty", 1, 1, "", "the file is empty; expected `version: 1` and `rules:`", false);
        else
            read_document(check, root, out);
    } catch (const YAML::Exception& e) {
        check.add("route.table.syntax", e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg, false);
    }
    bool failed = check.has_errors();
    Problems problems = check.take();
    // In file order, whatever order the checks ran in.
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    if (failed) return Result<TableContent>(std::move(problems));
    Result<TableContent> result(std::move(out));
    result.with_warnings(std::move(problems));
    return result;
}

}  // namespace govbus::router
