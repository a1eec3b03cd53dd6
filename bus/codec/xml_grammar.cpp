#include "bus/codec/xml_grammar.hpp"

#include "bus/codec/xerces_runtime.hpp"

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/util/regx/RangeToken.hpp>
#include <xercesc/util/regx/RegularExpression.hpp>
#include <xercesc/validators/datatype/DatatypeValidatorFactory.hpp>
#include <xercesc/validators/datatype/ListDatatypeValidator.hpp>
#include <xercesc/validators/datatype/UnionDatatypeValidator.hpp>
#include <xercesc/validators/schema/ComplexTypeInfo.hpp>
#include <xercesc/validators/schema/SchemaGrammar.hpp>

#include <set>
#include <stdexcept>
#include <string>

namespace govbus::codec {

using namespace xercesc;

namespace {

// Collects the first schema error, so start-up can name what is wrong.
class SchemaErrors : public ErrorHandler {
public:
    void warning(const SAXParseException&) override {}
    void error(const SAXParseException& e) override { note(e); }
    void fatalError(const SAXParseException& e) override { note(e); }
    void resetErrors() override { first.clear(); }
    std::string first;

private:
    void note(const SAXParseException& e) {
        if (first.empty())
            first = std::to_string(e.getLineNumber()) + ":" + std::to_string(e.getColumnNumber()) + ": " +
                    to_utf8(e.getMessage());
    }
};

std::string unescape_attribute(std::string_view v) {
    static const std::pair<std::string_view, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    std::string out;
    for (std::size_t i = 0; i < v.size();) {
        bool replaced = false;
        for (const auto& [name, c] : entities)
            if (v.substr(i, name.size()) == name) {
                out.push_back(c);
                i += name.size();
                replaced = true;
                break;
            }
        if (!replaced) out.push_back(v[i++]);
    }
    return out;
}

// The XSDs repeat the JSON Schemas' patterns as xs:pattern facets (the XSD
// form matches the whole value: no ^ and $). The codec checks every pattern
// itself after parsing, the same way for both encodings, so the facets are
// taken out of the text Xerces compiles: its backtracking matcher cost a
// quarter of decoding an XML message. A facet whose pattern the JSON Schemas
// do not have would go unchecked, so it stops the start-up instead.
std::string without_patterns(const std::string& xsd, const std::filesystem::path& file, const PatternSet& patterns) {
    static constexpr std::string_view open = "<xs:pattern value=\"";
    std::string out;
    std::size_t from = 0;
    for (std::size_t at; (at = xsd.find(open, from)) != std::string::npos;) {
        const std::size_t value_end = xsd.find('"', at + open.size());
        const std::size_t close = value_end == std::string::npos ? value_end : xsd.find("/>", value_end);
        if (close == std::string::npos)
            throw std::runtime_error("XML schema " + file.string() + ": an xs:pattern element is not closed");
        const std::string value = unescape_attribute(std::string_view(xsd).substr(at + open.size(), value_end - at - open.size()));
        if (!patterns.find("^" + value + "$"))
            throw std::runtime_error("XML schema " + file.string() + ": xs:pattern \"" + value +
                                     "\" has no \"^" + value + "$\" in the JSON Schemas, so nothing would check it");
        out.append(xsd, from, at - from);
        from = close + 2;
    }
    out.append(xsd, from, std::string::npos);
    return out;
}

void load(XercesDOMParser& loader, SchemaErrors& errors, const std::filesystem::path& xsd, const PatternSet& patterns) {
    errors.resetErrors();
    const std::string text = without_patterns(read_schema_file(xsd), xsd, patterns);
    const std::string id = xsd.string();
    MemBufInputSource source(reinterpret_cast<const XMLByte*>(text.data()), text.size(), id.c_str());
    Grammar* g = loader.loadGrammar(source, Grammar::SchemaGrammarType, true);
    if (!g || !errors.first.empty())
        throw std::runtime_error("cannot load XML schema " + xsd.string() + ":" + errors.first);
}

// Xerces builds some parts of a loaded schema the first time a document
// needs them: the lookup table of a pattern's character class ([0-9], [-+],
// ...) and a complex type's content model (and its text for error messages).
// Two threads doing that at once abort the process (RangeToken::doCreateMap
// asserts) or build a content model twice and leak one. Every such part is
// built here, while one thread holds the pool, so validation only reads them.
//
// Neither a validator's compiled pattern nor the pattern's parsed form has a
// public accessor. A derived class may name a protected member, and the
// pointer to member it forms reaches that member of any instance of the base.
struct ValidatorPattern : DatatypeValidator {
    static RegularExpression* of(const DatatypeValidator& dv) { return (dv.*(&ValidatorPattern::getRegex))(); }
};
struct PatternTree : RegularExpression {
    static Token* of(const RegularExpression& r) { return r.*(&PatternTree::fTokenTree); }
};

void build_range_tables(Token* t) {
    if (!t) return;
    if (t->getTokenType() == Token::T_RANGE || t->getTokenType() == Token::T_NRANGE)
        static_cast<RangeToken*>(t)->createMap();
    for (XMLSize_t i = 0; i < t->size(); ++i) build_range_tables(t->getChild(i));
}

void build_range_tables(DatatypeValidator* dv, std::set<DatatypeValidator*>& seen) {
    for (; dv && seen.insert(dv).second; dv = dv->getBaseValidator()) {
        if (RegularExpression* r = ValidatorPattern::of(*dv)) build_range_tables(PatternTree::of(*r));
        if (dv->getType() == DatatypeValidator::Union)
            if (auto* members = static_cast<UnionDatatypeValidator*>(dv)->getMemberTypeValidators())
                for (XMLSize_t i = 0; i < members->size(); ++i) build_range_tables(members->elementAt(i), seen);
        if (dv->getType() == DatatypeValidator::List)
            build_range_tables(static_cast<ListDatatypeValidator*>(dv)->getItemTypeDTV(), seen);
    }
}

void build_range_tables(DVHashTable* registry, std::set<DatatypeValidator*>& seen) {
    if (!registry) return;
    RefHashTableOfEnumerator<DatatypeValidator> e(registry, false, XMLPlatformUtils::fgMemoryManager);
    while (e.hasMoreElements()) build_range_tables(&e.nextElement(), seen);
}

void build_content_model(ComplexTypeInfo* type) {
    if (!type) return;
    type->getContentModel();
    type->getFormattedContentModel();
}

void build_lazy_parts(XMLGrammarPool& pool) {
    std::set<DatatypeValidator*> seen;
    build_range_tables(DatatypeValidatorFactory::getBuiltInRegistry(), seen);
    RefHashTableOfEnumerator<Grammar> grammars = pool.getGrammarEnumerator();
    while (grammars.hasMoreElements()) {
        Grammar& g = grammars.nextElement();
        if (g.getGrammarType() != Grammar::SchemaGrammarType) continue;
        auto& schema = static_cast<SchemaGrammar&>(g);
        build_range_tables(schema.getDatatypeRegistry()->getUserDefinedRegistry(), seen);
        if (auto* types = schema.getComplexTypeRegistry()) {
            RefHashTableOfEnumerator<ComplexTypeInfo> e(types, false, XMLPlatformUtils::fgMemoryManager);
            while (e.hasMoreElements()) build_content_model(&e.nextElement());
        }
        auto elements = schema.getElemEnumerator();  // local elements' anonymous types too
        while (elements.hasMoreElements()) build_content_model(elements.nextElement().getComplexTypeInfo());
    }
}

}  // namespace

GrammarPool::GrammarPool(const SchemaSet& schemas) {
    ensure_xerces();
    pool_ = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
    SchemaErrors errors;
    {
        XercesDOMParser loader(nullptr, XMLPlatformUtils::fgMemoryManager, pool_.get());
        loader.setErrorHandler(&errors);
        loader.setDoNamespaces(true);
        loader.setDoSchema(true);
        loader.setValidationSchemaFullChecking(true);  // once, at start-up: catches ambiguous content models
        loader.setHandleMultipleImports(true);
        load(loader, errors, schemas.envelope_xsd(), schemas.patterns());
        for (const auto& [key, payload] : schemas.payloads()) load(loader, errors, payload.xsd, schemas.patterns());
    }
    pool_->lockPool();
    build_lazy_parts(*pool_);
}

GrammarPool::~GrammarPool() = default;

}  // namespace govbus::codec
