// Signing what a tool sends as an endpoint (XML-DSig or JWS by the message's
// encoding), for the department simulator, the demo and the load generator.
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <memory>
#include <string>

namespace govbus::tools {

class EnvelopeSigner {
public:
    // Problems: security.key_unreadable, security.cert_unreadable.
    static Result<std::shared_ptr<const EnvelopeSigner>> load(const std::string& key_file, const std::string& cert_file);
    Result<std::string> sign(const std::string& envelope) const;

private:
    security::PKey key_;
    security::Certificate cert_;
};

// Signs with `signer` when there is one; passes `envelope` through otherwise.
Result<std::string> maybe_sign(const std::shared_ptr<const EnvelopeSigner>& signer, std::string envelope);

}  // namespace govbus::tools
