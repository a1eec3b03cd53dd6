#include "audit/record.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace govbus::audit {

namespace {
constexpr std::array<std::string_view, 11> kEventNames = {
    "received", "rejected", "accepted", "routed", "delivered", "acknowledged",
    "retried",  "expired",  "dead_lettered", "replayed", "dropped"};
}

std::string_view endpoint_id(std::string_view text) {
    return text.starts_with(kEndpointPrefix) ? text.substr(kEndpointPrefix.size()) : text;
}

std::string_view to_string(EventKind kind) { return kEventNames[static_cast<std::size_t>(kind)]; }

std::optional<EventKind> parse_event_kind(std::string_view text) {
    for (std::size_t i = 0; i < kEventNames.size(); ++i)
        if (kEventNames[i] == text) return static_cast<EventKind>(i);
    return std::nullopt;
}

bool is_failure(EventKind kind) {
    return kind == EventKind::rejected || kind == EventKind::expired || kind == EventKind::dead_lettered;
}

std::optional<HashAlgorithm> parse_hash_algorithm(std::string_view name) {
    if (name == "sha256") return HashAlgorithm::sha256;
    if (name == "sm3") return HashAlgorithm::sm3;
    return std::nullopt;
}

std::string_view to_string(HashAlgorithm a) { return a == HashAlgorithm::sm3 ? "sm3" : "sha256"; }

void append_field(std::string& out, std::string_view field) {
    auto n = static_cast<std::uint32_t>(field.size());
    out.push_back(static_cast<char>((n >> 24) & 0xff));
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
    out.append(field);
}

std::string encode_record(const Record& r) {
    std::string out;
    out.reserve(256 + r.reason_text.size());
    append_field(out, "govbus-audit-record-1");
    append_field(out, std::to_string(r.seq));
    append_field(out, r.time);
    append_field(out, r.node_id);
    append_field(out, r.event);
    append_field(out, r.message_id);
    append_field(out, r.case_number);
    append_field(out, r.type);
    append_field(out, r.source);
    append_field(out, r.destination);
    append_field(out, std::to_string(r.size));
    append_field(out, r.digest_alg);
    append_field(out, r.digest);
    append_field(out, r.reason_code);
    append_field(out, r.reason_text);
    append_field(out, r.latency_ms ? std::to_string(*r.latency_ms) : std::string());
    append_field(out, r.region);
    return out;
}

std::string digest(HashAlgorithm a, std::string_view data) {
    // Fetched once: EVP_sha256() and EVP_sm3() make OpenSSL look the
    // implementation up again on every call, which costs about as much as
    // hashing a record. Fetched digests are immutable and shared by threads.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    static EVP_MD* const sm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const EVP_MD* md_type = a == HashAlgorithm::sm3 ? sm3 : sha256;
    if (!md_type) throw std::runtime_error("OpenSSL has no " + std::string(to_string(a)) + " digest");
    if (EVP_Digest(data.data(), data.size(), md, &len, md_type, nullptr) != 1)
        throw std::runtime_error("OpenSSL digest failed");
    return std::string(reinterpret_cast<char*>(md), len);
}

MessageDigest message_digest(std::string_view suite, std::string_view message) {
    const HashAlgorithm a = suite == "gm" ? HashAlgorithm::sm3 : HashAlgorithm::sha256;
    return {std::string(to_string(a)), to_hex(digest(a, message))};
}

std::string chain_step(HashAlgorithm a, const std::string& previous_raw, const Record& r) {
    std::string input = previous_raw;
    input += encode_record(r);
    return digest(a, input);
}

std::string genesis_hash() { return std::string(32, '\0'); }

std::string to_hex(std::string_view raw) {
    static const char* digits = "0123456789abcdef";
    std::string out(raw.size() * 2, '\0');
    char* p = out.data();
    for (unsigned char c : raw) {
        *p++ = digits[c >> 4];
        *p++ = digits[c & 0xf];
    }
    return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

}  // namespace govbus::audit
