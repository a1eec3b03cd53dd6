// A node appends its hop to the bytes as received (bus/codec/hop_splice.hpp):
// the result decodes to the same message with one more hop, keeps every
// other byte, and messages a plain scan cannot handle safely still get their
// hop through the parsed document.
#define BOOST_TEST_MODULE hop_splice
#include <boost/test/unit_test.hpp>

#include "bus/codec/codec.hpp"
#include "bus/codec/hop_splice.hpp"
#include "tests/bus/codec/codec_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using govbus::Envelope;
using govbus::Hop;
using govbus::codec::Codec;
using govbus::codec::Encoding;
using govbus::codec::splice_json_hop;
using govbus::codec::splice_xml_hop;

namespace {

using govbus::test::describe;
using govbus::test::slurp;

const Codec& codec() { return govbus::test::shared_codec(); }

const Hop kFirst{"province-510000", "2024-05-20T09:30:01.000+08:00", {}};
const Hop kSecond{"city-510100", "2024-05-20T09:30:02.000+08:00", {}};

// Adds two hops through Codec::with_hop and checks the message is the
// original plus those hops, in order.
void expect_two_more_hops(const std::string& original) {
    auto before = codec().decode(original);
    BOOST_REQUIRE_MESSAGE(before.ok(), "the test message itself is refused:" << describe(before.problems()));
    std::string once = codec().with_hop(original, kFirst);
    std::string twice = codec().with_hop(once, kSecond);
    auto after = codec().decode(twice);
    BOOST_REQUIRE_MESSAGE(after.ok(), "with hops it is refused:" << describe(after.problems()) << "\n" << twice);
    Envelope expected = *before;
    expected.hops.push_back(kFirst);
    expected.hops.push_back(kSecond);
    BOOST_TEST((*after == expected), "the message changed beyond its hops:\n" << twice);
}

std::string example_xml() { return slurp(fs::path(GOVBUS_SOURCE_DIR) / "docs" / "examples" / "case-accept.xml"); }

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "the example has no '" << from << "'");
    return s.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_valid_message_in_both_encodings_gains_exactly_the_hops_added) {
    const auto files = govbus::test::valid_messages();
    BOOST_REQUIRE_GE(files.size(), 20u);
    for (const auto& file : files) {
        BOOST_TEST_CONTEXT(file.filename().string()) {
            const std::string bytes = slurp(file);
            expect_two_more_hops(bytes);
            auto env = codec().decode(bytes);
            BOOST_REQUIRE(env.ok());
            if (env->security.signature.empty() && env->security.encrypted.empty()) {
                const Encoding other =
                    govbus::codec::detect_encoding(bytes) == Encoding::xml ? Encoding::json : Encoding::xml;
                expect_two_more_hops(codec().encode(*env, other));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(keeps_every_byte_of_the_original_around_the_hop) {
    const std::string xml = example_xml();
    const std::string out = *splice_xml_hop(xml, kFirst);
    const std::string hop_text =
        "<env:hops><env:hop><env:node>province-510000</env:node><env:time>2024-05-20T09:30:01.000+08:00</env:time>"
        "</env:hop></env:hops>";
    BOOST_TEST(out.size() == xml.size() + hop_text.size());
    const auto at = out.find(hop_text);
    BOOST_REQUIRE(at != std::string::npos);
    BOOST_TEST(out.substr(0, at) + out.substr(at + hop_text.size()) == xml);
    BOOST_TEST(out.compare(at + hop_text.size(), 13, "<env:payload>") == 0, "the hops go right before the payload");
}

BOOST_AUTO_TEST_CASE(markup_inside_comments_cdata_and_attributes_does_not_mislead_it) {
    std::string xml = example_xml();
    xml = replaced(xml, "<env:payload>", "<?note <env:payload> ?><env:payload>");
    xml = replaced(xml, "<env:header>", "<!-- <env:payload> </env:hops> --><env:header>");
    xml = replaced(xml, "<handler>", "<handler><![CDATA[</env:envelope><env:hops>]]>");
    // Namespace declarations are allowed on any element, and their values may hold '>'.
    xml = replaced(xml, "<caseAccept ", "<caseAccept xmlns:x=\"urn:x:a>b/env:hops>\" ");
    expect_two_more_hops(xml);
    const std::string out = *splice_xml_hop(xml, kFirst);
    BOOST_TEST(out.find("<!-- <env:payload> </env:hops> -->") != std::string::npos);
    BOOST_TEST(out.find("<![CDATA[</env:envelope><env:hops>]]>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(uses_the_prefix_the_envelope_namespace_has_where_the_hop_goes) {
    // Default namespace throughout.
    std::string plain = example_xml();
    std::string unprefixed;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (plain.compare(i, 4, "env:") == 0) {
            i += 3;
            continue;
        }
        unprefixed.push_back(plain[i]);
    }
    unprefixed = replaced(unprefixed, "xmlns:env=", "xmlns=");
    expect_two_more_hops(unprefixed);
    BOOST_TEST(splice_xml_hop(unprefixed, kFirst)->find("<hops><hop><node>") != std::string::npos);

    // Existing hops under another prefix bound to the same namespace.
    std::string other = replaced(example_xml(), "<env:payload>",
                                 "<h:hops xmlns:h=\"urn:govbus:envelope:1.0\"><h:hop><h:node>national-000000</h:node>"
                                 "<h:time>2024-05-20T09:30:00.500+08:00</h:time></h:hop></h:hops><env:payload>");
    expect_two_more_hops(other);
    BOOST_TEST(splice_xml_hop(other, kFirst)->find("</h:hop><h:hop><h:node>province-510000") != std::string::npos);

    // An empty hops element written as one tag.
    std::string empty = replaced(example_xml(), "<env:payload>", "<env:hops/><env:payload>");
    expect_two_more_hops(empty);
}

BOOST_AUTO_TEST_CASE(leaves_other_encodings_and_doctypes_to_the_parsed_document) {
    std::string latin1 = replaced(example_xml(), "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    BOOST_TEST(!splice_xml_hop(latin1, kFirst).has_value());
    std::string doctype = replaced(example_xml(), "<env:envelope", "<!DOCTYPE env:envelope><env:envelope");
    BOOST_TEST(!splice_xml_hop(doctype, kFirst).has_value());
    std::string utf16("\xFF\xFE<\0?\0", 6);
    BOOST_TEST(!splice_xml_hop(utf16, kFirst).has_value());
}

BOOST_AUTO_TEST_CASE(json_members_and_strings_that_look_like_hops_do_not_mislead_it) {
    const std::string hop = R"({"node":"city-510100","time":"t"})";
    BOOST_TEST(*splice_json_hop(R"({"a":"\"hops\": [","b":{"hops":[1]}})", hop) ==
               R"({"a":"\"hops\": [","b":{"hops":[1]},"hops":[{"node":"city-510100","time":"t"}]})");
    BOOST_TEST(*splice_json_hop(R"({"hops": [ ] , "c": [1,{"d":"]"}]})", hop) ==
               R"({"hops": [ {"node":"city-510100","time":"t"}] , "c": [1,{"d":"]"}]})");
    BOOST_TEST(*splice_json_hop(R"({"hops":[{"node":"x","time":"y"}],"p":null})", hop) ==
               R"({"hops":[{"node":"x","time":"y"},{"node":"city-510100","time":"t"}],"p":null})");
    BOOST_TEST(*splice_json_hop(R"({"a":"x\\\"}],\\","b":"\\\\"})", hop) ==
               R"({"a":"x\\\"}],\\","b":"\\\\","hops":[{"node":"city-510100","time":"t"}]})");
    BOOST_TEST(!splice_json_hop(R"({"\u0068ops":[]})", hop).has_value(), "an escaped name goes to the parser");
    BOOST_TEST(!splice_json_hop("[1]", hop).has_value());

    // Through the codec, an escaped member name still gets its hop.
    auto env = codec().decode(slurp(fs::path(GOVBUS_SOURCE_DIR) / "docs" / "examples" / "case-accept.json"));
    BOOST_REQUIRE(env.ok());
    env->hops.push_back({"national-000000", "2024-05-20T09:30:00.500+08:00", {}});
    std::string escaped = replaced(codec().encode(*env, Encoding::json), "\"hops\"", "\"\\u0068ops\"");
    expect_two_more_hops(escaped);
}
