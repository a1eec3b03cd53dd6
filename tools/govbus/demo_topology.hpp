// The demo's topology: four nodes with free loopback ports, their
// configuration files written into a run directory, and the departments.
#pragma once

#include <string>
#include <vector>

namespace govbus::cli {

struct DemoNode {
    std::string id;
    int port = 0;
    std::string config;  // written configuration file
};

struct DemoDepartment {
    std::string endpoint;
    std::string node;        // node id it connects to
    std::string adapter = "amqp";  // amqp | http (poll mode) | exchange-db
};

// What a tool needs to act as one endpoint: TLS files and the signing key
// (empty when the demo runs plain).
struct DemoIdentity {
    std::string ca, tls_cert, tls_key;  // transport (intl suite: OpenSSL 3.0 has no SM2 TLS)
    std::string sign_key, sign_cert;    // message signatures (gm suite for the Mianyang departments)
};

struct DemoTopology {
    bool secure = true;   // PKI, TLS with client certificates, signatures verified
    std::string pki;      // intl CA directory
    std::string pki_gm;   // gm CA directory
    std::string dir;      // absolute run directory
    std::string govbusd;  // path of the node program
    std::string govbus;   // path of this program
    std::vector<DemoNode> nodes;  // national first
    std::vector<DemoDepartment> departments;
    int http_port = 0;             // city-510100's HTTP adapter
    std::string exchange_db;       // my.civil's exchange database

    int port(const std::string& node) const;
    std::string url(const std::string& node) const;
    std::string trace_flags() const;  // " --config A --config B ..."
    DemoIdentity identity(const std::string& endpoint) const;
};

// Picks ports, writes the configurations (routes and endpoint registries come
// from the source tree's routes/ and etc/) and clears old data.
// When `secure`, first makes the deployment PKI with govbus pki (an intl CA
// and a gm CA, node and endpoint certificates).
DemoTopology make_demo_topology(const std::string& dir, bool secure = true);

}  // namespace govbus::cli
