// Reads and compiles the `match:` block of one rule (part of table_reader.cpp's
// job, kept apart so each file stays one concern: conditions here, rules and
// actions there).
#include "bus/router/table_checker.hpp"
#include "bus/router/route_rule.hpp"
#include "bus/rules/data_rules.hpp"

#include <algorithm>
#include <iterator>

namespace govbus::router {

RouteMatch read_match(TableChecker& check, const YAML::Node& node, const std::string& path);

namespace {

constexpr HeaderField kFields[] = {
    HeaderField::type,          HeaderField::source,     HeaderField::region,
    HeaderField::region_prefix, HeaderField::destination_endpoint, HeaderField::destination_region,
    HeaderField::department,    HeaderField::item_code,
};

bool is_region_field(HeaderField f) {
    return f == HeaderField::region || f == HeaderField::region_prefix || f == HeaderField::destination_region;
}

std::string known_types() {
    std::string s;
    for (const char* t : kMessageTypes) s += (s.empty() ? "" : ", ") + std::string(t);
    return s;
}

// A type pattern that names no known message type would silently never match.
void check_type(TableChecker& check, const TextPattern& p, const YAML::Node& at, const std::string& path) {
    bool any = std::any_of(std::begin(kMessageTypes), std::end(kMessageTypes),
                           [&](const char* t) { return p.matches(t); });
    if (!any) {
        check.error("route.table.type_unknown", at, path,
                    "'" + p.text() + "' matches no message type (known: " + known_types() + ")");
    } else if (p.kind() == TextPattern::Kind::exact && is_case_return_type(p.text())) {
        check.warning("route.table.case_return", at, path,
                      p.text() + " never reaches the table: case return types go back up the case path "
                                 "(docs/routing.md \"Push-down and return-up\")");
    }
}

std::optional<HeaderCondition> read_condition(TableChecker& check, HeaderField field, const YAML::Node& node,
                                              const std::string& path) {
    const int errors_before = check.error_count();
    HeaderCondition c;
    c.field = field;
    auto what = is_region_field(field) ? "a GB/T 2260 region code" : "a value or pattern";
    for (auto& [text, at] : check.scalars(node, path, what)) {
        if (is_region_field(field)) {
            Problems found = rules::check_region_code(text, path);
            if (!found.empty()) {
                check.error("route.table.region", at, path, "expected a GB/T 2260 region code, got '" + text +
                                                               "': " + found.front().message);
                continue;
            }
        } else if (text.find_first_of(" \t") != std::string::npos) {
            check.error("route.table.value", at, path, "expected a value without spaces, got '" + text + "'");
            continue;
        }
        auto pattern = TextPattern::compile(text);
        if (field == HeaderField::type) check_type(check, pattern, at, path);
        c.values.patterns.push_back(std::move(pattern));
    }
    if (check.error_count() != errors_before) return std::nullopt;
    return c;
}

std::optional<TableScalar> read_table_scalar(TableChecker& check, const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
        check.error("route.table.value", node, path, "expected a single value (text, number, true/false)");
        return std::nullopt;
    }
    // yaml-cpp tags quoted scalars "!" (non-specific), plain ones "?".
    return TableScalar{node.Scalar(), node.Tag() == "!"};
}

std::optional<PayloadPredicate> read_predicate(TableChecker& check, const YAML::Node& node, const std::string& path) {
    if (!check.mapping(node, path, {"pointer", "equals", "in", "exists", "prefix"})) return std::nullopt;
    PayloadPredicate p;
    auto pointer_node = node["pointer"];
    if (!pointer_node) {
        check.error("route.table.key_missing", node, path + ".pointer",
                    "required key 'pointer' is missing (a JSON Pointer, e.g. /applicant/id_type)");
        return std::nullopt;
    }
    if (!pointer_node.IsScalar()) {
        check.error("route.table.value", pointer_node, path + ".pointer", "expected a JSON Pointer (text)");
        return std::nullopt;
    }
    std::string why;
    auto pointer = JsonPointer::compile(pointer_node.Scalar(), why);
    if (!pointer) {
        check.error("route.table.pointer", pointer_node, path + ".pointer", why);
        return std::nullopt;
    }
    p.pointer = std::move(*pointer);

    int ops = 0;
    bool ok = true;
    for (const char* key : {"equals", "in", "exists", "prefix"}) {
        auto v = node[key];
        if (!v) continue;
        const std::string where = path + "." + key;
        if (++ops > 1) {
            check.error("route.table.value", v, where, "expected one of equals, in, exists, prefix per predicate");
            ok = false;
            continue;
        }
        std::string k = key;
        if (k == "equals") {
            p.op = PayloadPredicate::Op::equals;
            auto s = read_table_scalar(check, v, where);
            if (s) p.values.push_back(std::move(*s));
            ok = ok && s.has_value();
        } else if (k == "in") {
            p.op = PayloadPredicate::Op::in;
            if (!v.IsSequence() || v.size() == 0) {
                check.error("route.table.value", v, where, "expected a non-empty list of values");
                ok = false;
                continue;
            }
            for (std::size_t i = 0; i < v.size(); ++i) {
                auto s = read_table_scalar(check, v[i], where + "[" + std::to_string(i) + "]");
                if (s) p.values.push_back(std::move(*s));
                ok = ok && s.has_value();
            }
        } else if (k == "exists") {
            p.op = PayloadPredicate::Op::exists;
            auto b = check.boolean(v, where);
            p.present = b.value_or(true);
            ok = ok && b.has_value();
        } else {
            p.op = PayloadPredicate::Op::prefix;
            auto s = check.scalar(v, where, "text the value starts with");
            p.prefix = s.value_or("");
            ok = ok && s.has_value();
        }
    }
    if (ops == 0) {
        check.error("route.table.key_missing", node, path, "expected one of equals, in, exists, prefix");
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return p;
}

}  // namespace

RouteMatch read_match(TableChecker& check, const YAML::Node& node, const std::string& path) {
    RouteMatch m;
    if (node.IsNull()) {
        check.error("route.table.value", node, path, "expected a mapping of conditions (write `match: {}` to match "
                                                     "every message)");
        return m;
    }
    if (!check.mapping(node, path, {"type", "source", "region", "region_prefix", "destination_endpoint",
                                    "destination_region", "department", "item_code", "payload"}))
        return m;
    // kFields' order is the evaluation order, whatever order the file uses.
    for (HeaderField f : kFields) {
        auto v = node[key_of(f)];
        if (!v) continue;
        if (auto c = read_condition(check, f, v, path + "." + key_of(f))) m.header.push_back(std::move(*c));
    }
    if (auto v = node["payload"]) {
        const std::string where = path + ".payload";
        if (!v.IsSequence() || v.size() == 0) {
            check.error("route.table.value", v, where, "expected a non-empty list of {pointer, equals|in|exists|prefix}");
        } else {
            for (std::size_t i = 0; i < v.size(); ++i)
                if (auto p = read_predicate(check, v[i], where + "[" + std::to_string(i) + "]"))
                    m.payload.push_back(std::move(*p));
        }
    }
    return m;
}

}  // namespace govbus::router
