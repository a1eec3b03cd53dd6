#include "bus/node/intake.hpp"

#include "bus/codec/codec.hpp"
#include "bus/node/endpoint_registry.hpp"
#include "bus/node/message_verifier.hpp"
#include "bus/node/node_config.hpp"
#include "bus/node/share_catalogue.hpp"
#include "bus/router/route_table.hpp"

#include <chrono>

namespace govbus {

namespace {

const std::string kEndpoint = "endpoint:";
const std::string kNode = "node:";

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Where a message came from: the last hop's node when another node forwarded
// it, else the endpoint named as its source.
Result<std::string> find_origin(const Envelope& env, const InboundMessage& msg, const IntakeContext& ctx) {
    const auto& cfg = ctx.config;
    if (!env.hops.empty()) {
        const std::string& last = env.hops.back().node;
        bool known = last == cfg.parent.id;
        for (const auto& c : cfg.children) known = known || c.id == last;
        if (!known)
            return make_problem("auth.unknown_node",
                                "the last hop names node '" + last + "', which is not a parent or child of " + cfg.id,
                                "/header/hops");
        if (!msg.peer.empty() && msg.peer != kNode + last)
            return make_problem("auth.identity_mismatch", "the connection is authenticated as '" + msg.peer +
                                                              "' but the last hop names node '" + last + "'",
                                "/header/hops");
        return kNode + last;
    }
    const Endpoint* e = ctx.endpoints.find(env.source);
    if (!e)
        return make_problem("endpoint.unknown",
                            "source endpoint '" + env.source + "' is not registered at node " + cfg.id +
                                "; register it (govbus endpoint register) or correct the source",
                            "/header/source");
    if (e->revoked)
        return make_problem("endpoint.revoked", "endpoint '" + env.source + "' is revoked", "/header/source");
    if (!msg.peer.empty() && msg.peer != env.source)
        return make_problem("auth.identity_mismatch", "the connection is authenticated as '" + msg.peer +
                                                          "' but the message names source '" + env.source + "'",
                            "/header/source");
    if (!e->may_send(env.type))
        return make_problem("acl.denied", "endpoint '" + env.source + "' may not send " + env.type, "/header/type");
    if (auto st = check_may_address(e->may_address, env.source, env.destination); !st) return st.problems();
    return kEndpoint + env.source;
}

Status check_times(const Envelope& env, const IntakeContext& ctx) {
    auto created = parse_rfc3339(env.created);
    if (!created) return make_problem("schema.invalid", "created is not an RFC 3339 time", "/header/created");
    auto window = std::chrono::seconds(ctx.config.replay_window_seconds);
    // Only messages fresh from an endpoint are held to the window: a message
    // that waited in a peer node's outbox may arrive late and is still genuine
    // (its id is de-duplicated by the journal).
    if (env.hops.empty() && (*created < ctx.now - window || *created > ctx.now + window))
        return make_problem("replay.window",
                            "created " + env.created + " lies outside the accepted window of " +
                                std::to_string(ctx.config.replay_window_seconds) + " s around the node's clock",
                            "/header/created");
    if (!env.expires.empty()) {
        auto expires = parse_rfc3339(env.expires);
        if (expires && *expires <= ctx.now)
            return make_problem("message.expired", "the message expired at " + env.expires, "/header/expires");
    }
    return ok_status();
}

std::string kept_for(std::int64_t seconds) {
    return seconds >= 86400 ? std::to_string(seconds / 86400) + " days" : std::to_string(seconds) + " s";
}

// Destinations from the path a case or query came down, if this is a return.
std::optional<std::pair<std::string, std::string>> return_path(const Envelope& env, const IntakeContext& ctx) {
    if (is_case_return_type(env.type) && !env.case_number.empty()) {
        if (auto p = ctx.paths(env.case_number)) return std::make_pair(*p, std::string("case-path"));
    }
    if (env.type == "data.reply" && !env.correlation_id.empty()) {
        if (auto p = ctx.paths("reply:" + env.correlation_id)) return std::make_pair(*p, std::string("reply-path"));
    }
    return std::nullopt;
}

Status check_receivers(const Envelope& env, const std::vector<std::string>& destinations, const IntakeContext& ctx) {
    for (const auto& d : destinations) {
        if (!starts_with(d, kEndpoint)) continue;
        std::string id = d.substr(kEndpoint.size());
        const Endpoint* e = ctx.endpoints.find(id);
        if (!e)
            return make_problem("endpoint.unknown", "the route names endpoint '" + id + "', which is not registered",
                                "/header/destination");
        if (e->revoked) return make_problem("endpoint.revoked", "destination endpoint '" + id + "' is revoked");
        if (!e->may_receive(env.type))
            return make_problem("acl.denied", "endpoint '" + id + "' may not receive " + env.type,
                                "/header/destination");
    }
    return ok_status();
}

// Everything after decoding: fills `d` from d.envelope.
Status decide(IntakeDecision& d, const InboundMessage& msg, const IntakeContext& ctx) {
    const Envelope& env = d.envelope;
    auto origin = find_origin(env, msg, ctx);
    if (!origin) return origin.problems();
    d.origin = *origin;

    if (auto t = check_times(env, ctx); !t) return t.problems();
    if (ctx.verifier) {
        const Endpoint* sender = env.hops.empty() ? ctx.endpoints.find(env.source) : nullptr;
        VerifyRequest request{env, msg.bytes, msg.peer, sender && sender->signature == "none",
                              sender ? sender->suite : std::string()};
        if (auto v = ctx.verifier->verify(request); !v) return v.problems();
    }
    if (env.type == "data.query") {
        if (ctx.catalogue) {
            if (auto a = ctx.catalogue->authorize(env); !a) return a.problems();
        }
        const auto* payload = env.payload.if_object();
        const auto* keys = payload ? payload->if_contains("keys") : nullptr;
        if (keys && keys->is_array() && keys->as_array().size() > static_cast<std::size_t>(ctx.config.max_batch_keys))
            return make_problem("query.batch_too_large",
                                "the query carries " + std::to_string(keys->as_array().size()) +
                                    " keys; this node takes at most " + std::to_string(ctx.config.max_batch_keys) +
                                    " per query: split it",
                                "/payload/keys");
    }

    if (auto back = return_path(env, ctx)) {
        d.destinations = {back->first};
        d.rule = back->second;
    } else {
        auto decision = ctx.routes.decide(env, ctx.topology);
        if (!decision) return decision.problems();
        if (decision->dead_letter)
            return make_problem("route.dead_letter", "rule '" + decision->rule + "' dead-letters this message: " +
                                                         decision->dead_letter_reason);
        if (decision->return_up)
            return make_problem("route.no_path",
                                "no case path is known here for case '" + env.case_number + "' (rule '" +
                                    decision->rule + "' asks to return it up; a case's path is kept " +
                                    kept_for(ctx.config.keep_case_paths_seconds) +
                                    " after the case came down, delivery.keep_case_paths_seconds)",
                                "/header/caseNumber");
        d.destinations = decision->destinations;
        d.rule = decision->rule;
    }
    // A message is never sent back where it came from.
    std::erase(d.destinations, d.origin);
    if (d.destinations.empty())
        return make_problem("route.none", "routing left no destination other than the sender");
    if (auto r = check_receivers(env, d.destinations, ctx); !r) return r.problems();

    // Remember where a case or a query came from, so what answers it can return along the same path.
    if (env.type == "case.apply" && !env.case_number.empty()) d.path_key = env.case_number;
    if (env.type == "data.query") d.path_key = "reply:" + env.id;

    Hop hop{ctx.config.id, format_rfc3339(ctx.now), {}};
    d.stored = ctx.codec.with_hop(msg.bytes, hop);
    return ok_status();
}

}  // namespace

Result<IntakeDecision> examine(const InboundMessage& msg, const IntakeContext& ctx, std::optional<Envelope>* refused) {
    if (static_cast<std::int64_t>(msg.bytes.size()) > ctx.config.max_message_bytes)
        return make_problem("message.too_large", "the message has " + std::to_string(msg.bytes.size()) +
                                                     " bytes; this node takes at most " +
                                                     std::to_string(ctx.config.max_message_bytes));
    auto decoded = ctx.codec.decode(msg.bytes, refused);
    if (!decoded) return decoded.problems();
    IntakeDecision d;
    d.envelope = std::move(decoded.value());
    if (auto st = decide(d, msg, ctx); !st) {
        if (refused) *refused = claimed_header(d.envelope);
        return st.problems();
    }
    return d;
}

}  // namespace govbus
