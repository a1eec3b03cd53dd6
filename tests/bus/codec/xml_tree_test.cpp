#define BOOST_TEST_MODULE xml_tree
#include <boost/test/unit_test.hpp>

#include "bus/codec/xml_grammar.hpp"
#include "bus/codec/xml_tree.hpp"
#include "tests/bus/codec/codec_fixture.hpp"

#include <functional>

using namespace govbus;
using namespace govbus::codec;
using namespace govbus::test;

namespace {

struct Readers {
    SchemaSet schemas{default_schema_dir()};
    GrammarPool pool{schemas};
    XmlLimits limits;
    ParserShelf dom{limits, pool.get()};
    TreeReaderShelf tree{limits, pool.get()};
};

Readers& readers() {
    static Readers r;
    return r;
}

// Every XML message the corpus gives: the valid ones in their XML encoding
// (those signed or encrypted for JSON have none), the XML examples and the
// invalid XML files.
std::vector<std::pair<std::string, std::string>> xml_messages() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& path : valid_messages()) {
        const std::string bytes = slurp(path);
        if (path.extension() == ".xml") {
            out.emplace_back(path.filename().string(), bytes);
            continue;
        }
        auto env = shared_codec().decode(bytes);
        BOOST_REQUIRE_MESSAGE(env.ok(), path.string() + describe(env.problems()));
        if (!env->security.signature.empty() || !env->security.encrypted.empty()) continue;
        out.emplace_back(path.filename().string() + " as XML", shared_codec().encode(*env, Encoding::xml));
    }
    for (const auto& path : files_in(std::filesystem::path(GOVBUS_SOURCE_DIR) / "tests" / "data" / "invalid", {".xml"}))
        out.emplace_back(path.filename().string(), slurp(path));
    return out;
}

void expect_same(const XmlElement& a, const XmlElement& b, const std::string& where) {
    BOOST_TEST(a.ns == b.ns, where);
    BOOST_TEST(a.local == b.local, where);
    BOOST_TEST(a.qname == b.qname, where);
    BOOST_TEST((a.attributes == b.attributes), where + " " + a.qname + " attributes");
    BOOST_TEST(a.text == b.text, where + " " + a.qname + " text");
    BOOST_TEST(a.line == b.line, where + " " + a.qname + " line");
    BOOST_TEST(a.column == b.column, where + " " + a.qname + " column");
    BOOST_REQUIRE_MESSAGE(a.children.size() == b.children.size(), where + " " + a.qname + " children");
    for (std::size_t i = 0; i < a.children.size(); ++i) expect_same(*a.children[i], *b.children[i], where);
}

}  // namespace

// The tree reader replaces the DOM for decoding: what it reads, and every
// problem it reports with its place, must be what the DOM read gives.
BOOST_AUTO_TEST_CASE(the_tree_reader_reads_every_corpus_message_as_the_dom_does) {
    std::size_t compared = 0, through_dom = 0;
    for (const auto& [name, bytes] : xml_messages()) {
        bool needs_dom = false;
        XmlTree fast = read_xml_tree(bytes, readers().tree, needs_dom);
        if (needs_dom) {  // signed or encrypted: the DOM reads it
            BOOST_TEST((bytes.find(kXmlDsigNamespace) != std::string::npos ||
                        bytes.find(kXmlEncNamespace) != std::string::npos),
                       name);
            ++through_dom;
            continue;
        }
        XmlTree dom = tree_of(read_xml(bytes, readers().dom));
        BOOST_TEST(fast.fatal == dom.fatal, name);
        BOOST_REQUIRE_MESSAGE(fast.problems.size() == dom.problems.size(),
                              name + ": tree" + describe(fast.problems) + "\nDOM" + describe(dom.problems));
        for (std::size_t i = 0; i < fast.problems.size(); ++i) {
            BOOST_TEST(fast.problems[i].code == dom.problems[i].code, name);
            BOOST_TEST(fast.problems[i].message == dom.problems[i].message, name);
            BOOST_TEST(fast.problems[i].field == dom.problems[i].field, name);
            BOOST_TEST(fast.problems[i].line == dom.problems[i].line, name);
            BOOST_TEST(fast.problems[i].column == dom.problems[i].column, name);
        }
        if (!fast.fatal) {
            BOOST_REQUIRE(fast.root() && dom.root());
            expect_same(*fast.root(), *dom.root(), name);
        }
        ++compared;
    }
    BOOST_TEST(compared > 20u);
    BOOST_TEST_MESSAGE(compared << " messages read alike, " << through_dom << " signed or encrypted left to the DOM");
}

// A signature's elements are kept as XML text, which only the DOM gives: a
// message with one is read through the DOM, even when its namespace is
// written so that a search of the bytes cannot see it.
BOOST_AUTO_TEST_CASE(a_signature_in_a_disguised_namespace_is_still_read_through_the_dom) {
    auto env = shared_codec().decode(slurp(valid_messages().front()));
    BOOST_REQUIRE(env.ok());
    env->security.suite = "intl";
    env->security.signature =
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignatureValue>AAAA</ds:SignatureValue>"
        "</ds:Signature>";
    std::string bytes = shared_codec().encode(*env, Encoding::xml);
    const std::string plain = "\"http://www.w3.org/2000/09/xmldsig#\"";
    auto at = bytes.find(plain);
    BOOST_REQUIRE(at != std::string::npos);
    bytes.replace(at, plain.size(), "\"&#104;ttp://www.w3.org/2000/09/xmldsig#\"");
    BOOST_REQUIRE(bytes.find("http://www.w3.org/2000/09/xmldsig#") == std::string::npos);

    bool needs_dom = false;
    read_xml_tree(bytes, readers().tree, needs_dom);
    BOOST_TEST(needs_dom);
    auto decoded = shared_codec().decode(bytes);
    BOOST_REQUIRE_MESSAGE(decoded.ok(), describe(decoded.problems()));
    BOOST_TEST(decoded->security.signature.find("SignatureValue") != std::string::npos, decoded->security.signature);
    BOOST_TEST(decoded->security.signature.find("AAAA") != std::string::npos);
}
