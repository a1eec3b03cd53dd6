// What the AMQP and HTTP adapter blocks share: the listen address and the
// transport security, a `tls` block (ca, cert, key, crl) or an explicit
// `plain: true`, never neither (DESIGN.md "Security").
#pragma once

#include "bus/node/adapter.hpp"
#include "bus/node/config_reader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace govbus {

struct TlsFiles {
    std::string ca;    // PEM file of the CA(s) whose certificates are trusted
    std::string cert;  // this node's certificate (PEM), presented to clients and to peers
    std::string key;   // its private key (PEM)
    // CRLs (PEM, one per file) of the CAs in `ca`: a client presenting a
    // revoked certificate is refused in the handshake (security/tls_trust.hpp)
    std::vector<std::string> crl;
    bool require_client_cert = true;
};

struct TransportSecurity {
    std::optional<TlsFiles> tls;  // set unless plain
    bool plain = false;           // explicit opt-out of TLS, for loopback tests
};

// A file named in a configuration, relative to the configuration's directory.
std::string resolve_config_path(const std::string& file, const std::string& config_dir);

// What problems about an adapter block name as their file: the node
// configuration, or "adapters.<name>" when the config does not say.
inline std::string block_source(const AdapterConfig& config) {
    return config.config_file.empty() ? "adapters." + config.name : config.config_file;
}
// Likewise for the endpoint options of its peers: the endpoint registry.
inline std::string registry_source(const AdapterConfig& config) {
    return config.registry_file.empty() ? "endpoints" : config.registry_file;
}

// "host:port"; the host may be a bracketed IPv6 literal ("[::1]:5672").
bool split_host_port(const std::string& text, std::string& host, std::string& port);

// An http:// or https:// URL split for a client: the host (an IPv6 literal
// without its brackets), the port (80 or 443 when none is given) and the
// request target ("/" when none).
struct HttpUrl {
    bool https = false;
    std::string host, port, target;
};
std::optional<HttpUrl> parse_http_url(const std::string& url);

// Reads `tls` and `plain` from the adapter block `options` at `path`
// ("/adapters/http"); problems go to `reader`.
TransportSecurity read_transport_security(ConfigReader& reader, const YAML::Node& options, const std::string& path,
                                          const std::string& config_dir);

}  // namespace govbus
