// RFC 8785 (JCS) as govbus writes it, with the RFC's own examples, and the
// untrusted-JSON reader whose tree JCS is computed from.
#define BOOST_TEST_MODULE canonical_json
#include <boost/test/unit_test.hpp>

#include "security/jose/canonical_json.hpp"
#include "security/jose/untrusted_json.hpp"

#include <boost/json.hpp>

#include <bit>
#include <cstdint>
#include <string>

using namespace govbus;
using namespace govbus::security;
namespace json = boost::json;

namespace {

json::value read(std::string_view text) {
    auto v = parse_untrusted_json(text, "test.json");
    BOOST_REQUIRE_MESSAGE(v.ok(), std::string(text) << ": " << (v.ok() ? "" : v.problem().message));
    return std::move(v.value());
}

std::string refusal(std::string_view text) {
    auto v = parse_untrusted_json(text, "test.json");
    return v.ok() ? "accepted" : v.problem().code + ": " + v.problem().message;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sorts_members_by_utf16_code_units_as_rfc_8785_section_3_2_3_shows) {
    const auto v = read(R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",)"
                        R"("1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control",)"
                        R"("\u00f6":"Latin Small Letter O With Diaeresis"})");
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16, after it in UTF-8 or by code point.
    BOOST_TEST(canonical_json(v) ==
               "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
               "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
               "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

BOOST_AUTO_TEST_CASE(writes_the_rfc_8785_section_3_2_2_example_byte_for_byte) {
    const auto v = read(R"({"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],)"
                        R"( "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]})");
    BOOST_TEST(canonical_json(v) ==
               R"({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],)"
               "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

BOOST_AUTO_TEST_CASE(writes_numbers_as_ecmascript_does_for_every_rfc_8785_appendix_b_value) {
    struct Case { std::uint64_t bits; const char* text; };
    const Case cases[] = {
        {0x0000000000000000, "0"}, {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"}, {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"}, {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"}, {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"}, {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"}, {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"}, {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"}, {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"}, {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& c : cases) {
        const double d = std::bit_cast<double>(c.bits);
        BOOST_TEST(canonical_json(json::value(d)) == c.text, std::hex << c.bits);
        // And the text reads back to the same double (correct rounding).
        if (d != 0) BOOST_TEST(std::bit_cast<std::uint64_t>(read(c.text).to_number<double>()) == c.bits, c.text);
    }
}

BOOST_AUTO_TEST_CASE(writes_integers_beyond_2_to_the_53_as_the_nearest_double) {
    // JSON.parse reads 9007199254740993 as 9007199254740992; a JCS signer in
    // JavaScript signs that, so govbus must write the same.
    BOOST_TEST(canonical_json(read("[9007199254740993,-9007199254740993,18446744073709551615,42,-7]")) ==
               "[9007199254740992,-9007199254740992,18446744073709552000,42,-7]");
}

BOOST_AUTO_TEST_CASE(escapes_only_what_rfc_8785_section_3_2_2_2_escapes) {
    BOOST_TEST(canonical_json(read(R"(["\u0000\u001f\u007f\b\f\t\/","\u4e2d"])")) ==
               "[\"\\u0000\\u001f\x7f\\b\\f\\t/\",\"\xe4\xb8\xad\"]");
}

BOOST_AUTO_TEST_CASE(refuses_nan_built_in_code_as_a_bug_not_a_result) {
    BOOST_CHECK_THROW(canonical_json(json::value(std::numeric_limits<double>::quiet_NaN())), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(reads_decimal_numbers_with_correct_rounding) {
    // Boost.JSON 1.81's own conversion reads these one unit in the last place off.
    for (const char* text : {"1.3927926388013963e-143", "1.8088101387491814e-140", "5.409760742964738e+124",
                             "6.689921856898562e-217", "-2.128409656321987e-239"})
        BOOST_TEST(canonical_json(read(text)) == text);
}

BOOST_AUTO_TEST_CASE(refuses_json_that_could_mean_two_things_or_is_too_big) {
    BOOST_TEST(refusal(R"({"payload":{"a":1},"payload":{"a":2}})").find("\"payload\" appears twice") != std::string::npos);
    BOOST_TEST(refusal(R"({"a":{"b":1,"b":1}})").find("appears twice") != std::string::npos);
    BOOST_TEST(refusal(R"({"a":1,"b":{"a":2}})") == "accepted");  // the same name in another object is fine
    BOOST_TEST(refusal("[1e400]").find("outside the range") != std::string::npos);
    BOOST_TEST(refusal("-1e309").find("outside the range") != std::string::npos);
    BOOST_TEST(refusal(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')) == "accepted");
    BOOST_TEST(refusal(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']')).find("nest more") !=
               std::string::npos);
    BOOST_TEST(refusal("{\"a\":1} {}").rfind("test.json: not valid JSON", 0) == 0);
    BOOST_TEST(refusal("[\"\xc3\x28\"]").rfind("test.json: not valid JSON", 0) == 0);  // invalid UTF-8
    BOOST_TEST(refusal("{\"a\":1,}").rfind("test.json: not valid JSON", 0) == 0);
    BOOST_TEST(refusal("").rfind("test.json", 0) == 0);
}

BOOST_AUTO_TEST_CASE(base64url_has_no_padding_and_refuses_other_alphabets) {
    BOOST_TEST(base64url_encode("\xfb\xff") == "-_8");
    BOOST_TEST(base64url_encode("") == "");
    BOOST_TEST(base64url_decode("-_8").value() == "\xfb\xff");
    BOOST_TEST(!base64url_decode("+/8").has_value());
    BOOST_TEST(!base64url_decode("-_8=").has_value());
    BOOST_TEST(!base64url_decode("A").has_value());
    BOOST_TEST(!base64url_decode("-_9").has_value());  // RFC 4648 §3.5: non-zero pad bits
}
