// The envelope: the one C++ model of a govbus message. The XML and JSON
// encodings (bus/codec) carry exactly this information; docs/integrator.md
// describes every field.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace govbus {

// Where a message goes: a registered endpoint, or a department in a region
// (the node resolves the latter through its route table).
struct Destination {
    std::string endpoint;    // endpoint id, e.g. "cd.market-supervision"
    std::string region;      // GB/T 2260 code, e.g. "510100"
    std::string department;  // department code within the region, e.g. "market"

    bool operator==(const Destination&) const = default;
};

// One node a message passed through. Nodes append hops; the sender's
// signature does not cover them, each hop is signed by its node.
struct Hop {
    std::string node;       // node id, e.g. "province-510000"
    std::string time;       // RFC 3339 with offset
    std::string signature;  // per-hop signature (base64), empty when unsigned

    bool operator==(const Hop&) const = default;
};

// The security block: filled by security/ (signatures, encryption), carried
// opaquely by the codecs.
struct Security {
    std::string suite;          // "intl" or "gm"; empty when unsigned
    std::string signature;      // XML: the serialized ds:Signature element; JSON: JWS compact serialization
    std::string signer;         // certificate subject / key id of the signer
    std::string encrypted;      // XML: serialized xenc:EncryptedData; JSON: JWE compact; empty when the payload is clear
    std::string recipient;      // endpoint id the payload is encrypted for

    bool operator==(const Security&) const = default;
};

struct Envelope {
    // --- header: what the hub routes on, always clear ---
    std::string id;              // message id, UUID (RFC 4122), lower case
    std::string correlation_id;  // id of the message this answers, or empty
    std::string case_number;     // 办件编号, bus/rules/case_number.hpp; empty for non-case messages
    std::string type;            // message type, e.g. "case.apply"
    std::string schema_version;  // payload schema version, e.g. "1.0"
    std::string source;          // sending endpoint id
    Destination destination;
    std::string region;          // GB/T 2260 region code the message concerns
    std::string item_code;       // service item code (政务服务事项编码), may be empty
    std::string created;         // RFC 3339 with offset
    std::string expires;         // RFC 3339 with offset, may be empty
    int priority = 4;            // 0 (lowest) .. 9 (highest)
    std::vector<Hop> hops;
    std::string content_type;    // "application/xml" or "application/json": the encoding the sender used

    Security security;

    // --- payload: the body for `type`, as a JSON-like tree. Empty (null) when
    // security.encrypted carries it instead. ---
    boost::json::value payload;

    bool operator==(const Envelope&) const = default;
};

// Message types known to govbus (schemas/payload/<type>/<version>.*).
inline constexpr const char* kMessageTypes[] = {
    "case.apply", "case.accept", "case.process", "case.result", "data.query",
    "data.reply", "license.verify", "credit.list",
};

bool is_known_message_type(const std::string& type);

// Case messages travel up along the path their case came down.
bool is_case_return_type(const std::string& type);  // case.accept, case.process, case.result

// What a refused message is logged under: its id, correlation id, case
// number, type, source, destination, region and suite as the message states
// them, each cut to at most kClaimedFieldBytes (at a UTF-8 boundary, "..."
// appended): a message that failed its checks may carry anything there.
// No payload, no signature.
inline constexpr std::size_t kClaimedFieldBytes = 128;
Envelope claimed_header(const Envelope& envelope);

}  // namespace govbus
