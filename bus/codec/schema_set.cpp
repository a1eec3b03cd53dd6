#include "bus/codec/schema_set.hpp"

#include "bus/core/file_text.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace govbus::codec {

namespace fs = std::filesystem;

namespace {

// Every "pattern" keyword in a schema tree. A property that happens to be
// named "pattern" holds a schema (an object), not a string, and is walked.
void find_patterns(const boost::json::value& v, std::vector<std::string>& out) {
    if (v.is_object()) {
        for (const auto& m : v.get_object()) {
            if (m.key() == "pattern" && m.value().is_string()) out.emplace_back(m.value().get_string());
            else find_patterns(m.value(), out);
        }
    } else if (v.is_array()) {
        for (const auto& e : v.get_array()) find_patterns(e, out);
    }
}

JsonSchema load_json_schema(const fs::path& p, PatternSet& patterns) {
    JsonSchema s;
    std::string text = read_schema_file(p);
    s.source = std::make_unique<rapidjson::Document>();
    s.source->Parse(text.data(), text.size());
    if (s.source->HasParseError() || !s.source->IsObject())
        throw std::runtime_error("schema " + p.string() + " is not a JSON object");
    s.compiled = std::make_unique<rapidjson::SchemaDocument>(*s.source);
    s.tree = boost::json::parse(text);
    std::vector<std::string> found;
    find_patterns(s.tree, found);
    for (const auto& source : found)
        if (auto st = patterns.add(source); !st)
            throw std::runtime_error("schema " + p.string() + ": " + st.problem().message);
    s.graph = std::make_unique<SchemaGraph>(s.tree, &patterns);
    return s;
}

// {"type": "object"} and words for readers, nothing that constrains more.
bool only_an_object(const boost::json::value& property) {
    if (!property.is_object()) return false;
    bool typed = false;
    for (const auto& m : property.get_object()) {
        if (m.key() == "type")
            typed = m.value() == "object";
        else if (m.key() != "description" && m.key() != "title" && m.key() != "$comment")
            return false;
    }
    return typed;
}

}  // namespace

SchemaSet::SchemaSet(const fs::path& dir) : dir_(dir) {
    envelope_ = load_json_schema(dir / "envelope" / "1.0" / "envelope.schema.json", patterns_);
    if (const auto* properties = envelope_.tree.as_object().if_contains("properties"))
        if (const auto* payload = properties->is_object() ? properties->as_object().if_contains("payload") : nullptr)
            envelope_payload_opaque_ = only_an_object(*payload);
    envelope_fields_ = codec::envelope_fields(SchemaNode(*envelope_.graph));
    if (!fs::exists(envelope_xsd())) throw std::runtime_error("missing " + envelope_xsd().string());
    const fs::path payload_dir = dir / "payload";
    if (!fs::is_directory(payload_dir)) throw std::runtime_error("missing schema directory " + payload_dir.string());
    for (const auto& type_dir : fs::directory_iterator(payload_dir)) {
        if (!type_dir.is_directory()) continue;
        for (const auto& version_dir : fs::directory_iterator(type_dir.path())) {
            const fs::path json = version_dir.path() / "payload.schema.json";
            if (!fs::exists(json)) continue;
            PayloadSchema p;
            p.type = type_dir.path().filename().string();
            p.version = version_dir.path().filename().string();
            p.xml_namespace = "urn:govbus:payload:" + p.type + ":" + p.version;
            p.xsd = version_dir.path() / "payload.xsd";
            if (!fs::exists(p.xsd)) throw std::runtime_error("missing " + p.xsd.string());
            p.json = load_json_schema(json, patterns_);
            const auto& obj = p.json.tree.as_object();
            if (!obj.contains("title") || !obj.at("title").is_string())
                throw std::runtime_error(json.string() + ": \"title\" must name the XML root element");
            p.root = std::string(obj.at("title").as_string());
            if (!obj.contains("id") || obj.at("id").as_string() != p.xml_namespace)
                throw std::runtime_error(json.string() + ": \"id\" must be " + p.xml_namespace);
            payloads_.emplace(p.type + "/" + p.version, std::move(p));
        }
    }
}

std::string read_schema_file(const fs::path& p) {
    auto text = read_whole_file(p.string());
    if (!text) throw std::runtime_error("cannot read schema " + p.string());
    return std::move(*text);
}

fs::path SchemaSet::envelope_xsd() const { return dir_ / "envelope" / "1.0" / "envelope.xsd"; }

const PayloadSchema* SchemaSet::payload(const std::string& type, const std::string& version) const {
    auto it = payloads_.find(type + "/" + version);
    return it == payloads_.end() ? nullptr : &it->second;
}

}  // namespace govbus::codec
