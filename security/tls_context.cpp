#include "security/tls_context.hpp"

#include <openssl/ssl.h>

namespace govbus::security {

namespace asio = boost::asio;

std::unique_ptr<asio::ssl::context> make_tls_context(const TlsContextFiles& files, bool server,
                                                     bool require_client_cert) {
    auto ctx = std::make_unique<asio::ssl::context>(server ? asio::ssl::context::tls_server : asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->use_certificate_chain_file(files.cert);
    ctx->use_private_key_file(files.key, asio::ssl::context::pem);
    ctx->load_verify_file(files.ca);
    auto mode = asio::ssl::verify_peer;
    if (server && require_client_cert) mode |= asio::ssl::verify_fail_if_no_peer_cert;
    ctx->set_verify_mode(mode);
    return ctx;
}

}  // namespace govbus::security
