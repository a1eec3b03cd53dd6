// Decoding the JSON envelope: capped parse, validation against the envelope
// schema, then the payload against the schema its header names, then the
// model (payload as boost::json) and the data rules.
#include "bus/codec/json_codec.hpp"

#include "bus/codec/header_rules.hpp"
#include "bus/codec/json_schema_problem.hpp"
#include "bus/codec/refused_header.hpp"
#include "bus/codec/schema_walk.hpp"

#include <boost/json.hpp>

namespace govbus::codec {

namespace json = boost::json;

namespace {

std::string text(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) return {};
    auto it = object.FindMember(name);
    return it != object.MemberEnd() && it->value.IsString()
               ? std::string(it->value.GetString(), it->value.GetStringLength())
               : std::string();
}

const rapidjson::Value& member(const rapidjson::Value& object, const char* name) {
    static const rapidjson::Value null;
    if (!object.IsObject()) return null;
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? null : it->value;
}

// Pushes `v` the way boost::json's own parser builds a value: members and
// elements first, then their object or array in one piece (the reader has
// refused duplicate keys already), with no lookup per member.
void push_value(json::value_stack& out, const rapidjson::Value& v) {
    switch (v.GetType()) {
        case rapidjson::kNullType:
            out.push_null();
            return;
        case rapidjson::kFalseType:
            out.push_bool(false);
            return;
        case rapidjson::kTrueType:
            out.push_bool(true);
            return;
        case rapidjson::kStringType:
            out.push_string(json::string_view(v.GetString(), v.GetStringLength()));
            return;
        case rapidjson::kNumberType:
            if (v.IsInt64())
                out.push_int64(v.GetInt64());
            else if (v.IsUint64())
                out.push_uint64(v.GetUint64());
            else
                out.push_double(v.GetDouble());
            return;
        case rapidjson::kArrayType:
            for (const auto& e : v.GetArray()) push_value(out, e);
            out.push_array(v.Size());
            return;
        case rapidjson::kObjectType:
            for (const auto& m : v.GetObject()) {
                out.push_key(json::string_view(m.name.GetString(), m.name.GetStringLength()));
                push_value(out, m.value);
            }
            out.push_object(v.MemberCount());
            return;
    }
}

json::value to_boost(const rapidjson::Value& v) {
    unsigned char scratch[4096];  // the stack's room for a small payload, off the heap
    json::value_stack out(json::storage_ptr(), scratch, sizeof scratch);
    out.reset();
    push_value(out, v);
    return out.release();
}

Envelope read_envelope(const rapidjson::Document& doc) {
    Envelope env;
    env.content_type = "application/json";
    const auto& h = member(doc, "header");
    env.id = text(h, "id");
    env.correlation_id = text(h, "correlationId");
    env.case_number = text(h, "caseNumber");
    env.type = text(h, "type");
    env.schema_version = text(h, "schemaVersion");
    env.source = text(h, "source");
    const auto& d = member(h, "destination");
    env.destination = {text(d, "endpoint"), text(d, "region"), text(d, "department")};
    env.region = text(h, "region");
    env.item_code = text(h, "itemCode");
    env.created = text(h, "created");
    env.expires = text(h, "expires");
    if (const auto& p = member(h, "priority"); p.IsInt()) env.priority = p.GetInt();
    const auto& s = member(doc, "security");
    env.security = {text(s, "suite"), text(s, "signature"), text(s, "signer"), text(s, "encrypted"),
                    text(s, "recipient")};
    if (const auto& hops = member(doc, "hops"); hops.IsArray())
        for (const auto& hop : hops.GetArray())
            env.hops.push_back({text(hop, "node"), text(hop, "time"), text(hop, "signature")});
    return env;
}

Problem located(Problem p, std::string_view bytes) {
    std::tie(p.line, p.column) = locate_pointer(bytes, p.field);
    return p;
}

// Calls emit(pointer, text) for each string at `path` below `v` ("*": every
// element of an array). The schema has checked the types already.
template <class Emit>
void find_field(const rapidjson::Value& v, const std::vector<std::string>& path, std::size_t i, std::string& pointer,
                Emit& emit) {
    if (i == path.size()) {
        if (v.IsString()) emit(pointer, std::string_view(v.GetString(), v.GetStringLength()));
        return;
    }
    const std::size_t length = pointer.size();
    if (path[i] == "*") {
        if (!v.IsArray()) return;
        for (rapidjson::SizeType k = 0; k < v.Size(); ++k) {
            pointer += '/';
            pointer += std::to_string(k);
            find_field(v[k], path, i + 1, pointer, emit);
            pointer.resize(length);
        }
        return;
    }
    if (!v.IsObject()) return;
    auto it = v.FindMember(rapidjson::StringRef(path[i].data(), static_cast<rapidjson::SizeType>(path[i].size())));
    if (it == v.MemberEnd()) return;
    append_pointer_token(pointer, path[i]);
    find_field(it->value, path, i + 1, pointer, emit);
    pointer.resize(length);
}

// The envelope's validation with an empty object in the payload's place:
// the envelope schema asks no more of it than that
// (SchemaSet::envelope_payload_opaque), and the payload's own schema walks it
// next. A payload that is no object goes to the validator as it is.
bool accept_envelope(const rapidjson::Value& doc, rapidjson::SchemaValidator& validator) {
    if (!validator.StartObject()) return false;
    rapidjson::SizeType members = 0;
    for (const auto& m : doc.GetObject()) {
        if (!validator.Key(m.name.GetString(), m.name.GetStringLength(), false)) return false;
        const bool payload =
            m.value.IsObject() && std::string_view(m.name.GetString(), m.name.GetStringLength()) == "payload";
        if (!(payload ? validator.StartObject() && validator.EndObject(0) : m.value.Accept(validator))) return false;
        ++members;
    }
    return validator.EndObject(members);
}

}  // namespace

Result<Envelope> JsonCodec::decode(std::string_view bytes, std::optional<Envelope>* refused) const {
    auto parsed = read_json(bytes, limits_);
    if (!parsed) return parsed.problems();
    const rapidjson::Document& doc = (*parsed)->document;
    if (!doc.IsObject())
        return make_problem("schema.invalid", "the message must be a JSON object with header and payload members",
                            "", 1, 1);
    {
        rapidjson::SchemaValidator validator(*schemas_.envelope().compiled);
        if (!(schemas_.envelope_payload_opaque() ? accept_envelope(doc, validator) : doc.Accept(validator)))
            return schema_problem(validator, schemas_.envelope(), doc, "", bytes, "envelope 1.0");
    }
    Envelope env = read_envelope(doc);
    RefusedHeader header(env, refused);
    Problems problems;
    const auto header_problems = check_envelope_fields(schemas_.envelope_fields(), [&](const EnvelopeField& f, auto&& emit) {
        std::string pointer;
        find_field(doc, f.path, 0, pointer, emit);
    });
    for (const auto& p : header_problems) problems.push_back(located(p, bytes));
    const PayloadSchema* payload_schema = schemas_.payload(env.type, env.schema_version);
    // A type or version without the form the schema gives explains why no payload schema matches it.
    if (!payload_schema && has_error(problems)) return problems;
    if (!payload_schema)
        return located(make_problem("schema.unknown_type",
                                    "message type '" + env.type + "' version '" + env.schema_version +
                                        "' has no schema here; use one of the types in docs/integrator.md",
                                    "/header/type"),
                       bytes);

    // Structural problems end the decoding; the header's pattern and rule problems found so far go with them.
    auto with_header_problems = [&](Problem p) {
        problems.push_back(std::move(p));
        return std::move(problems);
    };
    const bool has_payload = doc.HasMember("payload");
    if (!has_payload && env.security.encrypted.empty())
        return with_header_problems(make_problem(
            "schema.invalid",
            "the envelope has neither a payload nor security.encrypted; add the payload for type " + env.type,
            "/payload"));
    if (has_payload && !env.security.encrypted.empty())
        return with_header_problems(located(
            make_problem("schema.invalid", "the envelope has both a clear payload and an encrypted one; send only one",
                         "/payload"),
            bytes));

    if (has_payload) {
        const rapidjson::Value& payload = doc["payload"];
        rapidjson::SchemaValidator validator(*payload_schema->json.compiled);
        if (!payload.Accept(validator))
            return with_header_problems(schema_problem(validator, payload_schema->json, payload, "/payload", bytes,
                                                       "payload " + env.type + " " + env.schema_version));
        env.payload = to_boost(payload);
        for (auto& p : check_payload_rules(SchemaNode(*payload_schema->json.graph), env.payload, "/payload"))
            problems.push_back(located(std::move(p), bytes));
    }
    if (has_error(problems)) return problems;
    header.decoded();
    return Result<Envelope>(std::move(env)).with_warnings(std::move(problems));
}

}  // namespace govbus::codec
