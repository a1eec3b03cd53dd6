// RFC 8785 serialization and the base64 forms JOSE uses.
#include "security/jose/canonical_json.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace govbus::security {

namespace json = boost::json;

namespace {

// UTF-8 -> UTF-16 code units, for the member order of §3.2.3.
std::u16string utf16(std::string_view s) {
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        char32_t cp;
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        cp = len == 1 ? c : c & (0xFF >> (len + 1));
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
    }
    return out;
}

void write_string(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

// ECMAScript Number::toString (ECMA-262 §7.1.12.1) from the shortest
// round-trip digits, as RFC 8785 §3.2.2.3 requires.
void write_double(std::string& out, double d) {
    if (d == 0) {
        out += '0';
        return;
    }
    // parse_untrusted_json never yields these; only a value built in code can.
    if (!std::isfinite(d)) throw std::invalid_argument("RFC 8785 §3.2.2.3: NaN and infinities have no JSON form");
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, r.ptr);  // e.g. "-1.2345e+02"
    bool negative = sci[0] == '-';
    if (negative) sci.erase(0, 1);
    const auto e_at = sci.find('e');
    std::string digits = sci.substr(0, e_at);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exponent = std::stoi(sci.substr(e_at + 1));
    const int k = static_cast<int>(digits.size()), n = exponent + 1;
    std::string s;
    if (k <= n && n <= 21) {
        s = digits + std::string(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        s = digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        s = "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    } else {
        s = digits.substr(0, 1);
        if (k > 1) s += "." + digits.substr(1);
        s += "e" + std::string(n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
    }
    if (negative) out += '-';
    out += s;
}

void write(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: out += "null"; break;
        case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
        // RFC 8785 §3.2.2.3 numbers are IEEE 754 doubles: an integer beyond
        // 2^53 is written as the double nearest to it, as JSON.parse reads it.
        case json::kind::int64: {
            const std::int64_t i = v.get_int64();
            if (i >= -kMaxExactInteger && i <= kMaxExactInteger) out += std::to_string(i);
            else write_double(out, static_cast<double>(i));
            break;
        }
        case json::kind::uint64: {
            const std::uint64_t u = v.get_uint64();
            if (u <= static_cast<std::uint64_t>(kMaxExactInteger)) out += std::to_string(u);
            else write_double(out, static_cast<double>(u));
            break;
        }
        case json::kind::double_: write_double(out, v.get_double()); break;
        case json::kind::string: write_string(out, v.get_string()); break;
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& x : v.get_array()) {
                if (!first) out += ',';
                first = false;
                write(out, x);
            }
            out += ']';
            break;
        }
        case json::kind::object: {
            std::vector<std::pair<std::u16string, const json::key_value_pair*>> members;
            for (const auto& kv : v.get_object()) members.emplace_back(utf16(kv.key()), &kv);
            std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            out += '{';
            bool first = true;
            for (const auto& [key16, kv] : members) {
                if (!first) out += ',';
                first = false;
                write_string(out, kv->key());
                out += ':';
                write(out, kv->value());
            }
            out += '}';
            break;
        }
    }
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string canonical_json(const json::value& value) {
    std::string out;
    write(out, value);
    return out;
}

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[n >> 18];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (bytes.size() - i == 1) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        out += kAlphabet[n >> 18];
        out += kAlphabet[(n >> 12) & 63];
    } else if (bytes.size() - i == 2) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += kAlphabet[n >> 18];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        const char* p = std::strchr(kAlphabet, c);
        if (!p || c == 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(p - kAlphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    // RFC 4648 §3.5: the bits left over must be zero, so each value has one encoding.
    if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string base64_encode_standard(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode_standard(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out(text.size() / 4 * 3 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes; take them off.
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=') ++pad;
    if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

}  // namespace govbus::security
