#include "bus/codec/xml_writer.hpp"

#include "bus/codec/xerces_runtime.hpp"

#include <xercesc/dom/DOMConfiguration.hpp>
#include <xercesc/dom/DOMImplementation.hpp>
#include <xercesc/dom/DOMImplementationLS.hpp>
#include <xercesc/dom/DOMImplementationRegistry.hpp>
#include <xercesc/dom/DOMLSOutput.hpp>
#include <xercesc/dom/DOMLSSerializer.hpp>
#include <xercesc/framework/MemBufFormatTarget.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <memory>

namespace govbus::codec {

using namespace xercesc;

namespace {
template <class T>
struct Release {
    void operator()(T* p) const { p->release(); }
};
}  // namespace

std::string serialize(const DOMNode* node, bool pretty, bool declaration) {
    DOMImplementationLS* impl = DOMImplementationRegistry::getDOMImplementation(u"LS");
    std::unique_ptr<DOMLSSerializer, Release<DOMLSSerializer>> writer(impl->createLSSerializer());
    DOMConfiguration* config = writer->getDomConfig();
    if (config->canSetParameter(XMLUni::fgDOMWRTFormatPrettyPrint, pretty))
        config->setParameter(XMLUni::fgDOMWRTFormatPrettyPrint, pretty);
    config->setParameter(XMLUni::fgDOMXMLDeclaration, declaration);
    writer->setNewLine(u"\n");
    std::unique_ptr<DOMLSOutput, Release<DOMLSOutput>> output(impl->createLSOutput());
    MemBufFormatTarget target;
    output->setByteStream(&target);
    output->setEncoding(u"UTF-8");
    writer->write(node, output.get());
    std::string out(reinterpret_cast<const char*>(target.getRawBuffer()), target.getLen());
    if (pretty && !out.empty() && out.back() != '\n') out.push_back('\n');
    return out;
}

}  // namespace govbus::codec
