// Decoding the XML envelope. One validating pass does the envelope and the
// payload: env:payload holds an xs:any in any other namespace with
// processContents="strict", and every payload XSD is in the grammar pool, so
// the payload is validated against the schema of its own namespace. The codec
// then checks that this namespace is the one the header's type and version
// name, maps the payload to its JSON tree and applies the data rules.
#include "bus/codec/xml_codec.hpp"

#include "bus/codec/header_rules.hpp"
#include "bus/codec/refused_header.hpp"
#include "bus/codec/schema_walk.hpp"
#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_payload.hpp"
#include "bus/codec/xml_tree.hpp"

#include <charconv>

namespace govbus::codec {

namespace {

std::string child_text(const XmlElement* parent, std::string_view name) {
    const XmlElement* e = child_named(parent, name);
    return e ? e->text : std::string();
}

// Reads what the envelope carries, tolerating gaps (the schema reports them).
Envelope read_envelope(const XmlElement* root) {
    Envelope env;
    env.content_type = "application/xml";
    const XmlElement* h = child_named(root, "header");
    env.id = child_text(h, "id");
    env.correlation_id = child_text(h, "correlationId");
    env.case_number = child_text(h, "caseNumber");
    env.type = child_text(h, "type");
    env.schema_version = child_text(h, "schemaVersion");
    env.source = child_text(h, "source");
    const XmlElement* d = child_named(h, "destination");
    env.destination = {child_text(d, "endpoint"), child_text(d, "region"), child_text(d, "department")};
    env.region = child_text(h, "region");
    env.item_code = child_text(h, "itemCode");
    env.created = child_text(h, "created");
    env.expires = child_text(h, "expires");
    std::string priority = child_text(h, "priority");
    if (!priority.empty()) std::from_chars(priority.data(), priority.data() + priority.size(), env.priority);

    if (const XmlElement* s = child_named(root, "security")) {
        env.security.suite = child_text(s, "suite");
        env.security.signer = child_text(s, "signer");
        env.security.recipient = child_text(s, "recipient");
        for (const XmlElement* e : s->children) {
            if (e->ns == kXmlDsigNamespace) env.security.signature = e->serialized;
            if (e->ns == kXmlEncNamespace) env.security.encrypted = e->serialized;
        }
    }
    if (const XmlElement* hops = child_named(root, "hops"))
        for (const XmlElement* e : hops->children)
            env.hops.push_back({child_text(e, "node"), child_text(e, "time"), child_text(e, "signature")});
    return env;
}

// A problem found on the JSON form names its field by JSON Pointer, in the
// field and in the text; in XML both name the XPath.
void rename_field(Problem& p, const std::string& xpath) {
    const std::string quoted = "'" + p.field + "'";
    if (auto at = p.message.find(quoted); at != std::string::npos) p.message.replace(at, quoted.size(), "'" + xpath + "'");
    p.field = xpath;
}

bool is_index(std::string_view token) {
    return !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string prefix_of(const XmlElement& e) {
    auto colon = e.qname.find(':');
    return colon == std::string::npos ? std::string() : e.qname.substr(0, colon + 1);
}

void place_at(Problem& p, const XmlElement* e) {
    if (e) std::tie(p.line, p.column) = std::pair<int, int>{e->line, e->column};
}

// "/header/destination/region" -> "/env:envelope/env:header/env:destination/env:region" and its element;
// "/hops/1/time" -> "/env:envelope/env:hops/env:hop[2]/env:time".
Problem place_header_problem(Problem p, const XmlElement* root) {
    const std::string prefix = prefix_of(*root);
    std::string xpath = "/" + prefix + "envelope";
    const XmlElement* e = root;
    for (const auto& token : split_pointer(p.field)) {
        if (is_index(token)) {
            const std::size_t n = std::stoul(token);
            e = e && n < e->children.size() ? e->children[n] : nullptr;
            xpath += "/" + (e ? e->qname : prefix + "*") + "[" + std::to_string(n + 1) + "]";
            continue;
        }
        xpath += "/" + prefix + token;
        e = child_named(e, token);
    }
    rename_field(p, xpath);
    place_at(p, e);
    return p;
}

// Calls emit(pointer, text) for each element at `path` below `e` ("*": every
// child element).
template <class Emit>
void find_field(const XmlElement& e, const std::vector<std::string>& path, std::size_t i, std::string& pointer,
                Emit& emit) {
    if (i == path.size()) {
        emit(pointer, e.text);
        return;
    }
    const std::size_t length = pointer.size();
    if (path[i] == "*") {
        for (std::size_t k = 0; k < e.children.size(); ++k) {
            pointer += '/';
            pointer += std::to_string(k);
            find_field(*e.children[k], path, i + 1, pointer, emit);
            pointer.resize(length);
        }
        return;
    }
    const XmlElement* c = child_named(&e, path[i]);
    if (!c) return;
    append_pointer_token(pointer, path[i]);
    find_field(*c, path, i + 1, pointer, emit);
    pointer.resize(length);
}

Problem place_payload_problem(Problem p, const XmlElement* payload_root, const SchemaNode& schema,
                              const std::string& base) {
    PayloadPlace place = locate_in_payload(payload_root, schema, p.field);
    rename_field(p, base + (place.xpath.empty() ? "" : "/" + place.xpath));
    place_at(p, place.element);
    return p;
}

// A message with a signature or encrypted data must be read through the DOM
// (their elements are kept as XML text); without either namespace in its
// bytes it cannot hold them, and the tree reader stops at one it meets anyway
// (a namespace written with character references).
bool mentions_dom_namespace(std::string_view bytes) {
    // One pass: both namespaces begin "http://www.w3.org/200".
    constexpr std::string_view common = "http://www.w3.org/200";
    for (auto at = bytes.find(common); at != std::string_view::npos; at = bytes.find(common, at + 1)) {
        const std::string_view rest = bytes.substr(at);
        if (rest.starts_with(kXmlDsigNamespace) || rest.starts_with(kXmlEncNamespace)) return true;
    }
    return false;
}

}  // namespace

XmlCodec::XmlCodec(const SchemaSet& schemas, XmlLimits limits)
    : schemas_(schemas), limits_(limits), grammars_(schemas), parsers_(limits, grammars_.get()),
      plain_parsers_(limits, nullptr), tree_readers_(limits, grammars_.get()) {}

XmlTree XmlCodec::read(std::string_view bytes) const {
    bool needs_dom = mentions_dom_namespace(bytes);
    if (!needs_dom) {
        XmlTree tree = read_xml_tree(bytes, tree_readers_, needs_dom);
        if (!needs_dom) return tree;
    }
    return tree_of(read_xml(bytes, parsers_));
}

Result<Envelope> XmlCodec::decode(std::string_view bytes, std::optional<Envelope>* refused) const {
    XmlTree parsed = read(bytes);
    if (parsed.fatal) return std::move(parsed.problems);
    const XmlElement* root = parsed.root();
    static const std::string envelope_namespace = to_utf8(kEnvelopeNamespace);
    if (!root || root->local != "envelope" || root->ns != envelope_namespace) {
        Problem p = make_problem("schema.invalid",
                                 "the root element must be envelope in namespace urn:govbus:envelope:1.0 "
                                 "(docs/integrator.md)",
                                 "/");
        place_at(p, root);
        return p;
    }
    Envelope env = read_envelope(root);
    RefusedHeader header(env, refused);
    const std::string prefix = prefix_of(*root);
    Problems problems;
    const auto header_problems = check_envelope_fields(schemas_.envelope_fields(), [&](const EnvelopeField& f, auto&& emit) {
        std::string pointer;
        find_field(*root, f.path, 0, pointer, emit);
    });
    for (const auto& p : header_problems) problems.push_back(place_header_problem(p, root));

    // An unknown type explains the payload errors it causes, so it is reported alone, unless
    // the type or version lacks the form the schema gives, which explains it in turn.
    const PayloadSchema* payload_schema = schemas_.payload(env.type, env.schema_version);
    if (!payload_schema && has_error(problems)) return problems;
    auto unknown_type = [&] {
        Problem p = make_problem("schema.unknown_type",
                                 "message type '" + env.type + "' version '" + env.schema_version +
                                     "' has no schema here; use one of the types in docs/integrator.md",
                                 "/" + prefix + "envelope/" + prefix + "header/" + prefix + "type");
        place_at(p, child_named(child_named(root, "header"), "type"));
        return p;
    };
    if (!env.type.empty() && !payload_schema) return unknown_type();
    if (!parsed.problems.empty()) {
        for (auto& p : problems) parsed.problems.push_back(std::move(p));
        return std::move(parsed.problems);
    }
    if (!payload_schema) return unknown_type();

    // Structural problems end the decoding; the header's pattern and rule problems go with them.
    auto with_header_problems = [&](Problem p) {
        problems.push_back(std::move(p));
        return std::move(problems);
    };
    const XmlElement* payload = child_named(root, "payload");
    const std::string payload_path = "/" + prefix + "envelope/" + prefix + "payload";
    if (!payload && env.security.encrypted.empty())
        return with_header_problems(make_problem("schema.invalid",
                                                 "the envelope has neither a payload nor an encrypted payload "
                                                 "(xenc:EncryptedData in security); add the payload for type " +
                                                     env.type,
                                                 "/" + prefix + "envelope"));
    if (payload && !env.security.encrypted.empty()) {
        Problem p = make_problem("schema.invalid",
                                 "the envelope has both a clear payload and an encrypted one; send only one",
                                 payload_path);
        place_at(p, payload);
        return with_header_problems(std::move(p));
    }

    if (payload) {
        const XmlElement* body = payload->children.empty() ? nullptr : payload->children.front();
        if (!body || body->ns != payload_schema->xml_namespace || body->local != payload_schema->root) {
            Problem p = make_problem("schema.invalid",
                                     "the payload must be a " + payload_schema->root + " element in namespace " +
                                         payload_schema->xml_namespace + ", as the header's type and schemaVersion say",
                                     payload_path);
            place_at(p, body ? body : payload);
            return with_header_problems(std::move(p));
        }
        const SchemaNode schema(*payload_schema->json.graph);
        env.payload = payload_to_json(*body, schema);
        const std::string base = payload_path + "/" + body->qname;
        for (auto& p : check_payload_rules(schema, env.payload, ""))
            problems.push_back(place_payload_problem(std::move(p), body, schema, base));
    }
    if (has_error(problems)) return problems;
    header.decoded();
    return Result<Envelope>(std::move(env)).with_warnings(std::move(problems));
}

}  // namespace govbus::codec
