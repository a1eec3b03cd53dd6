// Writing the JSON envelope (members in the order docs/integrator.md lists
// them, two-space indentation), and appending a hop to a received one.
#include "bus/codec/hop_splice.hpp"
#include "bus/codec/json_codec.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace govbus::codec {

namespace json = boost::json;

namespace {

void put(json::object& o, const char* name, const std::string& value) {
    if (!value.empty()) o[name] = value;
}

json::object hop_object(const Hop& h) {
    json::object o{{"node", h.node}, {"time", h.time}};
    put(o, "signature", h.signature);
    return o;
}

void indent(std::string& out, int depth) {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

void pretty(const json::value& v, std::string& out, int depth) {
    if (v.is_object() && !v.get_object().empty()) {
        out.push_back('{');
        bool first = true;
        for (const auto& m : v.get_object()) {
            if (!first) out.push_back(',');
            first = false;
            indent(out, depth + 1);
            out += json::serialize(json::string(m.key()));
            out += ": ";
            pretty(m.value(), out, depth + 1);
        }
        indent(out, depth);
        out.push_back('}');
    } else if (v.is_array() && !v.get_array().empty()) {
        out.push_back('[');
        bool first = true;
        for (const auto& e : v.get_array()) {
            if (!first) out.push_back(',');
            first = false;
            indent(out, depth + 1);
            pretty(e, out, depth + 1);
        }
        indent(out, depth);
        out.push_back(']');
    } else {
        out += json::serialize(v);
    }
}

}  // namespace

std::string JsonCodec::encode(const Envelope& env) const {
    json::object header;
    header["id"] = env.id;
    put(header, "correlationId", env.correlation_id);
    put(header, "caseNumber", env.case_number);
    header["type"] = env.type;
    header["schemaVersion"] = env.schema_version;
    header["source"] = env.source;
    json::object destination;
    put(destination, "endpoint", env.destination.endpoint);
    put(destination, "region", env.destination.region);
    put(destination, "department", env.destination.department);
    header["destination"] = std::move(destination);
    header["region"] = env.region;
    put(header, "itemCode", env.item_code);
    header["created"] = env.created;
    put(header, "expires", env.expires);
    header["priority"] = env.priority;

    json::object root;
    root["header"] = std::move(header);
    if (env.security != Security{}) {
        json::object s;
        put(s, "suite", env.security.suite);
        put(s, "signature", env.security.signature);
        put(s, "signer", env.security.signer);
        put(s, "encrypted", env.security.encrypted);
        put(s, "recipient", env.security.recipient);
        root["security"] = std::move(s);
    }
    if (!env.hops.empty()) {
        json::array hops;
        for (const auto& h : env.hops) hops.push_back(hop_object(h));
        root["hops"] = std::move(hops);
    }
    if (env.security.encrypted.empty() && !env.payload.is_null()) root["payload"] = env.payload;
    std::string out;
    pretty(root, out, 0);
    out.push_back('\n');
    return out;
}

std::string JsonCodec::with_hop(std::string_view original, const Hop& hop) const {
    if (auto spliced = splice_json_hop(original, json::serialize(hop_object(hop)))) return std::move(*spliced);
    // Re-serialising keeps every member and value; JSON signatures are over the
    // RFC 8785 canonical form of header and payload, which this does not change.
    json::parse_options options;
    options.max_depth = static_cast<std::size_t>(limits_.max_depth) + 1;
    std::error_code ec;
    json::value doc = json::parse(original, ec, {}, options);
    if (ec || !doc.is_object()) throw std::invalid_argument("with_hop: the message is not a JSON object");
    json::object& root = doc.get_object();
    json::value& hops = root["hops"];
    if (!hops.is_array()) hops = json::array();
    hops.get_array().push_back(hop_object(hop));
    return json::serialize(doc);
}

}  // namespace govbus::codec
