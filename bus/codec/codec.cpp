#include "bus/codec/codec.hpp"

#include "bus/codec/json_codec.hpp"
#include "bus/codec/schema_set.hpp"
#include "bus/codec/xml_codec.hpp"

#include <stdexcept>

namespace govbus::codec {

struct Codec::Parts {
    Parts(const std::string& dir, Limits l)
        : limits(l),
          schemas(dir),
          xml(schemas, XmlLimits{l.max_bytes, l.max_depth, l.max_attributes}),
          json(schemas, JsonLimits{l.max_bytes, l.max_depth}) {}
    Limits limits;
    SchemaSet schemas;
    XmlCodec xml;
    JsonCodec json;
};

Encoding detect_encoding(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);  // UTF-8 byte order mark
    for (char c : bytes) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        return c == '<' ? Encoding::xml : c == '{' ? Encoding::json : Encoding::unknown;
    }
    return Encoding::unknown;
}

std::string default_schema_dir() { return GOVBUS_SOURCE_DIR "/schemas"; }

Codec::Codec(const std::string& schema_dir, Limits limits) : parts_(std::make_unique<Parts>(schema_dir, limits)) {}
Codec::~Codec() = default;

Result<Envelope> Codec::decode(std::string_view bytes, std::optional<Envelope>* refused) const {
    switch (detect_encoding(bytes)) {
        case Encoding::xml: return decode_xml(bytes, refused);
        case Encoding::json: return decode_json(bytes, refused);
        default:
            return make_problem("message.encoding",
                                "the message is neither XML (starts with '<') nor JSON (starts with '{')", {}, 1, 1);
    }
}

Result<Envelope> Codec::decode_xml(std::string_view bytes, std::optional<Envelope>* refused) const {
    return parts_->xml.decode(bytes, refused);
}
Result<Envelope> Codec::decode_json(std::string_view bytes, std::optional<Envelope>* refused) const {
    return parts_->json.decode(bytes, refused);
}
std::string Codec::encode_xml(const Envelope& e) const { return parts_->xml.encode(e); }
std::string Codec::encode_json(const Envelope& e) const { return parts_->json.encode(e); }

std::string Codec::encode(const Envelope& e, Encoding encoding) const {
    if (encoding == Encoding::unknown) throw std::invalid_argument("encode: no encoding given");
    return encoding == Encoding::xml ? encode_xml(e) : encode_json(e);
}

std::string Codec::with_hop(std::string_view original, const Hop& hop) const {
    switch (detect_encoding(original)) {
        case Encoding::xml: return with_hop_xml(original, hop);
        case Encoding::json: return with_hop_json(original, hop);
        default: throw std::invalid_argument("with_hop: the message is neither XML nor JSON");
    }
}

std::string Codec::with_hop_xml(std::string_view o, const Hop& h) const { return parts_->xml.with_hop(o, h); }
std::string Codec::with_hop_json(std::string_view o, const Hop& h) const { return parts_->json.with_hop(o, h); }
const Limits& Codec::limits() const { return parts_->limits; }

}  // namespace govbus::codec
