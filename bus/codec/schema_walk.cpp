#include "bus/codec/schema_walk.hpp"

#include "bus/rules/data_rules.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <deque>
#include <unordered_map>
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

struct WalkNode {
    Shape shape = Shape::unknown;
    std::string rule;
    std::string pattern;
    const Pattern* compiled = nullptr;
    std::vector<std::pair<std::string, const WalkNode*>> members;  // "properties", in order
    const WalkNode* additional = nullptr;                          // "additionalProperties"
    const WalkNode* items = nullptr;
};

struct SchemaGraph::Nodes {
    std::deque<WalkNode> all;  // a deque: nodes point to each other
};

namespace {

Shape shape_of(const json::object& node) {
    const json::value* t = node.if_contains("type");
    std::string_view type = t && t->is_string() ? std::string_view(t->get_string()) : std::string_view{};
    if (type == "object") return node.contains("properties") ? Shape::object : Shape::map;
    if (type == "array") return Shape::array;
    if (type == "integer") return Shape::integer;
    if (type == "boolean") return Shape::boolean;
    if (type == "number") return Shape::number;
    if (type == "string" || node.contains("enum")) return Shape::string;
    return Shape::unknown;
}

std::string text_member(const json::object& node, std::string_view name) {
    const json::value* v = node.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

class GraphBuilder {
public:
    GraphBuilder(const json::value& root, const PatternSet* patterns, std::deque<WalkNode>& out)
        : root_(root), patterns_(patterns), out_(out) {}

    const WalkNode* build(const json::value* v) {
        const json::object* o = resolve(v);
        if (!o) return nullptr;
        if (auto it = done_.find(o); it != done_.end()) return it->second;
        WalkNode& n = out_.emplace_back();
        done_.emplace(o, &n);  // before the members: a schema may refer to itself
        n.shape = shape_of(*o);
        n.rule = text_member(*o, "x-govbus-rule");
        n.pattern = text_member(*o, "pattern");
        if (patterns_ && !n.pattern.empty()) n.compiled = patterns_->find(n.pattern);
        if (const json::object* props = as_schema(o->if_contains("properties")))
            for (const auto& m : *props) n.members.emplace_back(std::string(m.key()), build(&m.value()));
        n.additional = build(o->if_contains("additionalProperties"));
        n.items = build(o->if_contains("items"));
        return &n;
    }

private:
    // Follows "$ref": "#/definitions/name" (a few levels at most; cycles are schema bugs).
    const json::object* resolve(const json::value* v) const {
        const json::object* node = as_schema(v);
        for (int hops = 0; node && hops < 8; ++hops) {
            const json::value* ref = node->if_contains("$ref");
            if (!ref || !ref->is_string()) break;
            std::string_view target = ref->get_string();
            constexpr std::string_view prefix = "#/definitions/";
            node = nullptr;
            if (target.substr(0, prefix.size()) != prefix) break;
            const json::object* defs = root_.is_object() ? as_schema(root_.get_object().if_contains("definitions")) : nullptr;
            if (defs) node = as_schema(defs->if_contains(target.substr(prefix.size())));
        }
        return node;
    }

    const json::value& root_;
    const PatternSet* patterns_;
    std::deque<WalkNode>& out_;
    std::unordered_map<const json::object*, const WalkNode*> done_;
};

// `pointer` is the JSON Pointer of `v`; members and elements extend it in
// place and put it back, so walking a payload allocates no path per node.
void walk_rules(const SchemaNode& schema, const json::value& v, std::string& pointer, Problems& out) {
    if (!schema.known()) return;
    if (v.is_string()) {
        auto rule = schema.rule();
        if (!rule.empty() || !schema.pattern().empty()) {
            const auto& s = v.get_string();
            check_string(schema.compiled_pattern(), rule, std::string_view(s.data(), s.size()), pointer, out);
        }
    } else if (v.is_object()) {
        const std::size_t length = pointer.size();
        for (const auto& m : v.get_object()) {
            append_pointer_token(pointer, m.key());
            walk_rules(schema.member(m.key()), m.value(), pointer, out);
            pointer.resize(length);
        }
    } else if (v.is_array()) {
        const std::size_t length = pointer.size();
        const auto& a = v.get_array();
        SchemaNode items = schema.items();
        for (std::size_t i = 0; i < a.size(); ++i) {
            pointer += '/';
            pointer += std::to_string(i);
            walk_rules(items, a[i], pointer, out);
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

SchemaGraph::SchemaGraph(const json::value& root, const PatternSet* patterns) : nodes_(std::make_unique<Nodes>()) {
    root_ = GraphBuilder(root, patterns, nodes_->all).build(&root);
}
SchemaGraph::~SchemaGraph() = default;

Shape SchemaNode::shape() const { return node_ ? node_->shape : Shape::unknown; }

SchemaNode SchemaNode::member(std::string_view key) const {
    if (!node_) return {};
    for (const auto& [name, node] : node_->members)
        if (name == key) return SchemaNode(node);
    return SchemaNode(node_->additional);
}

SchemaNode SchemaNode::items() const { return SchemaNode(node_ ? node_->items : nullptr); }

std::string_view SchemaNode::rule() const { return node_ ? std::string_view(node_->rule) : std::string_view{}; }

std::string_view SchemaNode::pattern() const { return node_ ? std::string_view(node_->pattern) : std::string_view{}; }

const Pattern* SchemaNode::compiled_pattern() const { return node_ ? node_->compiled : nullptr; }

std::vector<std::string> SchemaNode::property_names() const {
    std::vector<std::string> out;
    if (node_)
        for (const auto& m : node_->members) out.push_back(m.first);
    return out;
}

void append_pointer_token(std::string& pointer, std::string_view key) {
    pointer += '/';
    std::size_t from = 0;  // the first byte not yet appended
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (key[i] != '~' && key[i] != '/') continue;
        pointer.append(key.substr(from, i - from));
        pointer += key[i] == '~' ? "~0" : "~1";
        from = i + 1;
    }
    pointer.append(key.substr(from));
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

Problems check_payload_rules(const SchemaNode& schema, const json::value& payload, const std::string& prefix) {
    Problems out;
    std::string pointer = prefix;
    walk_rules(schema, payload, pointer, out);
    return out;
}

}  // namespace govbus::codec
