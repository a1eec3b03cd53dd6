#include "bus/codec/xml_tree.hpp"

#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_scan.hpp"
#include "bus/codec/xml_writer.hpp"

#include <xercesc/dom/DOMAttr.hpp>
#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/dom/DOMElement.hpp>
#include <xercesc/dom/DOMNamedNodeMap.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLPScanToken.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLUni.hpp>

namespace govbus::codec {

using namespace xercesc;

const std::string kXmlDsigNamespace = "http://www.w3.org/2000/09/xmldsig#";
const std::string kXmlEncNamespace = "http://www.w3.org/2001/04/xmlenc#";

namespace {

const std::u16string kXmlnsNamespace = u"http://www.w3.org/2000/xmlns/";

bool needs_dom_namespace(std::string_view ns) { return ns == kXmlDsigNamespace || ns == kXmlEncNamespace; }

}  // namespace

std::string_view XmlTree::intern(std::string_view ns) {
    for (const auto& n : namespaces_)
        if (n == ns) return n;
    return namespaces_.emplace_back(ns);
}

const XmlElement* child_named(const XmlElement* parent, std::string_view local) {
    if (!parent) return nullptr;
    for (const XmlElement* c : parent->children)
        if (c->local == local) return c;
    return nullptr;
}

std::string_view attribute(const XmlElement& element, std::string_view local) {
    for (const auto& [name, value] : element.attributes)
        if (name == local) return value;
    return {};
}

// A SAX2 reader with the settings of the DOM parser (xml_reader.cpp), and the
// handler that builds the tree from its events.
class TreeBuilder : public DefaultHandler {
public:
    TreeBuilder(const XmlLimits& limits, XMLGrammarPool* pool)
        : findings_(limits), reader_(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, pool)) {
        security_.setEntityExpansionLimit(100);
        reader_->setProperty(XMLUni::fgXercesSecurityManager, &security_);
        reader_->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
        reader_->setFeature(XMLUni::fgSAX2CoreNameSpacePrefixes, false);
        reader_->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
        reader_->setFeature(XMLUni::fgXercesSkipDTDValidation, true);
        reader_->setFeature(XMLUni::fgXercesLoadSchema, false);  // only our cached grammars count
        reader_->setFeature(XMLUni::fgXercesContinueAfterFatalError, false);
        // No DOCTYPE gets this far: refused_unread() finds any in the prolog,
        // the only place XML allows one (SAX2 has no disallow-doctype switch).
        // Without a grammar pool: well-formedness only, as read_xml without one.
        reader_->setFeature(XMLUni::fgSAX2CoreValidation, pool != nullptr);
        reader_->setFeature(XMLUni::fgXercesDynamic, false);
        reader_->setFeature(XMLUni::fgXercesSchema, pool != nullptr);
        reader_->setFeature(XMLUni::fgXercesSchemaFullChecking, false);
        reader_->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, pool != nullptr);
        reader_->setFeature(XMLUni::fgXercesHandleMultipleImports, true);
        reader_->setContentHandler(this);
        reader_->setErrorHandler(this);
        reader_->setEntityResolver(this);
    }

    void read(std::string_view bytes, XmlTree& out, bool& needs_dom) {
        tree_ = &out;
        stack_.clear();
        namespaces_.clear();
        findings_.clear();
        needs_dom_ = false;
        MemBufInputSource source(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(), u"message", false);
        try {
            // Progressive parsing, so a cap stops the scan at the element that broke it.
            XMLPScanToken token;
            bool more = reader_->parseFirst(source, token);
            while (more && !halted()) more = reader_->parseNext(token);
            if (halted()) reader_->parseReset(token);
        } catch (const XMLException& e) {
            out.problems.push_back(
                make_problem("xml.malformed", "the message could not be read: " + to_utf8(e.getMessage())));
            out.fatal = true;
        } catch (const SAXException& e) {
            out.problems.push_back(
                make_problem("xml.malformed", "the message could not be read: " + to_utf8(e.getMessage())));
            out.fatal = true;
        }
        Problems found = findings_.take_problems();
        out.problems.insert(out.problems.end(), found.begin(), found.end());
        out.fatal = out.fatal || findings_.fatal();
        needs_dom = needs_dom_;
        if (!out.fatal && !needs_dom && !out.root()) {
            out.fatal = true;
            out.problems.push_back(make_problem("xml.malformed", "the message has no root element"));
        }
        tree_ = nullptr;
    }

    void setDocumentLocator(const Locator* const locator) override { locator_ = locator; }

    void startElement(const XMLCh* const uri, const XMLCh* const local, const XMLCh* const qname,
                      const Attributes& attrs) override {
        const int line = locator_ ? static_cast<int>(locator_->getLineNumber()) : 0;
        const int column = locator_ ? static_cast<int>(locator_->getColumnNumber()) : 0;
        std::string name = to_utf8(qname);
        if (!findings_.start_element(name, attrs.getLength(), line, column)) return;
        const std::string_view ns = namespace_of(uri);
        if (needs_dom_namespace(ns)) {
            needs_dom_ = true;
            return;
        }
        XmlElement& e = tree_->elements_.emplace_back();
        e.ns = ns;
        e.local = to_utf8(local);
        e.qname = std::move(name);
        e.line = line;
        e.column = column;
        for (XMLSize_t i = 0; i < attrs.getLength(); ++i)
            e.attributes.emplace_back(to_utf8(attrs.getLocalName(i)), to_utf8(attrs.getValue(i)));
        if (!stack_.empty()) stack_.back()->children.push_back(&e);
        stack_.push_back(&e);
    }

    void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
        findings_.end_element();
        if (!stack_.empty()) stack_.pop_back();
    }

    void characters(const XMLCh* const chars, const XMLSize_t length) override {
        if (!stack_.empty()) append_utf8(stack_.back()->text, std::u16string_view(chars, length));
    }

    // Whitespace between elements the schema says hold elements only: not
    // text, as the DOM parser leaves it out too.
    void ignorableWhitespace(const XMLCh* const, const XMLSize_t) override {}

    void warning(const SAXParseException&) override {}
    void error(const SAXParseException& e) override { report(false, e); }
    void fatalError(const SAXParseException& e) override { report(true, e); }

    // Refuses every external resource with an empty input, as the DOM parser does.
    InputSource* resolveEntity(const XMLCh* const, const XMLCh* const system_id) override {
        static const XMLByte nothing[1] = {0};
        return new MemBufInputSource(nothing, 0, system_id ? system_id : u"refused", false);
    }

private:
    bool halted() const { return findings_.stopped() || needs_dom_; }
    // A message uses a few namespaces for all its elements: each is converted
    // and stored in the tree once. Xerces hands the same URI over as the same
    // pointer (its URI pool), so that is looked at first.
    std::string_view namespace_of(const XMLCh* uri) {
        for (const auto& n : namespaces_)
            if (n.pointer == uri) return n.interned;
        const std::u16string_view key = uri ? std::u16string_view(uri) : std::u16string_view();
        for (const auto& n : namespaces_)
            if (n.utf16 == key) return n.interned;
        namespaces_.push_back({uri, std::u16string(key), tree_->intern(to_utf8(key))});
        return namespaces_.back().interned;
    }
    void report(bool fatal, const SAXParseException& e) {
        findings_.report(fatal, to_utf8(e.getMessage()), static_cast<int>(e.getLineNumber()),
                         static_cast<int>(e.getColumnNumber()));
    }

    SecurityManager security_;
    ScanFindings findings_;
    std::unique_ptr<SAX2XMLReader> reader_;  // after security_, which it points to
    const Locator* locator_ = nullptr;
    XmlTree* tree_ = nullptr;
    std::vector<XmlElement*> stack_;
    struct Namespace {
        const XMLCh* pointer;
        std::u16string utf16;
        std::string_view interned;
    };
    std::vector<Namespace> namespaces_;  // of the message being read
    bool needs_dom_ = false;
};

TreeReaderShelf::TreeReaderShelf(XmlLimits limits, XMLGrammarPool* pool, std::size_t keep)
    : limits_(limits), pool_(pool), idle_(keep) {
    ensure_xerces();
}
TreeReaderShelf::~TreeReaderShelf() = default;

XmlTree read_xml_tree(std::string_view bytes, TreeReaderShelf& shelf, bool& needs_dom) {
    XmlTree out;
    needs_dom = false;
    if ((out.fatal = refused_unread(bytes, shelf.limits_, out.problems))) return out;
    auto builder = shelf.idle_.take([&] { return std::make_unique<TreeBuilder>(shelf.limits_, shelf.pool_); });
    builder->read(bytes, out, needs_dom);
    shelf.idle_.give_back(std::move(builder));
    return out;
}

namespace {

void add_element(XmlTree& tree, std::deque<XmlElement>& elements, const ParsedXml& parsed, const DOMElement* dom,
                 XmlElement* parent) {
    XmlElement& e = elements.emplace_back();
    e.ns = tree.intern(to_utf8(dom->getNamespaceURI()));
    e.local = to_utf8(dom->getLocalName());
    e.qname = to_utf8(dom->getNodeName());
    std::tie(e.line, e.column) = parsed.position(dom);
    if (const DOMNamedNodeMap* attrs = dom->getAttributes()) {
        for (XMLSize_t i = 0; i < attrs->getLength(); ++i) {
            const auto* a = static_cast<const DOMAttr*>(attrs->item(i));
            if (a->getNamespaceURI() && kXmlnsNamespace == a->getNamespaceURI()) continue;
            e.attributes.emplace_back(to_utf8(a->getLocalName() ? a->getLocalName() : a->getName()),
                                      to_utf8(a->getValue()));
        }
    }
    e.text = text_of(dom);
    if (needs_dom_namespace(e.ns) && (!parent || !needs_dom_namespace(parent->ns)))
        e.serialized = serialize(dom, false, false);
    if (parent) parent->children.push_back(&e);
    for (const DOMElement* c = first_element(dom); c; c = next_element(c)) add_element(tree, elements, parsed, c, &e);
}

}  // namespace

XmlTree tree_of(const ParsedXml& parsed) {
    XmlTree out;
    out.problems = parsed.problems;
    out.fatal = parsed.fatal;
    const DOMDocument* doc = parsed.document();
    if (out.fatal || !doc || !doc->getDocumentElement()) {
        out.fatal = true;
        return out;
    }
    add_element(out, out.elements_, parsed, doc->getDocumentElement(), nullptr);
    return out;
}

}  // namespace govbus::codec
