// The schemas a Codec validates against, loaded once from a schema directory:
// the envelope and every payload type/version found under
// payload/<type>/<version>/payload.schema.json (+ payload.xsd beside it).
#pragma once

#include "bus/codec/header_rules.hpp"
#include "bus/codec/pattern.hpp"
#include "bus/codec/rapidjson_schema.hpp"

#include <boost/json/value.hpp>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace govbus::codec {

// One JSON Schema, compiled for RapidJSON's validator and kept as a
// boost::json tree for the codec's own walks (XML mapping, patterns, data
// rules). RapidJSON is built without patterns (CMakeLists.txt): the codec
// checks them, for both encodings, with its own matcher (pattern.hpp).
struct JsonSchema {
    std::unique_ptr<rapidjson::Document> source;
    std::unique_ptr<rapidjson::SchemaDocument> compiled;
    boost::json::value tree;
    std::unique_ptr<SchemaGraph> graph;  // `tree` read for walks, with its patterns
};

struct PayloadSchema {
    std::string type;        // "case.apply"
    std::string version;     // "1.0"
    std::string xml_namespace;  // "urn:govbus:payload:case.apply:1.0"
    std::string root;        // XML root element, the JSON Schema's "title": "caseApply"
    std::filesystem::path xsd;
    JsonSchema json;
};

class SchemaSet {
public:
    // Throws std::runtime_error naming the file when a schema is missing or
    // broken, or has a pattern the matcher does not support (start-up).
    explicit SchemaSet(const std::filesystem::path& dir);

    const std::filesystem::path& dir() const { return dir_; }
    const JsonSchema& envelope() const { return envelope_; }
    std::filesystem::path envelope_xsd() const;
    // Null when no schema exists for this type and version.
    const PayloadSchema* payload(const std::string& type, const std::string& version) const;
    const std::map<std::string, PayloadSchema>& payloads() const { return payloads_; }
    // Every "pattern" of every schema, compiled.
    const PatternSet& patterns() const { return patterns_; }
    // The envelope's fields outside the payload with a pattern or data rule.
    const std::vector<EnvelopeField>& envelope_fields() const { return envelope_fields_; }
    // True when the envelope schema asks of "payload" only that it is an
    // object: the payload's own schema checks the rest, and the envelope's
    // validation need not walk it.
    bool envelope_payload_opaque() const { return envelope_payload_opaque_; }

private:
    std::filesystem::path dir_;
    JsonSchema envelope_;
    bool envelope_payload_opaque_ = false;
    std::map<std::string, PayloadSchema> payloads_;  // key "type/version"
    PatternSet patterns_;
    std::vector<EnvelopeField> envelope_fields_;
};

// The text of a schema file (JSON Schema or XSD); throws std::runtime_error naming it.
std::string read_schema_file(const std::filesystem::path& p);

}  // namespace govbus::codec
