// Walks a payload together with its JSON Schema (payload.schema.json, read
// into a SchemaGraph): the shape of each node for the XML mapping, the
// patterns and data rules ("x-govbus-rule") to check, and the XPath that names
// a JSON Pointer in the XML encoding. Only local "$ref"s ("#/definitions/name")
// are followed.
#pragma once

#include "bus/codec/pattern.hpp"
#include "bus/core/problem.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace govbus::codec {

enum class Shape { object, map, array, string, integer, boolean, number, unknown };

struct WalkNode;

// A JSON Schema read once for walking payloads: "$ref"s followed, and each
// node's shape, pattern, data rule, members and items at hand, so a walk
// does not look them up in the schema's JSON for every value it visits.
// Keeps no reference to the tree it was read from.
class SchemaGraph {
public:
    // `patterns`, when given, must hold the schema's patterns: each node then
    // carries its compiled pattern.
    SchemaGraph(const boost::json::value& root, const PatternSet* patterns);
    ~SchemaGraph();
    SchemaGraph(const SchemaGraph&) = delete;
    SchemaGraph& operator=(const SchemaGraph&) = delete;

    const WalkNode* root() const { return root_; }

private:
    struct Nodes;
    std::unique_ptr<Nodes> nodes_;
    const WalkNode* root_ = nullptr;
};

// A node of a SchemaGraph, or nothing (the schema says nothing here).
class SchemaNode {
public:
    SchemaNode() = default;
    explicit SchemaNode(const SchemaGraph& graph) : node_(graph.root()) {}

    bool known() const { return node_ != nullptr; }
    Shape shape() const;
    SchemaNode member(std::string_view key) const;  // properties[key], else additionalProperties
    SchemaNode items() const;
    std::string_view rule() const;     // "x-govbus-rule", or ""
    std::string_view pattern() const;  // "pattern", or ""
    const Pattern* compiled_pattern() const;  // null without a pattern or a PatternSet
    std::vector<std::string> property_names() const;  // of "properties", in the schema's order

private:
    explicit SchemaNode(const WalkNode* node) : node_(node) {}
    const WalkNode* node_ = nullptr;
};

// Appends "/" and `key` as a JSON Pointer token to `pointer` (RFC 6901 §3:
// '~' -> "~0", '/' -> "~1").
void append_pointer_token(std::string& pointer, std::string_view key);

// One string value against its schema's pattern and data rule (either may be
// absent): a value that does not have the pattern's form is reported as such
// (schema.invalid) and its data rule is not run; otherwise check_rule().
void check_string(const Pattern* pattern, std::string_view rule, std::string_view value, const std::string& pointer,
                  Problems& out);

// check_string() for every string of the payload whose schema has a pattern
// or names a data rule. Fields are JSON Pointers, each prefixed with
// `pointer_prefix` ("/payload"). The schema's graph must carry its patterns.
Problems check_payload_rules(const SchemaNode& schema, const boost::json::value& payload,
                             const std::string& pointer_prefix);

// RFC 6901 tokens of a JSON Pointer, unescaped.
std::vector<std::string> split_pointer(std::string_view pointer);

}  // namespace govbus::codec
