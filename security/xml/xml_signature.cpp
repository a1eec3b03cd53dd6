#include "security/xml/xml_signature.hpp"

#include "bus/codec/xerces_runtime.hpp"
#include "security/jose/canonical_json.hpp"
#include "security/jose/jose_common.hpp"
#include "security/xml/xml_envelope.hpp"

#include <xercesc/dom/DOMNodeList.hpp>
#include <xsec/dsig/DSIGConstants.hpp>
#include <xsec/dsig/DSIGKeyInfoX509.hpp>
#include <xsec/dsig/DSIGReference.hpp>
#include <xsec/dsig/DSIGSignature.hpp>
#include <xsec/enc/OpenSSL/OpenSSLCryptoKeyEC.hpp>
#include <xsec/enc/OpenSSL/OpenSSLCryptoKeyRSA.hpp>
#include <xsec/framework/XSECException.hpp>
#include <xsec/framework/XSECProvider.hpp>
#include <xsec/enc/XSECCryptoException.hpp>

#include <vector>

namespace govbus::security {

using namespace xercesc;
using namespace xml;

namespace {

constexpr char kRsaSha256[] = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
constexpr char kEcdsaSha256[] = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
constexpr char kSha256[] = "http://www.w3.org/2001/04/xmlenc#sha256";

// XML-Security-C objects are released by their provider.
struct SignatureRelease {
    XSECProvider* provider;
    void operator()(DSIGSignature* s) const { provider->releaseSignature(s); }
};
using SignaturePtr = std::unique_ptr<DSIGSignature, SignatureRelease>;

XSECCryptoKey* xsec_key(EVP_PKEY* key) {
    if (is_rsa_key(key)) return new OpenSSLCryptoKeyRSA(key);  // the signature object takes ownership
    return new OpenSSLCryptoKeyEC(key);
}

DOMElement* child(const DOMElement* parent, const char16_t* ns, std::u16string_view local) {
    for (DOMElement* c = codec::first_element(parent); c; c = codec::next_element(c))
        if (c->getNamespaceURI() && std::u16string_view(c->getNamespaceURI()) == ns && c->getLocalName() &&
            std::u16string_view(c->getLocalName()) == local)
            return c;
    return nullptr;
}

std::vector<DOMElement*> children(const DOMElement* parent, const char16_t* ns, std::u16string_view local) {
    std::vector<DOMElement*> out;
    for (DOMElement* c = codec::first_element(parent); c; c = codec::next_element(c))
        if (c->getNamespaceURI() && std::u16string_view(c->getNamespaceURI()) == ns && c->getLocalName() &&
            std::u16string_view(c->getLocalName()) == local)
            out.push_back(c);
    return out;
}

std::string attr(const DOMElement* e, const char16_t* name) { return e ? utf8(e->getAttributeNS(nullptr, name)) : ""; }

DOMElement* ds(DOMDocument* doc, const char16_t* local) {
    return doc->createElementNS(kDsigNs, (std::u16string(u"ds:") + local).c_str());
}

DOMElement* ds_with_algorithm(DOMDocument* doc, const char16_t* local, const std::string& alg) {
    DOMElement* e = ds(doc, local);
    e->setAttributeNS(nullptr, u"Algorithm", u16(alg).c_str());
    return e;
}

// The element a signature must cover besides the header.
DOMElement* body_of(const XmlEnvelope& env) { return env.payload() ? env.payload() : env.encrypted_data(); }

// gm: the ds:Signature is assembled here; c14n by XML-Security-C, SM3 and SM2 by OpenSSL.
Status sign_gm(XmlEnvelope& env, DOMElement* sig_parent, DOMElement* before, const std::vector<DOMElement*>& targets,
               EVP_PKEY* key, X509* cert) {
    DOMDocument* doc = env.document();
    DOMElement* signature = ds(doc, u"Signature");
    signature->setAttributeNS(u"http://www.w3.org/2000/xmlns/", u"xmlns:ds", kDsigNs);
    DOMElement* info = ds(doc, u"SignedInfo");
    info->appendChild(ds_with_algorithm(doc, u"CanonicalizationMethod", utf8(kExcC14n)));
    info->appendChild(ds_with_algorithm(doc, u"SignatureMethod", kXmlSm2Sm3));
    for (DOMElement* t : targets) {
        DOMElement* ref = ds(doc, u"Reference");
        ref->setAttributeNS(nullptr, u"URI", u16("#" + attr(t, u"Id")).c_str());
        DOMElement* transforms = ds(doc, u"Transforms");
        transforms->appendChild(ds_with_algorithm(doc, u"Transform", utf8(kExcC14n)));
        ref->appendChild(transforms);
        ref->appendChild(ds_with_algorithm(doc, u"DigestMethod", kXmlSm3));
        DOMElement* value = ds(doc, u"DigestValue");
        value->setTextContent(u16(base64_encode_standard(sm3(exclusive_c14n(doc, t)))).c_str());
        ref->appendChild(value);
        info->appendChild(ref);
    }
    signature->appendChild(info);
    DOMElement* value = ds(doc, u"SignatureValue");
    signature->appendChild(value);
    DOMElement* key_info = ds(doc, u"KeyInfo");
    DOMElement* x509 = ds(doc, u"X509Data");
    DOMElement* c = ds(doc, u"X509Certificate");
    c->setTextContent(u16(base64_encode_standard(certificate_der(cert))).c_str());
    x509->appendChild(c);
    key_info->appendChild(x509);
    signature->appendChild(key_info);
    sig_parent->insertBefore(signature, before);
    auto sig = sign(key, SignatureAlgorithm::sm2_sm3, exclusive_c14n(doc, info));
    if (!sig) return sig.problems();
    value->setTextContent(u16(base64_encode_standard(*sig)).c_str());
    return ok_status();
}

Status verify_gm(const XmlEnvelope& env, DOMElement* signature, X509* cert) {
    DOMElement* info = child(signature, kDsigNs, u"SignedInfo");
    PKey key = public_key_of(cert);
    for (DOMElement* ref : children(info, kDsigNs, u"Reference")) {
        const std::string uri = attr(ref, u"URI");
        DOMElement* target = env.document()->getElementById(u16(uri.substr(1)).c_str());
        DOMElement* digest = child(ref, kDsigNs, u"DigestValue");
        if (!target || !digest) return make_problem("security.bad_signature", "reference " + uri + " does not resolve");
        if (base64_encode_standard(sm3(exclusive_c14n(env.document(), target))) != codec::text_of(digest))
            return make_problem("security.bad_signature", "the digest of " + uri + " does not match: it was altered");
    }
    std::string b64 = codec::text_of(child(signature, kDsigNs, u"SignatureValue"));
    std::erase_if(b64, [](char ch) { return ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t'; });
    auto raw = base64_decode_standard(b64);
    if (!raw) return make_problem("security.bad_signature", "SignatureValue is not base64");
    return verify(key.get(), SignatureAlgorithm::sm2_sm3, exclusive_c14n(env.document(), info), *raw);
}

Problem xsec_problem(const char* code, const std::string& what) { return make_problem(code, what); }

}  // namespace

Result<std::string> sign_xml_envelope(std::string_view xml, EVP_PKEY* key, X509* cert) {
    auto parsed = XmlEnvelope::parse(xml);
    if (!parsed) return parsed.problems();
    XmlEnvelope& env = parsed.value();
    auto alg = natural_algorithm(key);
    if (!alg) return alg.problems();
    const bool gm = *alg == SignatureAlgorithm::sm2_sm3;
    DOMElement* body = body_of(env);
    if (!body) return make_problem("security.sign_failed", "the envelope has neither a payload nor an encrypted payload");
    const std::string mid = env.message_id();
    env.ensure_id(env.header(), "h-" + mid);
    env.ensure_id(body, (body == env.payload() ? "p-" : "e-") + mid);
    env.set_security_field(u"suite", gm ? "gm" : "intl");
    env.set_security_field(u"signer", common_name(cert));
    DOMElement* sec = env.security();
    for (DOMElement* old : children(sec, kDsigNs, u"Signature")) sec->removeChild(old)->release();
    DOMElement* before = env.encrypted_data();  // XSD order: the signature precedes xenc:EncryptedData

    if (gm) {
        if (auto st = sign_gm(env, sec, before, {env.header(), body}, key, cert); !st) return st.problems();
        return env.serialize();
    }
    try {
        XSECProvider provider;
        SignaturePtr sig(provider.newSignature(), SignatureRelease{&provider});
        sig->setDSIGNSPrefix(u"ds");
        DOMElement* element = sig->createBlankSignature(
            env.document(), DSIGConstants::s_unicodeStrURIEXC_C14N_NOC,
            *alg == SignatureAlgorithm::rsa_sha256 ? DSIGConstants::s_unicodeStrURIRSA_SHA256
                                                   : DSIGConstants::s_unicodeStrURIECDSA_SHA256);
        sec->insertBefore(element, before);
        for (DOMElement* t : {env.header(), body}) {
            DSIGReference* ref = sig->createReference(u16("#" + attr(t, u"Id")).c_str(), DSIGConstants::s_unicodeStrURISHA256);
            ref->appendCanonicalizationTransform(DSIGConstants::s_unicodeStrURIEXC_C14N_NOC);
        }
        sig->appendX509Data()->appendX509Certificate(u16(base64_encode_standard(certificate_der(cert))).c_str());
        sig->setSigningKey(xsec_key(key));
        sig->sign();
    } catch (const XSECException& e) {
        return xsec_problem("security.sign_failed", "XML signature: " + utf8(e.getMsg()));
    } catch (const XSECCryptoException& e) {
        return xsec_problem("security.sign_failed", std::string("XML signature: ") + e.getMsg());
    }
    return env.serialize();
}

Result<XmlSignatureCheck> verify_xml_envelope(std::string_view xml) {
    auto parsed = XmlEnvelope::parse(xml);
    if (!parsed) return parsed.problems();
    XmlEnvelope& env = parsed.value();
    DOMNodeList* all = env.document()->getElementsByTagNameNS(kDsigNs, u"Signature");
    if (all->getLength() == 0)
        return make_problem("security.signature_missing", "the envelope carries no ds:Signature", "/envelope/security");
    DOMElement* signature = static_cast<DOMElement*>(all->item(0));
    if (all->getLength() > 1 || signature->getParentNode() != env.security())
        return make_problem("security.signature_wrapping",
                            "exactly one ds:Signature is allowed, as a child of env:security");
    if (!env.ids_unique())
        return make_problem("security.duplicate_id", "two elements share an Id value: a reference could name either");
    DOMElement* body = body_of(env);
    if (!body) return make_problem("security.signature_wrapping", "the envelope has no payload for the signature to cover");
    // The node routes on the header at position one and reads the payload of
    // the root: the signature must cover exactly those two elements.
    const std::string header_id = env.ensure_id(env.header(), ""), body_id = env.ensure_id(body, "");
    DOMElement* info = child(signature, kDsigNs, u"SignedInfo");
    const auto refs = children(info, kDsigNs, u"Reference");
    std::vector<std::string> uris;
    for (DOMElement* ref : refs) {
        uris.push_back(attr(ref, u"URI"));
        DOMElement* transforms = child(ref, kDsigNs, u"Transforms");
        for (DOMElement* t : children(transforms, kDsigNs, u"Transform"))
            if (attr(t, u"Algorithm") != utf8(kExcC14n))
                return make_problem("security.signature_wrapping",
                                    "reference " + uris.back() + " uses transform " + attr(t, u"Algorithm") +
                                        "; only exclusive canonicalization is accepted");
    }
    if (header_id.empty() || body_id.empty() || refs.size() != 2 ||
        !((uris[0] == "#" + header_id && uris[1] == "#" + body_id) || (uris[1] == "#" + header_id && uris[0] == "#" + body_id)))
        return make_problem("security.signature_wrapping",
                            "the signature must reference exactly the envelope's header and its payload by Id");

    const std::string method = attr(child(info, kDsigNs, u"SignatureMethod"), u"Algorithm");
    const std::string canon = attr(child(info, kDsigNs, u"CanonicalizationMethod"), u"Algorithm");
    const bool gm = method == kXmlSm2Sm3;
    if ((method != kRsaSha256 && method != kEcdsaSha256 && !gm) || canon != utf8(kExcC14n))
        return make_problem("security.unsupported_algorithm",
                            "signature method " + method + " with " + canon + " is not accepted");
    for (DOMElement* ref : refs)
        if (attr(child(ref, kDsigNs, u"DigestMethod"), u"Algorithm") != (gm ? kXmlSm3 : kSha256))
            return make_problem("security.unsupported_algorithm", "references must use " + std::string(gm ? "SM3" : "SHA-256"));

    DOMElement* x509 = child(child(child(signature, kDsigNs, u"KeyInfo"), kDsigNs, u"X509Data"), kDsigNs, u"X509Certificate");
    std::string b64 = x509 ? codec::text_of(x509) : std::string();
    std::erase_if(b64, [](char ch) { return ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t'; });
    auto der = base64_decode_standard(b64);
    if (!der) return make_problem("security.bad_signature", "KeyInfo carries no X509Certificate of the signer");
    auto cert = certificate_from_der(*der);
    if (!cert) return cert.problems();
    PKey key = public_key_of(cert->get());
    if (gm != is_sm2_key(key.get()) || (method == kRsaSha256) != is_rsa_key(key.get()))
        return make_problem("security.bad_signature", "the signature method does not fit the certificate's key");

    if (gm) {
        if (auto st = verify_gm(env, signature, cert->get()); !st) return st.problems();
    } else {
        try {
            XSECProvider provider;
            SignaturePtr sig(provider.newSignatureFromDOM(env.document(), signature), SignatureRelease{&provider});
            sig->load();
            sig->setSigningKey(xsec_key(key.get()));
            if (!sig->verify())
                return make_problem("security.bad_signature", "the XML signature does not verify: " + utf8(sig->getErrMsgs()));
        } catch (const XSECException& e) {
            return make_problem("security.bad_signature", "XML signature: " + utf8(e.getMsg()));
        } catch (const XSECCryptoException& e) {
            return make_problem("security.bad_signature", std::string("XML signature: ") + e.getMsg());
        }
    }
    XmlSignatureCheck out;
    out.signer_cert = std::move(cert.value());
    out.suite = gm ? "gm" : "intl";
    return out;
}

}  // namespace govbus::security
