// A node's signing key and self-signed certificate for programs that set up
// nodes by themselves (the demo, benchmarks): EC P-256, made with the openssl
// command. A deployment issues them from its CA with `govbus pki`.
#pragma once

#include <string>

namespace govbus::tools {

struct NodeKey {
    std::string key;   // PEM private key
    std::string cert;  // PEM certificate
};

// Writes <dir>/<node_id>.key and .crt unless they exist; throws when openssl fails.
NodeKey make_node_key(const std::string& dir, const std::string& node_id);

}  // namespace govbus::tools
