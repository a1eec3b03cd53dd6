// The endpoint registry: every participant a node serves (department systems,
// share platforms, portals), what it may send and receive, and the adapter
// that reaches it. Read from a YAML file (etc/endpoints-*.yaml).
#pragma once

#include "bus/core/problem.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace govbus {

struct Endpoint {
    std::string id;                 // "cd.market"
    std::string organisation;       // "成都市市场监督管理局"
    std::string region;             // GB/T 2260 code of the organisation
    std::string department;         // department code used by destinations, e.g. "market"
    std::vector<std::string> send;     // message types it may send
    std::vector<std::string> receive;  // message types it may receive
    std::vector<std::string> may_address;  // destinations it may address ("*" = any); empty = any
    std::string adapter = "amqp";   // how the node reaches it
    std::string url;                // adapter-specific address (HTTP URL, directory, ...)
    std::string suite = "intl";     // "intl" or "gm"
    std::string cert;               // its certificate (PEM), for signature checks and encryption
    std::string translate;          // translation file (bus/node/translation.hpp); empty: standard format
    std::string signature = "required";  // "none": a legacy system that cannot sign (node security policy decides)
    bool revoked = false;
    YAML::Node options;             // adapter options for this endpoint
    int line = 0;                   // where it is defined, for messages

    bool may_send(const std::string& type) const;
    bool may_receive(const std::string& type) const;
};

class EndpointRegistry {
public:
    static Result<EndpointRegistry> load(const std::string& file);

    const Endpoint* find(const std::string& id) const;
    const std::map<std::string, Endpoint>& all() const { return endpoints_; }

private:
    std::map<std::string, Endpoint> endpoints_;
};

}  // namespace govbus
