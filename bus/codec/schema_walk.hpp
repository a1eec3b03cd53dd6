// Walks a payload together with its JSON Schema (the boost::json tree of
// payload.schema.json): the shape of each node for the XML mapping, the
// patterns and data rules ("x-govbus-rule") to check, and the XPath that names
// a JSON Pointer in the XML encoding. Only local "$ref"s ("#/definitions/name")
// are followed.
#pragma once

#include "bus/codec/pattern.hpp"
#include "bus/core/problem.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace govbus::codec {

enum class Shape { object, map, array, string, integer, boolean, number, unknown };

// A schema node, with "$ref" followed against the schema's root.
class SchemaNode {
public:
    SchemaNode(const boost::json::value& root, const boost::json::value* node);
    SchemaNode(const boost::json::value& root) : SchemaNode(root, &root) {}

    bool known() const { return node_ != nullptr; }
    Shape shape() const;
    SchemaNode member(std::string_view key) const;  // properties[key], else additionalProperties
    SchemaNode items() const;
    std::string_view rule() const;     // "x-govbus-rule", or ""
    std::string_view pattern() const;  // "pattern", or ""
    std::vector<std::string> property_names() const;  // of "properties", in the schema's order

private:
    const boost::json::value* root_;
    const boost::json::object* node_;  // null when the schema says nothing here
};

// RFC 6901 §3: '~' -> "~0", '/' -> "~1".
std::string pointer_token(std::string_view key);

// One string value against its schema's pattern and data rule (either may be
// absent): a value that does not have the pattern's form is reported as such
// (schema.invalid) and its data rule is not run; otherwise check_rule().
void check_string(const Pattern* pattern, std::string_view rule, std::string_view value, const std::string& pointer,
                  Problems& out);

// check_string() for every string of the payload whose schema has a pattern
// or names a data rule. Fields are JSON Pointers, each prefixed with
// `pointer_prefix` ("/payload"). `patterns` holds the schema's compiled patterns.
Problems check_payload_rules(const boost::json::value& schema, const boost::json::value& payload,
                             const std::string& pointer_prefix, const PatternSet& patterns);

// RFC 6901 tokens of a JSON Pointer, unescaped.
std::vector<std::string> split_pointer(std::string_view pointer);

}  // namespace govbus::codec
