// The codec's own pattern matcher: the same answers as std::regex (ECMAScript
// search) on every pattern of the message schemas and on constructs beyond
// them, and a clear refusal of what it does not support.
#define BOOST_TEST_MODULE pattern
#include <boost/test/unit_test.hpp>

#include "bus/codec/pattern.hpp"
#include "bus/codec/codec.hpp"
#include "bus/codec/schema_set.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <unistd.h>

using govbus::codec::Pattern;

namespace {

// Values near the pattern's language: random strings over an alphabet that
// covers its classes, plus each of the given seeds mutated one character at a time.
std::vector<std::string> candidates(const std::vector<std::string>& seeds, std::mt19937& rng) {
    const std::string alphabet = "0123456789abcfXYZ-_.:+T \n";
    std::vector<std::string> out(seeds);
    std::uniform_int_distribution<std::size_t> length(0, 40), pick(0, alphabet.size() - 1);
    for (int i = 0; i < 300; ++i) {
        std::string s(length(rng), ' ');
        for (auto& c : s) c = alphabet[pick(rng)];
        out.push_back(s);
    }
    for (const auto& seed : seeds)
        for (std::size_t i = 0; i < seed.size(); ++i) {
            std::string cut = seed;
            cut.erase(i, 1);
            out.push_back(cut);
            std::string changed = seed;
            changed[i] = alphabet[pick(rng)];
            out.push_back(changed);
            out.push_back(seed.substr(0, i) + seed[i] + seed.substr(i));
        }
    return out;
}

void agree_with_std_regex(const std::string& pattern, const std::vector<std::string>& seeds) {
    auto compiled = Pattern::compile(pattern);
    BOOST_REQUIRE_MESSAGE(compiled.ok(), pattern << ": " << (compiled.ok() ? "" : compiled.problem().message));
    const std::regex reference(pattern, std::regex::ECMAScript);
    std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(pattern)));
    int matched = 0;
    for (const auto& value : candidates(seeds, rng)) {
        const bool expected = std::regex_search(value, reference);
        matched += expected;
        BOOST_TEST(compiled->search(value) == expected, pattern << " on \"" << value << "\"");
    }
    // The seeds are chosen to match, so both answers occur.
    BOOST_TEST(matched > 0, pattern);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_schema_pattern_answers_as_std_regex_does) {
    // Values that match each pattern, so the mutations land on both sides of it.
    const std::map<std::string, std::vector<std::string>> seeds = {
        {"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", {"0b9e6f0e-5d8c-4f2a-9c1e-3a7b5d2e8f10"}},
        {"^[a-z]+\\.[a-z]+$", {"case.apply"}},
        {"^[0-9]{1,3}\\.[0-9]{1,3}$", {"1.0", "12.345"}},
        {"^[a-z0-9][-a-z0-9.]{0,127}$", {"sc.portal", "city-510100"}},
        {"^[a-z0-9][-a-z0-9.]{0,63}$", {"tax"}},
        {"^[0-9]{6}([0-9]{6})?$", {"510100", "510100000000"}},
        {"^[-0-9A-Z]{14,80}$", {"11510100MB0000000X", "000000-0000-00000"}},
        {"^[0-9]{20}[0-9X]$", {"510100202510090000047"}},
        {"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[-+][0-9]{2}:[0-9]{2})$",
         {"2025-10-09T17:00:00+08:00", "2025-10-09T17:00:00.123Z"}},
        {"^[a-z_]+(\\.[a-z_]+)*$", {"a.b_c.d", "x"}},
        {"^[-0-9A-Za-z._]{1,64}$", {"population.basic"}},
        {"^1\\.2\\.156\\.3005\\.2\\.[.0-9A-Z]{10,120}$", {"1.2.156.3005.2.11100000000013338W001"}},
        {"^[0-9A-HJ-NPQRTUWXY]{18}$", {"91510100MA61234567"}},
        {"^[0-9]{17}[0-9X]$", {"11010519491231002X"}},
        {"^[0-9]{3,4}-?[0-9]{7,11}$", {"028-12345678", "02812345678"}},
        {"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", {"2025-10-09"}},
        {"^[0-9a-f]{64}$", {std::string(64, 'a')}},
    };
    for (const auto& [pattern, values] : seeds) {
        agree_with_std_regex(pattern, values);
        BOOST_TEST(Pattern::compile(pattern)->deterministic(), pattern << " is checked by table, not simulated");
    }

    // And the schemas hold no pattern this test leaves out.
    govbus::codec::SchemaSet schemas(govbus::codec::default_schema_dir());
    for (const auto& source : schemas.patterns().sources())
        BOOST_TEST(seeds.count(source) == 1u, "schema pattern not covered here: " << source);
}

BOOST_AUTO_TEST_CASE(constructs_beyond_the_schemas_answer_as_std_regex_does) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"ab", {"xxabyy"}},                          // unanchored: a match anywhere
        {"a|bc|", {"zzz"}},                          // an empty alternative matches everywhere
        {"^(a|b)*c$", {"ababc", "c"}},
        {"^(?:ab)+$", {"abab"}},
        {"^a{2,}$", {"aaaa"}},
        {"^a{0}b$", {"b"}},
        {"^(a*)*b$", {"aaab"}},                      // a loop that can match nothing
        {"^[^0-9]+$", {"abc"}},
        {"^\\d\\D\\w\\W\\s\\S$", {"1a_ \t."}},
        {"^[\\d.]+$", {"1.2.3"}},
        {"^[\\D]+$", {"ab-c"}},
        {"^[a\\-z]+$", {"a-z"}},
        {"^[-a]+$", {"-a"}},
        {"^[a-]+$", {"a-"}},
        {"^.+$", {"abc"}},
        {"^a.c$", {"abc"}},
        {"^x*?y+?z??$", {"xxyyz"}},
        {"^\\^\\$\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\\\$", {"^$.*+?()[]{}|/\\"}},
        {"^\\u0041\\t$", {"A\t"}},
        {"a$|^b", {"ba", "xa"}},
        {"^]}$", {"]}"}},
    };
    for (const auto& [pattern, values] : cases) agree_with_std_regex(pattern, values);
}

BOOST_AUTO_TEST_CASE(a_pattern_too_large_for_a_table_is_simulated_with_the_same_answers) {
    // The 13th character from the end is an a: a deterministic automaton
    // needs 2^13 states for that, more than Pattern::kMaxStates.
    const std::string pattern = "^(a|b)*a(a|b){12}$";
    auto p = Pattern::compile(pattern);
    BOOST_REQUIRE(p.ok());
    BOOST_TEST(!p->deterministic());
    agree_with_std_regex(pattern, {"abbbbbbbbbbbbb", "babaaaaaaaaaaaaa"});
    auto q = Pattern::compile("(a|b)*a(a|b){12}");  // unanchored too
    BOOST_REQUIRE(q.ok());
    BOOST_TEST(!q->deterministic());
    agree_with_std_regex("(a|b)*a(a|b){12}", {"cabbbbbbbbbbbbbc"});
}

BOOST_AUTO_TEST_CASE(classes_count_code_points_not_bytes) {
    auto p = Pattern::compile("^.{2}$");
    BOOST_REQUIRE(p.ok());
    BOOST_TEST(p->search("\xE6\x88\x90\xE9\x83\xBD"));  // two CJK characters, six bytes
    BOOST_TEST(!p->search("\xE6\x88\x90"));
    auto q = Pattern::compile("^[^a]$");
    BOOST_REQUIRE(q.ok());
    BOOST_TEST(q->search("\xE9\x83\xBD"));
    BOOST_TEST(!q->search("a"));
    auto cjk = Pattern::compile("^[\\u4e00-\\u9fa5]+$");
    BOOST_REQUIRE(cjk.ok());
    BOOST_TEST(cjk->search("\xE6\x88\x90\xE9\x83\xBD"));
    BOOST_TEST(!cjk->search("\xE6\x88\x90x"));
}

BOOST_AUTO_TEST_CASE(a_long_value_is_matched_in_linear_time) {
    // (a*)*b on a run of a's is the classic exponential case for backtracking.
    auto p = Pattern::compile("^(a*)*b$");
    BOOST_REQUIRE(p.ok());
    BOOST_TEST(!p->search(std::string(20000, 'a')));
    BOOST_TEST(p->search(std::string(20000, 'a') + "b"));
}

BOOST_AUTO_TEST_CASE(unsupported_constructs_are_refused_with_position_and_reason) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"^(?=a)", "look-around"},
        {"^(?<n>a)$", "look-around"},
        {"^(a)\\1$", "escape \\1"},
        {"\\bword", "escape \\b"},
        {"^a{2,1}$", "maximum is below its minimum"},
        {"^a{5000}$", "above 1000"},
        {"^a{,3}$", "repeat count"},
        {"^a**$", "cannot follow a quantifier"},
        {"*a", "needs something before it"},
        {"^(ab$", "without a matching ')'"},
        {"^ab)$", "without a matching '('"},
        {"^[ab$", "without a matching ']'"},
        {"^[z-a]$", "out of order"},
        {"^[a-\\d]$", "cannot end with a set"},
        {"^a\\", "lone backslash"},
        {"^\\u12$", "four hexadecimal digits"},
        {"^$*", "anchor cannot be repeated"},
        {"^([a-z0-9]{100}){300}$", "too large"},
    };
    for (const auto& [pattern, reason] : cases) {
        auto p = Pattern::compile(pattern);
        BOOST_TEST_REQUIRE(!p.ok(), pattern);
        BOOST_TEST(p.problem().code == "schema.pattern");
        BOOST_TEST(p.problem().message.find(reason) != std::string::npos, pattern << ": " << p.problem().message);
        BOOST_TEST(p.problem().message.find("position") != std::string::npos);
    }
}

namespace {

namespace fs = std::filesystem;

// A copy of schemas/ to spoil, removed at the end.
struct SchemaCopy {
    fs::path dir = fs::temp_directory_path() / ("govbus-pattern-test-" + std::to_string(::getpid()));
    SchemaCopy() {
        fs::remove_all(dir);
        fs::copy(govbus::codec::default_schema_dir(), dir, fs::copy_options::recursive);
    }
    ~SchemaCopy() { fs::remove_all(dir); }
    void replace(const fs::path& file, const std::string& from, const std::string& to) {
        std::ifstream in(dir / file);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto at = text.find(from);
        BOOST_REQUIRE_MESSAGE(at != std::string::npos, file << " has no " << from);
        text.replace(at, from.size(), to);
        std::ofstream(dir / file) << text;
    }
};

std::string load_error(const fs::path& dir) {
    try {
        govbus::codec::Codec codec(dir.string());
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_schema_with_an_unsupported_pattern_stops_the_start_up) {
    SchemaCopy copy;
    copy.replace("payload/data.query/1.0/payload.schema.json", R"("^[-0-9A-Za-z._]{1,64}$")", R"("^(?!x)[a-z]+$")");
    const std::string error = load_error(copy.dir);
    BOOST_TEST(error.find("data.query") != std::string::npos, error);
    BOOST_TEST(error.find("position 3") != std::string::npos, error);
    BOOST_TEST(error.find("look-around") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(an_xsd_pattern_the_json_schemas_lack_stops_the_start_up) {
    // The XSD's facets are left to the codec's own check, which reads the JSON
    // Schemas; a facet only the XSD has would be checked by nobody.
    SchemaCopy copy;
    copy.replace("payload/data.query/1.0/payload.xsd", "[-0-9A-Za-z._]{1,64}", "[a-z]{1,64}");
    const std::string error = load_error(copy.dir);
    BOOST_TEST(error.find("payload.xsd") != std::string::npos, error);
    BOOST_TEST(error.find("[a-z]{1,64}") != std::string::npos, error);
    BOOST_TEST(error.find("nothing would check it") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(the_unspoiled_schemas_load) {
    SchemaCopy copy;
    BOOST_TEST(load_error(copy.dir) == "");
}
