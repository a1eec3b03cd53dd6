// Safe XML parsing for untrusted messages (DESIGN.md "Security"): size cap
// before parsing, no DOCTYPE (so no DTD, no entity declarations, no billion
// laughs, no external entities), nothing fetched from outside, element depth
// and attribute count caps enforced while scanning, schema validation from a
// locked grammar pool. Every problem carries line:column and an XPath.
#pragma once

#include "bus/core/problem.hpp"

#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/framework/XMLGrammarPool.hpp>

#include <memory>
#include <string_view>
#include <utility>

namespace govbus::codec {

struct XmlLimits {
    std::size_t max_bytes = 10u << 20;
    int max_depth = 64;
    int max_attributes = 64;
};

class GuardedParser;

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
    std::unique_ptr<GuardedParser> parser_;
};

// Parses `bytes`. With a grammar pool the document is validated against the
// schemas cached there (and only those: schema locations in the document are
// ignored); without one it is only checked to be well-formed.
ParsedXml read_xml(std::string_view bytes, const XmlLimits& limits, xercesc::XMLGrammarPool* pool);

}  // namespace govbus::codec
