// Intake: what the node does with one inbound message before the journal
// takes it (DESIGN.md "A message's way through a node"): size cap, decode and
// validate, who sent it and may they, replay window, signature, routing, and
// the hop this node appends. A pure decision over its inputs, so it is tested
// without any transport.
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"
#include "bus/node/adapter.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace govbus {

namespace codec {
class Codec;
}
namespace router {
class RouteTable;
struct Topology;
}  // namespace router
class EndpointRegistry;
class MessageVerifier;
class ShareCatalogue;
struct NodeConfig;

// Everything the journal needs to accept a message, and what to log.
struct IntakeDecision {
    Envelope envelope;
    std::string origin;                     // "endpoint:<id>" or "node:<id>": where it came from
    std::vector<std::string> destinations;  // "endpoint:<id>" / "node:<id>"
    std::string rule;                       // route rule that matched, "case-path" or "reply-path"
    std::string path_key;                   // case number or "reply:<message id>" to remember
    std::string stored;                     // the bytes to journal and forward: as received plus our hop
};

// The stores intake reads: the paths cases and queries came down.
using PathLookup = std::function<std::optional<std::string>(const std::string& key)>;

struct IntakeContext {
    const NodeConfig& config;
    const codec::Codec& codec;
    const EndpointRegistry& endpoints;
    const router::RouteTable& routes;
    const router::Topology& topology;
    MessageVerifier* verifier = nullptr;  // may be null (no message security configured)
    PathLookup paths;
    TimePoint now;
    const ShareCatalogue* catalogue = nullptr;  // null: data.query is not checked here
};

// The whole intake for one message; problems carry the reason code that goes
// back to the sender and into the exchange log. A message refused once its
// header could be read leaves claimed_header() of it in `*refused` (when
// given), so that the refusal is logged under its id, case and type.
Result<IntakeDecision> examine(const InboundMessage& message, const IntakeContext& context,
                               std::optional<Envelope>* refused = nullptr);

}  // namespace govbus
