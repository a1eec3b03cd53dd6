// Runs the message corpus under tests/data/: every valid message decodes and
// survives XML -> JSON -> XML unchanged; every invalid one is refused with the
// reason code (and place) its .expect file names; messages past the size cap
// are refused before parsing.
#define BOOST_TEST_MODULE codec_corpus
#include <boost/test/unit_test.hpp>

#include "bus/codec/codec.hpp"
#include "tests/bus/codec/codec_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using govbus::codec::Codec;
using govbus::codec::Encoding;

namespace {

const fs::path kData = fs::path(GOVBUS_SOURCE_DIR) / "tests" / "data";

using govbus::test::describe;
using govbus::test::files_in;
using govbus::test::slurp;

const Codec& codec() { return govbus::test::shared_codec(); }

struct Expectation {
    std::string code;
    bool warning = false;
    std::string where;  // prefix of Problem::field, may be empty
};

Expectation expectation_for(const fs::path& message) {
    std::ifstream in(message.string() + ".expect");
    BOOST_REQUIRE_MESSAGE(in, message.filename() << " has no .expect file beside it");
    Expectation e;
    std::string first;
    std::getline(in, first);
    if (first.rfind("warning ", 0) == 0) {
        e.warning = true;
        first = first.substr(8);
    }
    e.code = first;
    std::getline(in, e.where);
    BOOST_REQUIRE_MESSAGE(!e.code.empty(), message.filename() << ".expect names no reason code");
    return e;
}

bool names(const govbus::Problem& p, const Expectation& e) {
    return p.code == e.code && p.warning == e.warning && p.field.rfind(e.where, 0) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_valid_message_decodes_and_round_trips_through_both_encodings) {
    auto valid = govbus::test::valid_messages();
    BOOST_REQUIRE_GE(valid.size(), 20u);
    for (const auto& file : valid) {
        BOOST_TEST_CONTEXT(file.filename().string()) {
            auto first = codec().decode(slurp(file));
            BOOST_REQUIRE_MESSAGE(first.ok(), "refused:" << describe(first.problems()));
            for (const auto& p : first.problems()) BOOST_TEST(p.warning, "an error rode along: " << p.to_string());

            // A signature or an encrypted payload is made for one encoding
            // (XML-DSig / JWS, XML-Enc / JWE): such a message round-trips in it.
            const auto& sec = first->security;
            if (!sec.signature.empty() || !sec.encrypted.empty()) {
                const Encoding own = govbus::codec::detect_encoding(slurp(file));
                auto again = codec().decode(codec().encode(*first, own));
                BOOST_REQUIRE_MESSAGE(again.ok(), "re-encoded, it is refused:" << describe(again.problems()));
                BOOST_TEST((*again == *first), "re-encoding changed the message");
                continue;
            }
            auto as_json = codec().decode(codec().encode(*first, Encoding::json));
            BOOST_REQUIRE_MESSAGE(as_json.ok(), "its JSON form is refused:" << describe(as_json.problems()));
            auto back = codec().decode(codec().encode(*as_json, Encoding::xml));
            BOOST_REQUIRE_MESSAGE(back.ok(), "its XML form is refused:" << describe(back.problems()));

            auto expected = *first;
            expected.content_type = back->content_type;  // the encoding itself is the only difference
            BOOST_TEST((*back == expected), "XML -> JSON -> XML changed the message");
            BOOST_TEST(back->content_type == "application/xml");
            BOOST_TEST(as_json->content_type == "application/json");
        }
    }
}

BOOST_AUTO_TEST_CASE(every_invalid_message_is_refused_with_the_reason_its_expect_file_names) {
    auto invalid = files_in(kData / "invalid", {".json", ".xml"});
    BOOST_REQUIRE_GE(invalid.size(), 25u);
    for (const auto& file : invalid) {
        BOOST_TEST_CONTEXT(file.filename().string()) {
            const Expectation want = expectation_for(file);
            auto got = codec().decode(slurp(file));
            BOOST_TEST(got.ok() == want.warning, (want.warning ? "was refused:" : "was accepted:")
                                                       << describe(got.problems()));
            const auto& ps = got.problems();
            bool found = std::any_of(ps.begin(), ps.end(), [&](const auto& p) { return names(p, want); });
            BOOST_TEST(found, "expected " << (want.warning ? "warning " : "") << want.code << " at '" << want.where
                                          << "', got:" << describe(ps));
            for (const auto& p : ps) {
                if (p.warning) continue;
                BOOST_TEST(!p.message.empty(), p.code << " has no sentence");
                BOOST_TEST((p.line > 0 || !p.field.empty() || p.code.rfind("xml.doctype", 0) == 0),
                           p.code << " names neither a line nor a field");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_hostile_entity_never_reads_a_local_file) {
    auto got = codec().decode(slurp(kData / "invalid" / "xxe-file.xml"));
    BOOST_REQUIRE(!got.ok());
    for (const auto& p : got.problems()) BOOST_TEST(p.message.find("root:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(messages_past_the_size_cap_are_refused_before_parsing) {
    const std::size_t cap = codec().limits().max_bytes;
    struct Case { const char* file; const char* code; };
    for (auto c : {Case{"valid/case-apply-natural.json", "json.too_large"},
                   Case{"../../docs/examples/case-apply-natural.xml", "xml.too_large"}}) {
        std::string bytes = slurp(kData / c.file);
        BOOST_REQUIRE(codec().decode(bytes).ok());
        bytes.append(cap + 1 - bytes.size(), ' ');  // trailing white space: still well-formed, just too big
        auto got = codec().decode(bytes);
        BOOST_REQUIRE(!got.ok());
        BOOST_TEST(got.problem().code == c.code);
    }
}

BOOST_AUTO_TEST_CASE(the_size_cap_is_configurable) {
    govbus::codec::Limits small;
    small.max_bytes = 512;
    const Codec strict(govbus::codec::default_schema_dir(), small);
    auto got = strict.decode(slurp(kData / "valid" / "case-apply-natural.json"));
    BOOST_REQUIRE(!got.ok());
    BOOST_TEST(got.problem().code == "json.too_large");
}

// Integrators validate with their own JSON Schema tools, so every pattern in
// schemas/ must be a valid ECMAScript regex as well as one the codec's matcher
// supports (tests/bus/codec/pattern_test compares their answers).
BOOST_AUTO_TEST_CASE(every_json_schema_pattern_compiles_as_an_ecmascript_regex) {
    const std::regex pattern_member(R"re("pattern"\s*:\s*"((?:[^"\\]|\\.)*)")re");
    int seen = 0;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(GOVBUS_SOURCE_DIR) / "schemas")) {
        if (e.path().extension() != ".json") continue;
        const std::string text = slurp(e.path());
        for (std::sregex_iterator it(text.begin(), text.end(), pattern_member), end; it != end; ++it) {
            std::string p = (*it)[1];
            std::string unescaped;  // JSON string escapes: \\ -> \, \" -> "
            for (std::size_t i = 0; i < p.size(); ++i) unescaped += (p[i] == '\\' && i + 1 < p.size()) ? p[++i] : p[i];
            ++seen;
            BOOST_CHECK_NO_THROW(std::regex(unescaped, std::regex::ECMAScript));
        }
    }
    BOOST_TEST(seen > 20);
}

// A pattern is checked without recursion on the value. std::regex (which the
// validator used before) recurses once per character and overflowed the
// stack on a value of about 50 000 characters: a message could crash the node.
BOOST_AUTO_TEST_CASE(a_long_value_under_a_pattern_is_answered_not_crashed_on) {
    const std::string type(1 << 20, 'a');  // matches ^[a-z]+\.[a-z]+$ up to the end, so the search walks all of it
    std::string json = slurp(kData / "valid" / "case-apply-natural.json");
    const std::string json_from = "\"type\": \"case.apply\"";
    BOOST_REQUIRE(json.find(json_from) != std::string::npos);
    json.replace(json.find(json_from), json_from.size(), "\"type\": \"" + type + ".x\"");
    auto j = codec().decode(json);
    BOOST_REQUIRE(!j.ok());
    BOOST_TEST(j.problem().code == "schema.unknown_type");

    std::string xml = slurp(fs::path(GOVBUS_SOURCE_DIR) / "docs" / "examples" / "case-apply-natural.xml");
    const std::string xml_from = "<env:type>case.apply</env:type>";
    BOOST_REQUIRE(xml.find(xml_from) != std::string::npos);
    xml.replace(xml.find(xml_from), xml_from.size(), "<env:type>" + type + "</env:type>");  // no dot: not the form
    auto x = codec().decode(xml);
    BOOST_REQUIRE(!x.ok());
    BOOST_TEST(x.problem().code == "schema.invalid");
    BOOST_TEST(x.problem().field == "/env:envelope/env:header/env:type");
}

// minLength and maxLength count characters, not bytes (the codec counts them
// itself: bus/codec/rapidjson_schema.hpp). A name is 1 to 256 characters.
BOOST_AUTO_TEST_CASE(string_lengths_count_characters_not_bytes) {
    const std::string json = slurp(kData / "valid" / "case-apply-natural.json");
    const std::string from = "\"name\": \"张三\"";
    BOOST_REQUIRE(json.find(from) != std::string::npos);
    auto with_name = [&](const std::string& name) {
        std::string j = json;
        j.replace(j.find(from), from.size(), "\"name\": \"" + name + "\"");
        return codec().decode(j);
    };
    std::string longest;
    for (int i = 0; i < 256; ++i) longest += "张";  // 256 characters, 768 bytes
    auto ok = with_name(longest);
    BOOST_TEST(ok.ok(), (ok.ok() ? "" : ok.problem().message));
    auto too_long = with_name(longest + "a");
    BOOST_REQUIRE(!too_long.ok());
    BOOST_TEST(too_long.problem().code == "schema.invalid");
    BOOST_TEST(too_long.problem().message.find("maxLength") != std::string::npos, too_long.problem().message);
    auto empty = with_name("");
    BOOST_REQUIRE(!empty.ok());
    BOOST_TEST(empty.problem().message.find("minLength") != std::string::npos, empty.problem().message);
    // Escapes count as the character they stand for: \u5f20 is 张.
    std::string escaped;
    for (int i = 0; i < 256; ++i) escaped += "\\u5f20";
    BOOST_TEST(with_name(escaped).ok());
}

// The reason a sender is given is the first error, even when a warning was
// found before it (a credit code that fails only its check character is a
// warning; the phone after it is an error).
BOOST_AUTO_TEST_CASE(the_reason_is_the_first_error_not_an_earlier_warning) {
    auto got = codec().decode(slurp(kData / "invalid" / "credit-code-warning-then-bad-phone.json"));
    BOOST_REQUIRE(!got.ok());
    BOOST_REQUIRE_GE(got.problems().size(), 2u);
    BOOST_TEST(got.problems().front().warning);
    BOOST_TEST(got.problems().front().code == "data.credit_code");
    BOOST_TEST(got.problem().code == "schema.invalid");
    BOOST_TEST(got.problem().field == "/payload/applicant/legalPerson/phone");
}

// A message refused after its header was read hands the header back, so the
// refusal can be logged under the message's id, case and type.
BOOST_AUTO_TEST_CASE(a_message_refused_for_its_payload_hands_back_its_header) {
    for (const char* name : {"id-number-check-digit.json", "id-number-check-digit.xml"}) {
        BOOST_TEST_CONTEXT(name) {
            std::optional<govbus::Envelope> refused;
            auto r = codec().decode(slurp(kData / "invalid" / name), &refused);
            BOOST_REQUIRE(!r.ok());
            BOOST_TEST(r.problem().code == "data.id_number");
            BOOST_REQUIRE(refused.has_value());
            BOOST_TEST(refused->id == "3f2b8c1e-5d4a-4e8b-9c7d-000000000001");
            BOOST_TEST(refused->case_number == "510100202405200000420");
            BOOST_TEST(refused->type == "case.apply");
            BOOST_TEST(refused->payload.is_null());  // the header only
        }
    }
    for (const char* name : {"malformed.json", "malformed.xml"}) {
        BOOST_TEST_CONTEXT(name) {
            std::optional<govbus::Envelope> refused;
            BOOST_TEST(!codec().decode(slurp(kData / "invalid" / name), &refused).ok());
            BOOST_TEST(!refused.has_value());  // nothing could be read
        }
    }
    std::optional<govbus::Envelope> refused;
    auto valid = govbus::test::valid_messages().front();
    BOOST_TEST(codec().decode(slurp(valid), &refused).ok());
    BOOST_TEST(!refused.has_value());
}

BOOST_AUTO_TEST_CASE(a_claimed_header_is_cut_at_a_character_boundary) {
    govbus::Envelope e;
    e.id = std::string(127, 'a') + "\xe5\x8a\x9e" + "tail";  // 办 straddles byte 128
    e.type = "case.apply";
    auto h = govbus::claimed_header(e);
    BOOST_TEST(h.id == std::string(127, 'a') + "...");
    BOOST_TEST(h.type == "case.apply");
}
