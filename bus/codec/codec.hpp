// The envelope codecs: the one entry point for turning govbus messages (XML or
// JSON) into the Envelope model and back. Create one Codec at start-up; every
// const method is safe to call from many threads at once.
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace govbus::codec {

// Caps applied before and while parsing untrusted input (both encodings).
struct Limits {
    std::size_t max_bytes = 10u << 20;  // xml.too_large / json.too_large
    int max_depth = 64;                 // xml.too_deep / json.too_deep
    int max_attributes = 64;            // xml.too_many_attributes (per element)
};

enum class Encoding { xml, json, unknown };

// By the first non-white-space byte: '<' is XML, '{' is JSON.
Encoding detect_encoding(std::string_view bytes);

// The schema directory of the source tree (GOVBUS_SOURCE_DIR "/schemas").
std::string default_schema_dir();

class Codec {
public:
    // Loads and compiles every schema under `schema_dir` (envelope and all
    // payload types). Throws std::runtime_error naming the file when a schema
    // is missing or broken: a start-up failure.
    explicit Codec(const std::string& schema_dir = default_schema_dir(), Limits limits = {});
    ~Codec();
    Codec(const Codec&) = delete;
    Codec& operator=(const Codec&) = delete;

    // Parse, validate (envelope and payload schemas) and check data rules.
    // On success the value may carry warnings (Problem::warning). content_type
    // is set from the encoding read. A message refused after its header could
    // be read leaves claimed_header() of it in `*refused` (when given).
    // decode() picks the encoding by detect_encoding().
    Result<Envelope> decode(std::string_view bytes, std::optional<Envelope>* refused = nullptr) const;
    Result<Envelope> decode_xml(std::string_view bytes, std::optional<Envelope>* refused = nullptr) const;
    Result<Envelope> decode_json(std::string_view bytes, std::optional<Envelope>* refused = nullptr) const;

    // Write an envelope. content_type is not written (it is the encoding itself).
    std::string encode_xml(const Envelope& envelope) const;
    std::string encode_json(const Envelope& envelope) const;
    std::string encode(const Envelope& envelope, Encoding encoding) const;

    // The original message with `hop` appended to its hop list, everything else
    // (header, security, payload) semantically untouched so the sender's
    // signature still verifies. Precondition: `original` decoded successfully;
    // throws std::invalid_argument otherwise.
    std::string with_hop(std::string_view original, const Hop& hop) const;  // by detect_encoding()
    std::string with_hop_xml(std::string_view original, const Hop& hop) const;
    std::string with_hop_json(std::string_view original, const Hop& hop) const;

    const Limits& limits() const;

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace govbus::codec
