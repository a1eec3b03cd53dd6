#include "bus/codec/xml_reader.hpp"

#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_scan.hpp"

#include <xercesc/dom/DOMException.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/framework/XMLPScanToken.hpp>
#include <xercesc/internal/XMLScanner.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/HandlerBase.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/util/SecurityManager.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace govbus::codec {

using namespace xercesc;

// XercesDOMParser with the caps and bookkeeping a message parser needs.
class GuardedParser : public XercesDOMParser {
public:
    GuardedParser(const XmlLimits& limits, XMLGrammarPool* pool)
        : XercesDOMParser(nullptr, XMLPlatformUtils::fgMemoryManager, pool), findings_(limits) {
        security_.setEntityExpansionLimit(100);
        setSecurityManager(&security_);
        setLoadExternalDTD(false);
        setSkipDTDValidation(true);
        setCreateEntityReferenceNodes(false);
        setDoXInclude(false);
        setDoNamespaces(true);
        setCreateCommentNodes(false);
        setLoadSchema(false);  // never fetch xsi:schemaLocation: only our cached grammars count
        setExitOnFirstFatalError(true);
        getScanner()->setDisallowDTD(true);  // what DOMLSParser's "disallow-doctype" sets
        // The scanner reports schema-validity errors only when an error handler
        // is installed; error() below receives them, the handler itself stays idle.
        setErrorHandler(&reported_);
        if (pool) {
            setDoSchema(true);
            setValidationScheme(Val_Always);
            setValidationSchemaFullChecking(false);
            useCachedGrammarInParse(true);  // XercesDOMParser spells setUseCachedGrammarInParse this way
            setHandleMultipleImports(true);
            // Whitespace between elements the schema says hold elements only:
            // no text node for it (inside the signature, which the schema
            // skips, every character stays).
            setIncludeIgnorableWhitespace(false);
        } else {
            setDoSchema(false);
            setValidationScheme(Val_Never);
        }
    }

    // Ready for the next message: the previous document and findings go.
    void clear() {
        resetDocumentPool();
        positions_.clear();
        findings_.clear();
    }

    bool stopped() const { return findings_.stopped(); }
    bool fatal() const { return findings_.fatal(); }
    Problems take_problems() { return findings_.take_problems(); }
    std::pair<int, int> position(const DOMNode* n) const {
        auto it = positions_.find(n);
        return it == positions_.end() ? std::pair<int, int>{0, 0} : it->second;
    }

    void startElement(const XMLElementDecl& decl, const unsigned int url, const XMLCh* const prefix,
                      const RefVectorOf<XMLAttr>& attrs, const XMLSize_t attr_count, const bool empty,
                      const bool root) override {
        // The base class calls endElement() itself for an empty-element tag, so
        // the path is pushed first and the new node found as the parent's last child.
        DOMNode* parent = fCurrentParent;
        // Qualified as written ("env:header"), the form data-rule findings use too.
        std::string name = to_utf8(decl.getBaseName());
        if (prefix && *prefix) name = to_utf8(prefix) + ":" + name;
        const Locator* at = getScanner()->getLocator();
        const int line = static_cast<int>(at->getLineNumber()), column = static_cast<int>(at->getColumnNumber());
        findings_.start_element(std::move(name), attr_count, line, column);
        XercesDOMParser::startElement(decl, url, prefix, attrs, attr_count, empty, root);
        if (parent && parent->getLastChild()) positions_.emplace(parent->getLastChild(), std::pair<int, int>{line, column});
    }

    void endElement(const XMLElementDecl& decl, const unsigned int url, const bool root,
                    const XMLCh* const prefix) override {
        XercesDOMParser::endElement(decl, url, root, prefix);
        findings_.end_element();
    }

    void error(const unsigned int, const XMLCh* const, const XMLErrorReporter::ErrTypes type,
               const XMLCh* const text, const XMLCh* const, const XMLCh* const, const XMLFileLoc line,
               const XMLFileLoc column) override {
        if (type == XMLErrorReporter::ErrType_Warning) return;
        findings_.report(type == XMLErrorReporter::ErrType_Fatal, to_utf8(text), static_cast<int>(line),
                         static_cast<int>(column));
    }

    // Refuses every external resource (DTD subsets, entities, schemas, XIncludes)
    // with an empty input, in case a future setting lets a request through.
    // Xerces takes ownership of the returned source.
    InputSource* resolveEntity(XMLResourceIdentifier* id) override {
        static const XMLByte nothing[1] = {0};
        return new MemBufInputSource(nothing, 0, id->getSystemId() ? id->getSystemId() : u"refused", false);
    }

private:
    SecurityManager security_;
    HandlerBase reported_;
    std::unordered_map<const DOMNode*, std::pair<int, int>> positions_;
    ScanFindings findings_;
};

ParsedXml::ParsedXml() = default;
ParsedXml::ParsedXml(ParsedXml&& other) noexcept
    : problems(std::move(other.problems)), fatal(other.fatal), parser_(std::move(other.parser_)), shelf_(other.shelf_) {}
ParsedXml& ParsedXml::operator=(ParsedXml&& other) noexcept {
    if (this != &other) {
        if (shelf_ && parser_) shelf_->give_back(std::move(parser_));
        problems = std::move(other.problems);
        fatal = other.fatal;
        parser_ = std::move(other.parser_);
        shelf_ = other.shelf_;
    }
    return *this;
}
ParsedXml::~ParsedXml() {
    if (shelf_ && parser_) shelf_->give_back(std::move(parser_));
}

ParserShelf::ParserShelf(XmlLimits limits, XMLGrammarPool* pool, std::size_t keep)
    : limits_(limits), pool_(pool), idle_(keep) {
    ensure_xerces();
}
ParserShelf::~ParserShelf() = default;

std::unique_ptr<GuardedParser> ParserShelf::take() {
    return idle_.take([&] { return std::make_unique<GuardedParser>(limits_, pool_); });
}

void ParserShelf::give_back(std::unique_ptr<GuardedParser> parser) {
    parser->clear();
    idle_.give_back(std::move(parser));
}

DOMDocument* ParsedXml::document() const { return fatal || !parser_ ? nullptr : parser_->getDocument(); }

std::pair<int, int> ParsedXml::position(const DOMNode* element) const {
    return parser_ ? parser_->position(element) : std::pair<int, int>{0, 0};
}

namespace {

void scan(std::string_view bytes, GuardedParser& parser, ParsedXml& out) {
    MemBufInputSource source(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(), u"message", false);
    try {
        // Progressive parsing, so a cap stops the scan at the element that broke it.
        XMLPScanToken token;
        bool more = parser.parseFirst(source, token);
        while (more && !parser.stopped()) more = parser.parseNext(token);
        if (parser.stopped()) parser.parseReset(token);
    } catch (const XMLException& e) {
        out.problems.push_back(make_problem("xml.malformed", "the message could not be read: " + to_utf8(e.getMessage())));
        out.fatal = true;
    } catch (const DOMException& e) {
        out.problems.push_back(make_problem("xml.malformed", "the message could not be read: " + to_utf8(e.getMessage())));
        out.fatal = true;
    }
    Problems found = parser.take_problems();
    out.problems.insert(out.problems.end(), found.begin(), found.end());
    out.fatal = out.fatal || parser.fatal();
    if (!out.fatal && !parser.getDocument()) {
        out.fatal = true;
        out.problems.push_back(make_problem("xml.malformed", "the message has no root element"));
    }
}

}  // namespace

ParsedXml read_xml(std::string_view bytes, const XmlLimits& limits, XMLGrammarPool* pool) {
    ensure_xerces();
    ParsedXml out;
    if ((out.fatal = refused_unread(bytes, limits, out.problems))) return out;
    out.parser_ = std::make_unique<GuardedParser>(limits, pool);
    scan(bytes, *out.parser_, out);
    return out;
}

ParsedXml read_xml(std::string_view bytes, ParserShelf& shelf) {
    ParsedXml out;
    if ((out.fatal = refused_unread(bytes, shelf.limits(), out.problems))) return out;
    out.parser_ = shelf.take();
    out.shelf_ = &shelf;
    scan(bytes, *out.parser_, out);
    return out;
}

}  // namespace govbus::codec
