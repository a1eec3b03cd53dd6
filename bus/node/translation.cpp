#include "bus/node/translation.hpp"

#include "bus/codec/codec.hpp"
#include "bus/node/config_reader.hpp"

#include <boost/json.hpp>

namespace govbus {

namespace json = boost::json;

namespace {

json::value to_json(const YAML::Node& n) {
    if (n.IsSequence()) {
        json::array a;
        for (const auto& x : n) a.push_back(to_json(x));
        return a;
    }
    if (n.IsMap()) {
        json::object o;
        for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
        return o;
    }
    if (n.IsNull()) return nullptr;
    return json::string(n.as<std::string>());  // scalars stay text: payload values are strings
}

bool is_pointer(const std::string& p) { return p.empty() || p.front() == '/'; }

// Unescapes one reference token (RFC 6901 §4: ~1 is '/', ~0 is '~').
std::string token(std::string_view t) {
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '~' && i + 1 < t.size()) {
            out += t[i + 1] == '1' ? '/' : '~';
            ++i;
        } else {
            out += t[i];
        }
    }
    return out;
}

std::vector<std::string> tokens(const std::string& pointer) {
    std::vector<std::string> out;
    std::size_t i = 1;
    while (i <= pointer.size() && !pointer.empty()) {
        auto next = pointer.find('/', i);
        if (next == std::string::npos) next = pointer.size();
        out.push_back(token(std::string_view(pointer).substr(i, next - i)));
        i = next + 1;
    }
    return out;
}

const json::value* find(const json::value& root, const std::string& pointer) {
    const json::value* at = &root;
    for (const auto& t : tokens(pointer)) {
        if (const auto* o = at->if_object()) {
            at = o->if_contains(t);
        } else if (const auto* a = at->if_array()) {
            char* end = nullptr;
            unsigned long i = std::strtoul(t.c_str(), &end, 10);
            at = (end && *end == 0 && i < a->size()) ? &(*a)[i] : nullptr;
        } else {
            at = nullptr;
        }
        if (!at) return nullptr;
    }
    return at;
}

void put(json::value& root, const std::string& pointer, json::value v) {
    auto ts = tokens(pointer);
    if (ts.empty()) {
        root = std::move(v);
        return;
    }
    json::value* at = &root;
    for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
        if (!at->is_object()) *at = json::object();
        at = &at->as_object()[ts[i]];
    }
    if (!at->is_object()) *at = json::object();
    at->as_object()[ts.back()] = std::move(v);
}

std::string type_of(const json::value& envelope) {
    const json::value* t = find(envelope, "/header/type");
    return t && t->is_string() ? std::string(t->as_string()) : std::string();
}

std::vector<FieldMap> read_maps(ConfigReader& r, const YAML::Node& list, const std::string& path) {
    std::vector<FieldMap> out;
    if (!list.IsSequence()) {
        r.error(list, path, "expected a list of field mappings");
        return out;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node n = list[i];
        const std::string p = path + "[" + std::to_string(i) + "]";
        if (!r.expect_map(n, p, {"from", "to", "value", "default", "values", "required"})) continue;
        FieldMap m;
        m.line = n.Mark().line + 1;
        m.to = r.text(n, "to", p, true).value_or("");
        m.from = r.text_or(n, "from", p, "");
        if (n["value"]) m.constant = to_json(n["value"]);
        if (n["default"]) m.fallback = to_json(n["default"]);
        if (m.from.empty() == !m.constant.has_value())
            r.error(n, p, "give either 'from' (a field to copy) or 'value' (a constant), not both or neither");
        if (!is_pointer(m.from) || !is_pointer(m.to))
            r.error(n, p, "'from' and 'to' are JSON Pointers: they start with '/' (RFC 6901)");
        if (const YAML::Node v = n["values"]) {
            if (!v.IsMap()) r.error(v, p + ".values", "expected a mapping from value to value");
            else
                for (const auto& kv : v) m.values[kv.first.as<std::string>()] = kv.second.as<std::string>();
        }
        m.required = r.boolean_or(n, "required", p, false);
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

Result<Translation> Translation::load(const std::string& file) {
    ConfigReader r(file);
    YAML::Node root = r.load();
    if (!r.ok()) return r.problems();
    Translation t;
    t.file_ = file;
    if (!r.expect_map(root, "", {"version", "endpoint", "encoding", "types"})) return r.problems();
    if (r.integer_or(root, "version", "", 1, 1, 1) != 1) return r.problems();
    t.endpoint_ = r.text(root, "endpoint", "", true).value_or("");
    t.encoding_ = r.text_or(root, "encoding", "", "");
    if (!t.encoding_.empty() && t.encoding_ != "json" && t.encoding_ != "xml")
        r.error(root["encoding"], "encoding", "expected json or xml");
    if (const YAML::Node types = root["types"]) {
        if (!types.IsMap()) r.error(types, "types", "expected message type -> {outbound, inbound}");
        for (const auto& kv : types) {
            const std::string type = kv.first.as<std::string>(), p = "types." + type;
            if (!r.expect_map(kv.second, p, {"outbound", "inbound"})) continue;
            if (kv.second["outbound"]) t.outbound_[type] = read_maps(r, kv.second["outbound"], p + ".outbound");
            if (kv.second["inbound"]) t.inbound_[type] = read_maps(r, kv.second["inbound"], p + ".inbound");
        }
    }
    if (!t.outbound_.empty() && t.encoding_ == "xml")
        r.error(root["encoding"], "encoding",
                "payload mappings produce JSON; 'encoding: xml' works only for types without a mapping");
    if (!r.ok()) return r.problems();
    return t;
}

Result<json::value> Translation::apply(const std::vector<FieldMap>& maps, const json::value& source,
                                       const std::string& file) {
    json::value out = json::object();
    for (const auto& m : maps) {
        const std::string where = file + ":" + std::to_string(m.line);
        if (m.constant) {
            put(out, m.to, *m.constant);
            continue;
        }
        const json::value* v = find(source, m.from);
        if (!v && m.fallback) {
            put(out, m.to, *m.fallback);
            continue;
        }
        if (!v) {
            if (m.required)
                return make_problem("translate.failed", "field " + m.from + " is missing, and " + where +
                                                            " requires it for " + m.to,
                                    m.from);
            continue;
        }
        if (!m.values.empty()) {
            const std::string key = v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
            auto it = m.values.find(key);
            if (it == m.values.end())
                return make_problem("translate.failed",
                                    "value '" + key + "' of " + m.from + " has no translation in " + where, m.from);
            put(out, m.to, json::string(it->second));
        } else {
            put(out, m.to, *v);
        }
    }
    return out;
}

Result<std::string> Translation::outbound(std::string_view message, const codec::Codec& codec) const {
    auto decoded = codec.decode(message);
    if (!decoded) return decoded.problems();
    Envelope env = std::move(decoded.value());
    auto maps = outbound_.find(env.type);
    if (maps == outbound_.end() && encoding_.empty()) return std::string(message);
    if (!env.security.encrypted.empty())
        return make_problem("translate.encrypted",
                            "the payload is encrypted for the endpoint, so the node cannot translate it; send it a "
                            "clear payload or drop the endpoint's translation for " + env.type);
    env.security = {};  // a signature does not survive translation; the node verified it on receipt
    if (maps != outbound_.end()) {
        auto mapped = apply(maps->second, env.payload, file_);
        if (!mapped) return mapped.problems();
        env.payload = std::move(mapped.value());
        return codec.encode_json(env);  // writes the payload as given: the endpoint's shape
    }
    return codec.encode(env, encoding_ == "xml" ? codec::Encoding::xml : codec::Encoding::json);
}

Result<std::string> Translation::inbound(std::string_view message) const {
    if (inbound_.empty() || codec::detect_encoding(message) != codec::Encoding::json) return std::string(message);
    json::value root;
    try {
        root = json::parse(message);
    } catch (const std::exception&) {
        return std::string(message);  // intake reports what is wrong with it
    }
    auto maps = inbound_.find(type_of(root));
    if (maps == inbound_.end() || !root.is_object()) return std::string(message);
    const json::value* payload = root.as_object().if_contains("payload");
    auto mapped = apply(maps->second, payload ? *payload : json::value(json::object()), file_);
    if (!mapped) return mapped.problems();
    root.as_object()["payload"] = std::move(mapped.value());
    return json::serialize(root);
}

std::string claimed_source(std::string_view message) {
    if (codec::detect_encoding(message) != codec::Encoding::json) return {};
    boost::system::error_code ec;
    json::value root = json::parse(message, ec);
    if (ec) return {};
    const json::value* s = find(root, "/header/source");
    return s && s->is_string() ? std::string(s->as_string()) : std::string();
}

}  // namespace govbus
