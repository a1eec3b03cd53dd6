// The adapter interface: how the node meets endpoints and peer nodes. An
// adapter (AMQP, HTTP, file drop, exchange table, ...) lives in its own folder
// under adapters/ and registers a factory by name; the node knows only this.
#pragma once

#include "bus/core/problem.hpp"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace govbus {

// One message an adapter received, handed to the node.
struct InboundMessage {
    std::string bytes;    // the encoded envelope exactly as received
    std::string peer;     // identity the transport authenticated ("cd.market", "node:city-510100"); empty if none
    std::string adapter;  // adapter name, for the exchange log
};

// The node's verdict on an inbound message: ok once the journal holds it
// (the adapter then acknowledges: AMQP accepted, HTTP 202), or the problem
// that rejected it (AMQP rejected with the reason code as error condition,
// HTTP 4xx with a problem document).
using InboundDone = std::function<void(const Status&)>;

// One delivery the node asks an adapter to make.
struct OutboundMessage {
    std::string delivery_id;  // journal delivery id: stable across retries
    std::string destination;  // "endpoint:<id>" or "node:<id>"
    std::string message_id;
    std::string case_number;
    std::string type;
    std::string content_type;  // "application/xml" or "application/json"
    std::string bytes;
};

struct DeliveryResult {
    enum class Kind {
        delivered,  // the peer took responsibility (AMQP accepted, HTTP 2xx)
        retry,      // transient: peer down, timeout, 5xx; the journal backs off
        refused,    // permanent: the peer rejected it (AMQP rejected, HTTP 4xx); dead-lettered
    };
    Kind kind = Kind::delivered;
    Problem reason;  // set for retry and refused
};
using DeliveryDone = std::function<void(DeliveryResult)>;

// Implemented by the node. Both may be called from any adapter thread.
class AdapterHost {
public:
    virtual ~AdapterHost() = default;
    // A message came in; `done` is called exactly once, from some node thread.
    virtual void inbound(InboundMessage message, InboundDone done) = 0;
    // The adapter can take more for `destination` now (link credit, reconnect).
    virtual void wake(const std::string& destination) = 0;
};

// Where a destination is reached, as the node configuration says.
struct PeerAddress {
    std::string destination;  // "endpoint:<id>" or "node:<id>"
    std::string url;          // adapter-specific: "amqp://127.0.0.1:5672", "https://...", a directory; may be empty
    YAML::Node options;       // the endpoint's adapter options from the registry
};

struct AdapterConfig {
    std::string name;                // registered adapter name, e.g. "amqp"
    std::string node_id;             // this node's id
    YAML::Node options;              // the adapter's block in the node configuration
    std::vector<PeerAddress> peers;  // every destination this adapter instance serves
    std::string config_dir;          // directory of the node configuration, for relative paths
    std::string config_file;         // the node configuration, named in problems about `options`
    std::string registry_file;       // the endpoint registry, named in problems about a peer's options
};

// An adapter is start, stop, capacity and deliver (STYLE.md practice 3).
class Adapter {
public:
    virtual ~Adapter() = default;
    virtual Status start(AdapterHost& host) = 0;
    // Stops taking and sending; deliveries not finished are retried after restart.
    virtual void stop() = 0;
    // How many more deliveries for `destination` it can take now; 0 when the
    // peer is not connected or has no credit (the node waits for wake()).
    virtual std::size_t capacity(const std::string& destination) = 0;
    // Sends one message; `done` is called exactly once, from any thread.
    virtual void deliver(OutboundMessage message, DeliveryDone done) = 0;
};

using AdapterFactory = std::function<Result<std::unique_ptr<Adapter>>(const AdapterConfig&)>;

// Adapters register at static-initialisation time (adapters are CMake OBJECT
// libraries, so their registration is always linked in):
//   static const bool registered = govbus::register_adapter("amqp", make_amqp_adapter);
bool register_adapter(const std::string& name, AdapterFactory factory);
Result<std::unique_ptr<Adapter>> make_adapter(const AdapterConfig& config);
std::vector<std::string> adapter_names();

// --- out-of-tree adapters (docs/operator.md "Adapter plug-ins") ---
//
// A shared library built against these headers exports
//   extern "C" const govbus::AdapterPlugin* govbus_adapter_plugin();
// The node reads interface_version before anything else and refuses a
// library built against another version of this interface. The version goes
// up with every change to this header that a plug-in could notice.
// 2: AdapterConfig names the configuration and registry files.
inline constexpr int kAdapterInterfaceVersion = 2;

struct AdapterPlugin {
    int interface_version;  // kAdapterInterfaceVersion as the plug-in saw it; must stay the first member
    const char* name;       // the adapter name it provides
    Result<std::unique_ptr<Adapter>> (*make)(const AdapterConfig& config);
};

// Loads `library`, checks its interface version and registers its adapter.
// Problems: config.adapter_plugin (cannot load, no entry point, name taken),
// config.adapter_version (built against another interface version).
Status load_adapter_plugin(const std::string& library);

}  // namespace govbus
