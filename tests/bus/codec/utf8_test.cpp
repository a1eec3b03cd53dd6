// first_invalid_utf8 against RFC 3629 §4's table, at every position relative
// to the ASCII fast paths (32 and 8 bytes at a time).
#define BOOST_TEST_MODULE utf8
#include <boost/test/unit_test.hpp>

#include "bus/codec/rapidjson_schema.hpp"
#include "bus/codec/utf8.hpp"

#include <random>
#include <string>
#include <vector>

using govbus::codec::first_invalid_utf8;

BOOST_AUTO_TEST_CASE(accepts_every_well_formed_sequence_length_at_every_offset) {
    for (const std::string seq : {"A", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
                                  "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xE6\x88\x90"}) {
        for (std::size_t pad = 0; pad < 70; ++pad) {
            std::string text = std::string(pad, 'x') + seq + std::string(pad % 37, 'y');
            BOOST_TEST(!first_invalid_utf8(text).has_value(), "pad " << pad);
        }
    }
}

BOOST_AUTO_TEST_CASE(names_the_offset_of_the_first_ill_formed_byte) {
    for (const std::string bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xC3\x28", "\xE0\x9F\xBF", "\xED\xA0\x80",
                                  "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xE6\x88",
                                  "\xF0\x90\x80"}) {
        for (std::size_t pad = 0; pad < 70; ++pad) {
            std::string text = std::string(pad, 'x') + bad + std::string(pad % 41, 'z');
            auto at = first_invalid_utf8(text);
            BOOST_REQUIRE_MESSAGE(at.has_value(), "pad " << pad << " accepted");
            BOOST_TEST(*at == pad);
        }
    }
    BOOST_TEST(!first_invalid_utf8("").has_value());
}

// The validator's character count (bus/codec/rapidjson_schema.hpp) against a
// plain count, for every length around the eight-byte steps and every
// sequence length; a string that is not UTF-8 is not counted.
BOOST_AUTO_TEST_CASE(the_validators_character_count_matches_a_plain_count) {
    const std::vector<std::string> pieces = {"a", "\xC3\xA9", "\xE5\xBC\xA0", "\xF0\x9F\x98\x80"};  // 1 to 4 bytes
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    for (int characters = 0; characters < 40; ++characters) {
        for (int round = 0; round < 20; ++round) {
            std::string s;
            for (int i = 0; i < characters; ++i) s += pieces[pick(rng)];
            rapidjson::SizeType count = 12345;
            BOOST_TEST(rapidjson::internal::CountStringCodePoint<rapidjson::UTF8<char>>(
                s.data(), static_cast<rapidjson::SizeType>(s.size()), &count));
            BOOST_TEST(count == static_cast<rapidjson::SizeType>(characters), s);
        }
    }
    const std::string cut = "abc\xE5\xBC";  // a sequence cut short
    rapidjson::SizeType count = 0;
    BOOST_TEST(!rapidjson::internal::CountStringCodePoint<rapidjson::UTF8<char>>(
        cut.data(), static_cast<rapidjson::SizeType>(cut.size()), &count));
}
