#include "tools/common/envelope_signer.hpp"

#include "bus/codec/codec.hpp"
#include "security/jose/jws.hpp"
#include "security/xml/xml_signature.hpp"

namespace govbus::tools {

Result<std::shared_ptr<const EnvelopeSigner>> EnvelopeSigner::load(const std::string& key_file,
                                                                   const std::string& cert_file) {
    auto key = security::load_private_key(key_file);
    if (!key) return key.problems();
    auto cert = security::load_certificate(cert_file);
    if (!cert) return cert.problems();
    auto s = std::make_shared<EnvelopeSigner>();
    s->key_ = std::move(key.value());
    s->cert_ = std::move(cert.value());
    return std::shared_ptr<const EnvelopeSigner>(std::move(s));
}

Result<std::string> EnvelopeSigner::sign(const std::string& envelope) const {
    if (codec::detect_encoding(envelope) == codec::Encoding::xml)
        return security::sign_xml_envelope(envelope, key_.get(), cert_.get());
    return security::sign_json_envelope(envelope, key_.get(), cert_.get());
}

Result<std::string> maybe_sign(const std::shared_ptr<const EnvelopeSigner>& signer, std::string envelope) {
    if (!signer) return envelope;
    return signer->sign(envelope);
}

}  // namespace govbus::tools
