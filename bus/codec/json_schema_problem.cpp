#include "bus/codec/json_schema_problem.hpp"

#include "bus/codec/json_reader.hpp"
#include "bus/codec/schema_walk.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace govbus::codec {

namespace {

std::string stringify(const rapidjson::Pointer& p) {
    rapidjson::StringBuffer b;
    p.Stringify(b);
    return b.GetString();
}

std::string shown(const rapidjson::Value* v) {
    if (!v) return "(absent)";
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    v->Accept(w);
    std::string s = b.GetString();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

std::string list_of(const rapidjson::Value* array) {
    std::string out;
    if (!array || !array->IsArray()) return out;
    for (const auto& v : array->GetArray()) out += (out.empty() ? "" : ", ") + shown(&v);
    return out;
}

}  // namespace

Problem schema_problem(const rapidjson::SchemaValidator& validator, const JsonSchema& schema,
                       const rapidjson::Value& instance, const std::string& prefix, std::string_view bytes,
                       const std::string& what) {
    const std::string keyword = validator.GetInvalidSchemaKeyword();
    const std::string at = stringify(validator.GetInvalidDocumentPointer());
    const rapidjson::Value* value = validator.GetInvalidDocumentPointer().Get(instance);
    const rapidjson::Value* rule = validator.GetInvalidSchemaPointer().Get(*schema.source);
    const rapidjson::Value* limit = rule && rule->IsObject() && rule->HasMember(keyword.c_str())
                                        ? &(*rule)[keyword.c_str()]
                                        : nullptr;
    std::string field = prefix + at;
    std::string message;
    const std::string where = field.empty() ? "the envelope" : "'" + field + "'";

    if (keyword == "required" && value && value->IsObject() && limit) {
        for (const auto& name : limit->GetArray())
            if (name.IsString() && !value->HasMember(name)) {
                message = "member '" + std::string(name.GetString()) + "' is missing from " + where + "; it is required";
                append_pointer_token(field, name.GetString());
                break;
            }
    } else if (keyword == "additionalProperties" && value && value->IsObject() && rule) {
        const auto props = rule->FindMember("properties");
        for (const auto& m : value->GetObject())
            if (props == rule->MemberEnd() || !props->value.HasMember(m.name)) {
                append_pointer_token(field, m.name.GetString());
                message = "member '" + std::string(m.name.GetString()) + "' is not allowed in " + where +
                          "; check the spelling against docs/integrator.md";
                break;
            }
    } else if (keyword == "enum") {
        message = "value " + shown(value) + " at " + where + " is not one of: " + list_of(limit);
    } else if (keyword == "pattern") {
        message = "value " + shown(value) + " at " + where + " does not have the expected form " + shown(limit);
    } else if (keyword == "type") {
        message = "value " + shown(value) + " at " + where + " has the wrong type, expected " + shown(limit);
    } else if (keyword == "oneOf") {
        message = where + " must have exactly one of its alternatives (see docs/integrator.md)";
    } else if (limit) {
        message = "value " + shown(value) + " at " + where + " breaks the limit " + keyword + " = " + shown(limit);
    }
    if (message.empty()) message = where + " does not satisfy the schema keyword '" + keyword + "'";
    auto [line, column] = locate_pointer(bytes, field);
    if (line == 0) std::tie(line, column) = locate_pointer(bytes, prefix + at);
    return make_problem("schema.invalid", message + " (" + what + ")", field, line, column);
}

}  // namespace govbus::codec
