#include "security/xml/xml_encryption.hpp"

#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_reader.hpp"
#include "security/jose/canonical_json.hpp"
#include "security/xml/xml_envelope.hpp"

#include <xercesc/dom/DOMDocumentFragment.hpp>
#include <xercesc/dom/DOMNodeList.hpp>
#include <xsec/dsig/DSIGConstants.hpp>
#include <xsec/enc/OpenSSL/OpenSSLCryptoKeyRSA.hpp>
#include <xsec/enc/OpenSSL/OpenSSLCryptoSymmetricKey.hpp>
#include <xsec/enc/XSECCryptoException.hpp>
#include <xsec/framework/XSECException.hpp>
#include <xsec/framework/XSECProvider.hpp>
#include <xsec/xenc/XENCCipher.hpp>
#include <xsec/xenc/XENCEncryptedData.hpp>
#include <xsec/xenc/XENCEncryptedKey.hpp>

namespace govbus::security {

using namespace xercesc;
using namespace xml;

namespace {

struct CipherRelease {
    XSECProvider* provider;
    void operator()(XENCCipher* c) const { provider->releaseCipher(c); }
};
using CipherPtr = std::unique_ptr<XENCCipher, CipherRelease>;

DOMElement* xenc(DOMDocument* doc, const char16_t* local) {
    return doc->createElementNS(kXencNs, (std::u16string(u"xenc:") + local).c_str());
}
DOMElement* with_algorithm(DOMElement* e, const char* alg) {
    e->setAttributeNS(nullptr, u"Algorithm", u16(alg).c_str());
    return e;
}
DOMElement* cipher_value(DOMDocument* doc, const std::string& bytes) {
    DOMElement* data = xenc(doc, u"CipherData");
    DOMElement* value = xenc(doc, u"CipherValue");
    value->setTextContent(u16(base64_encode_standard(bytes)).c_str());
    data->appendChild(value);
    return data;
}

DOMElement* find(const DOMElement* parent, const char16_t* ns, std::u16string_view local) {
    if (!parent) return nullptr;
    DOMNodeList* list = parent->getElementsByTagNameNS(ns, std::u16string(local).c_str());
    return list->getLength() ? static_cast<DOMElement*>(list->item(0)) : nullptr;
}

std::optional<std::string> b64_text(const DOMElement* e) {
    if (!e) return std::nullopt;
    std::string t = codec::text_of(e);
    std::erase_if(t, [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; });
    return base64_decode_standard(t);
}

Problem failed(const std::string& why) { return make_problem("security.decrypt_failed", "cannot decrypt the payload: " + why); }

// gm: the encrypted element, built here (XML-Security-C has no SM4 or SM2).
Result<DOMElement*> encrypt_gm(XmlEnvelope& env, DOMElement* body, EVP_PKEY* recipient) {
    DOMDocument* doc = env.document();
    const Bytes cek = random_bytes(32);
    auto wrapped = sm2_encrypt(recipient, cek);
    if (!wrapped) return wrapped.problems();
    auto sealed = sm4_cbc_hmac_sm3_seal(cek, exclusive_c14n(doc, body));
    if (!sealed) return sealed.problems();
    DOMElement* data = xenc(doc, u"EncryptedData");
    data->setAttributeNS(nullptr, u"Type", u"http://www.w3.org/2001/04/xmlenc#Element");
    data->appendChild(with_algorithm(xenc(doc, u"EncryptionMethod"), kXmlSm4CbcHmacSm3));
    DOMElement* key_info = doc->createElementNS(kDsigNs, u"ds:KeyInfo");
    DOMElement* ek = xenc(doc, u"EncryptedKey");
    ek->appendChild(with_algorithm(xenc(doc, u"EncryptionMethod"), kXmlSm2Key));
    ek->appendChild(cipher_value(doc, *wrapped));
    key_info->appendChild(ek);
    data->appendChild(key_info);
    data->appendChild(cipher_value(doc, sealed->iv + sealed->ciphertext + sealed->mac));
    return data;
}

Result<std::string> decrypt_gm(XmlEnvelope& env, DOMElement* data, EVP_PKEY* key) {
    DOMElement* ek = find(data, kXencNs, u"EncryptedKey");
    auto wrapped = b64_text(find(ek, kXencNs, u"CipherValue"));
    if (!wrapped) return failed("no encrypted key");
    auto cek = sm2_decrypt(key, *wrapped);
    if (!cek) return failed("the content key does not open with this key");
    // The content's CipherValue is the last one in document order.
    DOMNodeList* values = data->getElementsByTagNameNS(kXencNs, u"CipherValue");
    auto blob = b64_text(static_cast<DOMElement*>(values->item(values->getLength() - 1)));
    if (!blob || blob->size() < 16 + 16 + 32) return failed("the cipher value is too short");
    Sm4Sealed s{blob->substr(0, 16), blob->substr(16, blob->size() - 48), blob->substr(blob->size() - 32)};
    auto plain = sm4_cbc_hmac_sm3_open(*cek, s);
    if (!plain) return plain.problems();
    (void)env;
    return *plain;
}

}  // namespace

Result<std::string> encrypt_xml_payload(std::string_view xml, X509* recipient_cert, const std::string& recipient_id) {
    auto parsed = XmlEnvelope::parse(xml);
    if (!parsed) return parsed.problems();
    XmlEnvelope& env = parsed.value();
    DOMElement* payload = env.payload();
    DOMElement* body = payload ? codec::first_element(payload) : nullptr;
    if (!body) return make_problem("security.encrypt_failed", "the envelope has no payload to encrypt");
    PKey recipient = public_key_of(recipient_cert);
    DOMElement* data = nullptr;
    if (is_sm2_key(recipient.get())) {
        auto made = encrypt_gm(env, body, recipient.get());
        if (!made) return made.problems();
        data = *made;
    } else if (is_rsa_key(recipient.get())) {
        try {
            XSECProvider provider;
            CipherPtr cipher(provider.newCipher(env.document()), CipherRelease{&provider});
            cipher->setXENCNSPrefix(u"xenc");
            const Bytes cek = random_bytes(32);
            auto* content_key = new OpenSSLCryptoSymmetricKey(XSECCryptoSymmetricKey::KEY_AES_256);
            content_key->setKey(reinterpret_cast<const unsigned char*>(cek.data()), 32);
            cipher->setKey(content_key);  // the cipher owns it
            DOMNode* detached = cipher->encryptElementDetached(body, DSIGConstants::s_unicodeStrURIAES256_GCM);
            cipher->setKEK(new OpenSSLCryptoKeyRSA(recipient.get()));
            XENCEncryptedKey* ek = cipher->encryptKey(reinterpret_cast<const unsigned char*>(cek.data()), 32,
                                                      DSIGConstants::s_unicodeStrURIRSA_OAEP_MGFP1);
            cipher->getEncryptedData()->appendEncryptedKey(ek);
            data = static_cast<DOMElement*>(detached);
        } catch (const XSECException& e) {
            return make_problem("security.encrypt_failed", "XML encryption: " + utf8(e.getMsg()));
        } catch (const XSECCryptoException& e) {
            return make_problem("security.encrypt_failed", std::string("XML encryption: ") + e.getMsg());
        }
    } else {
        return make_problem("security.unsupported_algorithm",
                            "XML payloads are encrypted for RSA (intl) or SM2 (gm) certificates; this recipient holds "
                            "another key (XML-Security-C has no ECDH-ES key agreement)");
    }
    env.security_or_create()->appendChild(data);
    data->setAttributeNS(nullptr, u"Id", u16("e-" + env.message_id()).c_str());
    env.set_security_field(u"recipient", recipient_id);
    env.root()->removeChild(payload)->release();
    // A signature over the clear payload no longer holds: sign after encrypting.
    DOMNodeList* sigs = env.document()->getElementsByTagNameNS(kDsigNs, u"Signature");
    while (sigs->getLength()) sigs->item(0)->getParentNode()->removeChild(sigs->item(0))->release();
    return env.serialize();
}

Result<std::string> decrypt_xml_payload(std::string_view xml, EVP_PKEY* recipient_key) {
    auto parsed = XmlEnvelope::parse(xml);
    if (!parsed) return failed(parsed.problem().message);
    XmlEnvelope& env = parsed.value();
    DOMElement* data = env.encrypted_data();
    if (!data) return failed("the envelope carries no xenc:EncryptedData");
    DOMElement* method = find(data, kXencNs, u"EncryptionMethod");
    const std::string alg = method ? utf8(method->getAttributeNS(nullptr, u"Algorithm")) : "";
    DOMNode* restored = nullptr;
    if (alg == kXmlSm4CbcHmacSm3) {
        auto plain = decrypt_gm(env, data, recipient_key);
        if (!plain) return plain.problems();
        auto fragment = codec::read_xml(*plain, codec::XmlLimits{}, nullptr);
        if (fragment.fatal || !fragment.document()) return failed("the plaintext is not an XML element");
        restored = env.document()->importNode(fragment.document()->getDocumentElement(), true);
    } else {
        try {
            XSECProvider provider;
            CipherPtr cipher(provider.newCipher(env.document()), CipherRelease{&provider});
            if (!is_rsa_key(recipient_key)) return failed("the key is not the RSA key this payload is encrypted for");
            cipher->setKEK(new OpenSSLCryptoKeyRSA(recipient_key));
            restored = cipher->decryptElementDetached(data);
        } catch (const XSECException& e) {
            return failed(utf8(e.getMsg()));
        } catch (const XSECCryptoException& e) {
            return failed(e.getMsg());
        }
        if (!restored) return failed("XML-Security-C could not decrypt it");
    }
    const std::u16string prefix = env.root()->getPrefix() ? std::u16string(env.root()->getPrefix()) + u":" : u"";
    DOMElement* payload = env.document()->createElementNS(kEnvelopeNs, (prefix + u"payload").c_str());
    payload->appendChild(restored);
    env.root()->appendChild(payload);
    DOMElement* sec = env.security();
    sec->removeChild(data)->release();
    for (DOMElement* c = codec::first_element(sec); c;) {
        DOMElement* next = codec::next_element(c);
        const std::u16string_view local = c->getLocalName() ? c->getLocalName() : u"";
        if (local == u"recipient" || local == u"Signature") sec->removeChild(c)->release();
        c = next;
    }
    return env.serialize();
}

}  // namespace govbus::security
