// The peer identity govbus takes from a TLS client certificate. With SASL
// EXTERNAL (RFC 4422 appendix A) Proton authenticates the connection as the
// certificate's subject distinguished name, which connection::user() returns
// as OpenSSL prints it in RFC 2253 order ("CN=cd.market,OU=...,O=...,C=CN").
// govbus endpoint and node ids are the subject's common name.
#pragma once

#include <string>

namespace govbus::amqp {

// The CN of a subject DN in RFC 2253 or OpenSSL one-line ("/C=CN/CN=x") form;
// the whole text when it has no CN; "" for "" or "anonymous".
std::string identity_from_subject(const std::string& subject);

}  // namespace govbus::amqp
