// TLS contexts for HTTPS as govbus speaks it, for the HTTP adapter and for a
// department's client alike: TLS 1.2 at least, our certificate and key shown
// to the peer, the peer verified against the CA file.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace govbus::security {

struct TlsContextFiles {
    std::string ca;    // PEM: the CA(s) whose certificates are trusted
    std::string cert;  // PEM: the certificate shown to the peer
    std::string key;   // PEM: its private key
};

// A server context also requires a client certificate when
// `require_client_cert`. Throws when a file cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsContextFiles& files, bool server,
                                                            bool require_client_cert = true);

}  // namespace govbus::security
