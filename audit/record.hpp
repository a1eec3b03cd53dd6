// One exchange-log record and its canonical encoding, the bytes the hash chain
// covers: h_n = H(h_{n-1} || encode(record n)). docs/auditor.md "Record encoding".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace govbus::audit {

// The pipeline outcomes a record can state.
enum class EventKind {
    received, rejected, accepted, routed, delivered, acknowledged, retried, expired, dead_lettered, replayed,
    dropped  // an operator dropped the dead letter (govbus dlq drop)
};
std::string_view to_string(EventKind kind);
std::optional<EventKind> parse_event_kind(std::string_view text);
// rejected, expired and dead_lettered end a message's way through a node unsuccessfully.
bool is_failure(EventKind kind);

// Nodes name the destination of a routed or delivered message
// "endpoint:ID" or "node:ID"; sources are endpoint ids as the message states
// them. The endpoint id in either: `text` without an "endpoint:" prefix.
std::string_view endpoint_id(std::string_view text);
inline constexpr std::string_view kEndpointPrefix = "endpoint:";

struct Record {
    std::int64_t seq = 0;
    std::string time;          // RFC 3339 with milliseconds and the node's offset
    std::int64_t time_ms = 0;  // the same instant, ms since the epoch (an index; checked against `time`)
    std::string node_id;
    std::string event;         // to_string(EventKind)
    std::string message_id;
    std::string case_number;
    std::string type;
    std::string source;
    std::string destination;
    std::int64_t size = 0;
    std::string digest_alg;    // "sha256" | "sm3" | "" when the message was not at hand
    std::string digest;        // lower-case hex
    std::string reason_code;
    std::string reason_text;   // personal data already masked
    std::optional<std::int64_t> latency_ms;
    std::string region;
    std::string hash;          // stored chain hash h_seq, lower-case hex
};

// The chain hash algorithms. Both give 32-byte digests.
enum class HashAlgorithm { sha256, sm3 };
std::optional<HashAlgorithm> parse_hash_algorithm(std::string_view name);
std::string_view to_string(HashAlgorithm a);

// Canonical encoding: the tag "govbus-audit-record-1" then the 16 fields in the
// order of Record above (seq .. region, not time_ms nor hash), each as a 4-byte
// big-endian length and the UTF-8 bytes; integers as decimal ASCII, an absent
// latency as the empty string.
std::string encode_record(const Record& r);

// Raw digest bytes of `data`.
std::string digest(HashAlgorithm a, std::string_view data);
// A message's digest as a record carries it: the algorithm's name and the hex
// digest, SM3 for the gm suite and SHA-256 for any other.
struct MessageDigest {
    std::string algorithm, hex;
};
MessageDigest message_digest(std::string_view suite, std::string_view message);
// h_n from h_{n-1} (raw bytes) and record n.
std::string chain_step(HashAlgorithm a, const std::string& previous_raw, const Record& r);
// The chain hash before record 1: 32 zero bytes.
std::string genesis_hash();

std::string to_hex(std::string_view raw);
std::optional<std::string> from_hex(std::string_view hex);

// Appends a 4-byte big-endian length and the bytes (the encoding's field form).
void append_field(std::string& out, std::string_view field);

}  // namespace govbus::audit
