// A payload condition of a route rule: a JSON Pointer into the payload and one
// test (equals, in, exists, prefix). Encrypted payloads are never read, so
// these conditions never hold for them (docs/routing.md).
#pragma once

#include "bus/router/json_pointer.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace govbus::router {

// A scalar written in the table. YAML leaves plain scalars untyped, so the
// comparison follows the payload value's JSON type: `equals: 3` matches 3 and
// "3"; a quoted scalar (`equals: "3"`) matches only the string "3".
struct TableScalar {
    std::string text;
    bool quoted = false;

    bool matches(const boost::json::value& value) const;
    std::string describe() const;
};

struct PayloadPredicate {
    enum class Op { equals, in, exists, prefix };

    JsonPointer pointer;
    Op op = Op::exists;
    std::vector<TableScalar> values;  // equals: one; in: one or more
    bool present = true;              // exists: true (must be there) or false (must be absent)
    std::string prefix;               // prefix: the value is a string starting with this

    bool holds(const boost::json::value& payload) const;
    std::string expected() const;                                // "/a/b equals \"x\""
    std::string actual(const boost::json::value& payload) const;  // the value found, or "absent"
};

}  // namespace govbus::router
