// Text between Xerces' UTF-16 and the codec's UTF-8, both ways.
#define BOOST_TEST_MODULE xerces_runtime
#include <boost/test/unit_test.hpp>

#include "bus/codec/xerces_runtime.hpp"

#include <random>
#include <string>
#include <vector>

using govbus::codec::append_utf8;
using govbus::codec::to_utf8;
using govbus::codec::to_xml;

BOOST_AUTO_TEST_CASE(every_sequence_length_converts_to_the_same_bytes) {
    BOOST_TEST(to_utf8(nullptr) == "");
    BOOST_TEST(to_utf8(u"") == "");
    BOOST_TEST(to_utf8(u"abc") == "abc");
    BOOST_TEST(to_utf8(u"\u00e9") == "\xC3\xA9");
    BOOST_TEST(to_utf8(u"\u5f20\u4e09") == "\xE5\xBC\xA0\xE4\xB8\x89");
    BOOST_TEST(to_utf8(u"\U0001F600") == "\xF0\x9F\x98\x80");  // a surrogate pair
    const char16_t lone[] = {u'a', 0xD800, 0};                   // a high surrogate with nothing after it
    BOOST_TEST(to_utf8(lone) == "a\xED\xA0\x80");
}

BOOST_AUTO_TEST_CASE(long_mixed_text_round_trips) {
    const std::vector<std::string> pieces = {"a", "Z", " ", "\xC3\xA9", "\xE5\xBC\xA0", "\xF0\x9F\x98\x80"};
    std::mt19937 rng(11);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    for (std::size_t length : {1u, 7u, 64u, 1000u, 70000u}) {
        std::string text;
        for (std::size_t i = 0; i < length; ++i) text += pieces[pick(rng)];
        BOOST_TEST(to_utf8(to_xml(text).c_str()) == text, "length " << length);
    }
}

// The ASCII fast path takes eight units at a time: a character above 0x7F at
// every position around its steps, appended after text already there.
BOOST_AUTO_TEST_CASE(a_non_ascii_character_after_every_ascii_run_length_converts) {
    for (std::size_t run = 0; run < 40; ++run) {
        for (const auto& [unit, bytes] : std::vector<std::pair<std::u16string, std::string>>{
                 {u"\u00e9", "\xC3\xA9"}, {u"\u5f20", "\xE5\xBC\xA0"}, {u"\U0001F600", "\xF0\x9F\x98\x80"}}) {
            std::u16string in(run, u'x');
            in += unit;
            in += std::u16string(run % 11, u'y');
            std::string out = "kept:";
            append_utf8(out, in);
            BOOST_TEST(out == "kept:" + std::string(run, 'x') + bytes + std::string(run % 11, 'y'), "run " << run);
        }
        std::string out = "kept:";
        append_utf8(out, std::u16string(run, u'z'));
        BOOST_TEST(out == "kept:" + std::string(run, 'z'));
    }
}
