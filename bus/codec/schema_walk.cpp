#include "bus/codec/schema_walk.hpp"

#include "bus/rules/data_rules.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <vector>

namespace govbus::codec {

namespace json = boost::json;

namespace {

const json::object* as_schema(const json::value* v) { return v && v->is_object() ? &v->get_object() : nullptr; }

std::string unescape_token(std::string_view t) {
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '~' && i + 1 < t.size()) {
            out.push_back(t[i + 1] == '1' ? '/' : '~');
            ++i;
        } else {
            out.push_back(t[i]);
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> split_pointer(std::string_view p) {
    std::vector<std::string> tokens;
    while (!p.empty() && p.front() == '/') {
        p.remove_prefix(1);
        auto end = p.find('/');
        tokens.push_back(unescape_token(p.substr(0, end)));
        p = end == std::string_view::npos ? std::string_view{} : p.substr(end);
    }
    return tokens;
}

namespace {

// `pointer` is the JSON Pointer of `v`; members and elements extend it in
// place and put it back, so walking a payload allocates no path per node.
void walk_rules(const SchemaNode& schema, const json::value& v, std::string& pointer, const PatternSet& patterns,
                Problems& out) {
    if (!schema.known()) return;
    if (v.is_string()) {
        auto rule = schema.rule();
        auto pattern = schema.pattern();
        if (!rule.empty() || !pattern.empty()) {
            const auto& s = v.get_string();
            check_string(pattern.empty() ? nullptr : patterns.find(pattern), rule, std::string_view(s.data(), s.size()),
                         pointer, out);
        }
    } else if (v.is_object()) {
        const std::size_t length = pointer.size();
        for (const auto& m : v.get_object()) {
            pointer += '/';
            pointer += pointer_token(m.key());
            walk_rules(schema.member(m.key()), m.value(), pointer, patterns, out);
            pointer.resize(length);
        }
    } else if (v.is_array()) {
        const std::size_t length = pointer.size();
        const auto& a = v.get_array();
        SchemaNode items = schema.items();
        for (std::size_t i = 0; i < a.size(); ++i) {
            pointer += '/';
            pointer += std::to_string(i);
            walk_rules(items, a[i], pointer, patterns, out);
            pointer.resize(length);
        }
    }
}

// As the schema validator showed a value: JSON, cut at 80 characters.
std::string shown(std::string_view value) {
    std::string s = json::serialize(json::string(value));
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

}  // namespace

SchemaNode::SchemaNode(const json::value& root, const json::value* node) : root_(&root), node_(as_schema(node)) {
    // Follow "$ref": "#/definitions/name" (a few levels at most; cycles are schema bugs).
    for (int hops = 0; node_ && hops < 8; ++hops) {
        const json::value* ref = node_->if_contains("$ref");
        if (!ref || !ref->is_string()) break;
        std::string_view target = ref->get_string();
        constexpr std::string_view prefix = "#/definitions/";
        node_ = nullptr;
        if (target.substr(0, prefix.size()) != prefix) break;
        const json::object* defs = as_schema(root_->as_object().if_contains("definitions"));
        if (defs) node_ = as_schema(defs->if_contains(target.substr(prefix.size())));
    }
}

Shape SchemaNode::shape() const {
    if (!node_) return Shape::unknown;
    const json::value* t = node_->if_contains("type");
    std::string_view type = t && t->is_string() ? std::string_view(t->get_string()) : std::string_view{};
    if (type == "object") return node_->contains("properties") ? Shape::object : Shape::map;
    if (type == "array") return Shape::array;
    if (type == "integer") return Shape::integer;
    if (type == "boolean") return Shape::boolean;
    if (type == "number") return Shape::number;
    if (type == "string" || node_->contains("enum")) return Shape::string;
    return Shape::unknown;
}

SchemaNode SchemaNode::member(std::string_view key) const {
    if (!node_) return {*root_, nullptr};
    if (const json::object* props = as_schema(node_->if_contains("properties")))
        if (const json::value* m = props->if_contains(key)) return {*root_, m};
    return {*root_, node_->if_contains("additionalProperties")};
}

SchemaNode SchemaNode::items() const { return {*root_, node_ ? node_->if_contains("items") : nullptr}; }

std::string_view SchemaNode::pattern() const {
    const json::value* p = node_ ? node_->if_contains("pattern") : nullptr;
    return p && p->is_string() ? std::string_view(p->get_string()) : std::string_view{};
}

std::vector<std::string> SchemaNode::property_names() const {
    std::vector<std::string> out;
    if (const json::object* props = node_ ? as_schema(node_->if_contains("properties")) : nullptr)
        for (const auto& m : *props) out.emplace_back(m.key());
    return out;
}

std::string_view SchemaNode::rule() const {
    const json::value* r = node_ ? node_->if_contains("x-govbus-rule") : nullptr;
    return r && r->is_string() ? std::string_view(r->get_string()) : std::string_view{};
}

std::string pointer_token(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out.push_back(c);
    }
    return out;
}

void check_string(const Pattern* pattern, std::string_view rule, std::string_view value, const std::string& pointer,
                  Problems& out) {
    if (pattern && !pattern->search(value)) {
        // The wording the schema validator used when it checked patterns itself.
        out.push_back(make_problem("schema.invalid", "value " + shown(value) + " at '" + pointer +
                                                         "' does not have the expected form " + shown(pattern->source()),
                                   pointer));
        return;
    }
    if (!rule.empty())
        for (auto& p : rules::check_rule(rule, value, pointer)) out.push_back(std::move(p));
}

Problems check_payload_rules(const json::value& schema, const json::value& payload, const std::string& prefix,
                             const PatternSet& patterns) {
    Problems out;
    std::string pointer = prefix;
    walk_rules(SchemaNode(schema), payload, pointer, patterns, out);
    return out;
}

}  // namespace govbus::codec
