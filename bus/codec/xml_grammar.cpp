#include "bus/codec/xml_grammar.hpp"

#include "bus/codec/xerces_runtime.hpp"

#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>

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

void load(XercesDOMParser& loader, SchemaErrors& errors, const std::filesystem::path& xsd) {
    errors.resetErrors();
    Grammar* g = loader.loadGrammar(xsd.c_str(), Grammar::SchemaGrammarType, true);
    if (!g || !errors.first.empty())
        throw std::runtime_error("cannot load XML schema " + xsd.string() + ":" + errors.first);
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
        load(loader, errors, schemas.envelope_xsd());
        for (const auto& [key, payload] : schemas.payloads()) load(loader, errors, payload.xsd);
    }
    pool_->lockPool();
}

GrammarPool::~GrammarPool() = default;

}  // namespace govbus::codec
