#include "bus/core/uuid.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace govbus {

namespace {

void random_bytes(unsigned char* out, int n) {
    if (RAND_bytes(out, n) != 1) throw std::runtime_error("RAND_bytes failed");
}

// The last id's time and sequence, so the next one sorts after it (RFC 9562
// §6.2, method 1: a 12-bit counter in rand_a, started at a random value below
// 2048 each new millisecond so it seldom runs out; when it does, the id
// borrows the next millisecond). A clock that steps back changes nothing
// until it passes the last id's time again: the counter goes on.
struct Monotonic {
    std::mutex mutex;
    std::int64_t last_ms = 0;
    std::uint16_t sequence = 0;

    std::pair<std::int64_t, std::uint16_t> next(std::int64_t now_ms) {
        std::lock_guard lock(mutex);
        if (now_ms > last_ms) {
            unsigned char r[2];
            random_bytes(r, sizeof r);
            last_ms = now_ms;
            sequence = static_cast<std::uint16_t>(((r[0] << 8) | r[1]) & 0x07ff);
        } else if (++sequence > 0x0fff) {
            ++last_ms;
            sequence = 0;
        }
        return {last_ms, sequence};
    }
};

std::string format_uuid(const unsigned char (&b)[16]) {
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

}  // namespace

std::string uuid_v7(std::int64_t unix_ms, std::uint16_t sequence, const unsigned char (&random)[8]) {
    unsigned char b[16];
    const auto ms = static_cast<std::uint64_t>(unix_ms);
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
    b[6] = static_cast<unsigned char>(0x70 | ((sequence >> 8) & 0x0f));  // version 7, rand_a high bits
    b[7] = static_cast<unsigned char>(sequence & 0xff);
    for (int i = 0; i < 8; ++i) b[8 + i] = random[i];
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant (10xx)
    return format_uuid(b);
}

std::string new_uuid() {
    static Monotonic monotonic;
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    auto [ms, sequence] = monotonic.next(now);
    unsigned char random[8];
    random_bytes(random, sizeof random);
    return uuid_v7(ms, sequence, random);
}

std::string new_random_uuid() {
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant
    return format_uuid(b);
}

bool is_uuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
    }
    return true;
}

}  // namespace govbus
