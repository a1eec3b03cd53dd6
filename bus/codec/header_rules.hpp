// The patterns and data rules of the envelope outside the payload (header,
// security, hops), the same for both encodings. Which fields have them is read
// from the envelope schema at load; each codec finds the fields in its own
// form of the message and hands their text to check_envelope_fields(). Fields
// are JSON Pointers ("/header/region", "/hops/0/time"); the XML codec turns
// them into XPaths.
#pragma once

#include "bus/codec/pattern.hpp"
#include "bus/codec/schema_walk.hpp"
#include "bus/core/problem.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace govbus::codec {

struct EnvelopeField {
    std::vector<std::string> path;  // {"hops", "*", "time"}: "*" is every element of an array
    const Pattern* pattern = nullptr;
    std::string rule;  // "x-govbus-rule", or empty
};

// Every string field outside "payload" whose schema has a pattern or a data
// rule. `envelope` is the envelope schema's graph, read with its patterns.
std::vector<EnvelopeField> envelope_fields(const SchemaNode& envelope);

// `find(field, emit)` calls emit(pointer, text) for each occurrence of
// `field` in the message (none when absent, one per array element for "*").
template <class Find>
Problems check_envelope_fields(const std::vector<EnvelopeField>& fields, Find&& find) {
    Problems out;
    for (const auto& f : fields)
        find(f, [&](const std::string& pointer, std::string_view text) {
            check_string(f.pattern, f.rule, text, pointer, out);
        });
    return out;
}

}  // namespace govbus::codec
