// Message translation for one endpoint (docs/integrator.md "Keeping your own
// format"): a declarative YAML mapping between the standard payload and the
// department's own field names and shape, and the encoding it reads, so an
// old system keeps its format. Applied by the node at the edge: outbound just
// before the adapter delivers, inbound just before intake.
#pragma once

#include "bus/core/problem.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govbus {

namespace codec {
class Codec;
}

// One field: copy `from` (a JSON Pointer into the source payload) to `to`
// (a JSON Pointer into the result, objects made on the way), or set a
// constant. `default` stands in for an absent source field; `values` renames enumerated values; `required` makes a missing
// source field an error rather than a field left out.
struct FieldMap {
    std::string from;
    std::string to;
    std::optional<boost::json::value> constant;
    std::optional<boost::json::value> fallback;  // `default:` when `from` is absent
    std::map<std::string, std::string> values;
    bool required = false;
    int line = 0;
};

class Translation {
public:
    // Problems name file:line and the key, like every configuration file.
    static Result<Translation> load(const std::string& file);

    const std::string& endpoint() const { return endpoint_; }
    const std::string& file() const { return file_; }

    // Standard message -> what the endpoint reads. Signatures do not survive
    // a translation, so the security block is dropped (the node verified the
    // sender before it accepted). Problem: translate.failed naming the field.
    Result<std::string> outbound(std::string_view message, const codec::Codec& codec) const;
    // What the endpoint sent (JSON, its payload in its own shape) -> the
    // standard JSON envelope intake validates. Messages of types the mapping
    // does not name pass unchanged.
    Result<std::string> inbound(std::string_view message) const;

    // Applies `maps` to `source` (also for tests and `govbus translate`).
    static Result<boost::json::value> apply(const std::vector<FieldMap>& maps, const boost::json::value& source,
                                            const std::string& file);

private:
    std::string file_;
    std::string endpoint_;
    std::string encoding_;  // "json", "xml" or "" (as sent)
    std::map<std::string, std::vector<FieldMap>> outbound_;  // by message type
    std::map<std::string, std::vector<FieldMap>> inbound_;
};

// The header's source of a JSON message, "" when it has none or is not JSON.
std::string claimed_source(std::string_view message);

}  // namespace govbus
