// Safe XML parsing for untrusted messages (DESIGN.md "Security"): size cap
// before parsing, no DOCTYPE (so no DTD, no entity declarations, no billion
// laughs, no external entities), nothing fetched from outside, element depth
// and attribute count caps enforced while scanning, schema validation from a
// locked grammar pool. Every problem carries line:column and an XPath.
#pragma once

#include "bus/codec/object_shelf.hpp"
#include "bus/core/problem.hpp"

#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/framework/XMLGrammarPool.hpp>

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace govbus::codec {

struct XmlLimits {
    std::size_t max_bytes = 10u << 20;
    int max_depth = 64;
    int max_attributes = 64;
};

class GuardedParser;
class ParserShelf;

// A parsed document and what was wrong with it. `document` is null when the
// input was not usable at all (malformed, over a limit); schema problems leave
// a document to read the header from.
class ParsedXml {
public:
    ParsedXml();
    ParsedXml(ParsedXml&&) noexcept;
    ParsedXml& operator=(ParsedXml&&) noexcept;
    ~ParsedXml();

    xercesc::DOMDocument* document() const;
    Problems problems;
    bool fatal = false;

    // Where an element started in the input (1-based), {0, 0} when unknown.
    std::pair<int, int> position(const xercesc::DOMNode* element) const;

private:
    friend ParsedXml read_xml(std::string_view, const XmlLimits&, xercesc::XMLGrammarPool*);
    friend ParsedXml read_xml(std::string_view, ParserShelf&);
    std::unique_ptr<GuardedParser> parser_;
    ParserShelf* shelf_ = nullptr;  // where parser_ goes back when this is dropped
};

// Parsers kept for reuse: setting up a Xerces parser costs more than parsing
// a small message (bench/RESULTS.md "Envelope codecs"). Thread-safe; a parser
// serves one message at a time and its document is released when it returns.
// Must outlive every ParsedXml read with it, and be destroyed before `pool`.
class ParserShelf {
public:
    ParserShelf(XmlLimits limits, xercesc::XMLGrammarPool* pool, std::size_t keep = 8);
    ~ParserShelf();
    ParserShelf(const ParserShelf&) = delete;
    ParserShelf& operator=(const ParserShelf&) = delete;

    const XmlLimits& limits() const { return limits_; }

private:
    friend ParsedXml read_xml(std::string_view, ParserShelf&);
    friend class ParsedXml;
    std::unique_ptr<GuardedParser> take();
    void give_back(std::unique_ptr<GuardedParser> parser);

    XmlLimits limits_;
    xercesc::XMLGrammarPool* pool_;
    ObjectShelf<GuardedParser> idle_;
};

// Parses `bytes`. With a grammar pool the document is validated against the
// schemas cached there (and only those: schema locations in the document are
// ignored); without one it is only checked to be well-formed.
ParsedXml read_xml(std::string_view bytes, const XmlLimits& limits, xercesc::XMLGrammarPool* pool);
// The same with a parser from `shelf` (its limits and grammar pool).
ParsedXml read_xml(std::string_view bytes, ParserShelf& shelf);

}  // namespace govbus::codec
