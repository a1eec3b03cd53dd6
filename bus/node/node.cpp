#include "bus/node/node.hpp"

#include "bus/codec/codec.hpp"
#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"
#include "bus/core/wording.hpp"
#include "bus/journal/journal.hpp"
#include "bus/journal/journal_pruner.hpp"
#include "bus/node/dispatcher.hpp"
#include "bus/node/endpoint_registry.hpp"
#include "bus/node/intake.hpp"
#include "bus/node/node_check.hpp"
#include "bus/node/query_desk.hpp"
#include "bus/node/share_catalogue.hpp"
#include "bus/node/translating_adapter.hpp"
#include "bus/node/translation.hpp"
#include "bus/router/route_table.hpp"
#include "bus/router/topology.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <map>
#include <mutex>

namespace govbus {

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
}

// Who sent `msg`, for the node's log: the authenticated peer, or else the
// adapter it came through and the source its envelope claims.
std::string sender_of(const InboundMessage& msg, const Envelope* env) {
    if (!msg.peer.empty()) return msg.peer;
    if (env && !env->source.empty()) return msg.adapter + " (claims " + env->source + ")";
    return msg.adapter;
}

router::Topology topology_of(const NodeConfig& c) {
    router::Topology t;
    t.node = c.id;
    t.level = router::parse_level(to_string(c.level)).value_or(router::Level::city);
    t.region = c.region;
    t.parent = c.parent.id;
    for (const auto& ch : c.children) t.children.push_back({ch.id, ch.region});
    return t;
}

}  // namespace

class Node::Impl {
public:
    Impl(Node& owner, NodeConfig config, Plugins plugins)
        : owner_(owner), config_(std::move(config)), plugins_(plugins), topology_(topology_of(config_)) {}

    Status start();
    void stop();
    Status reload();
    void inbound(InboundMessage message, InboundDone done);
    void wake(const std::string&) {
        if (dispatcher_) dispatcher_->wake();
    }
    const NodeConfig& config() const { return config_; }

private:
    using Snapshot = NodeTables;
    Snapshot snapshot() {
        std::lock_guard lock(snapshot_mutex_);
        return current_;
    }
    Status load_tables(Snapshot& out);
    Status start_adapters();
    Adapter* adapter_for(const std::string& destination);
    void handle(const std::shared_ptr<const InboundMessage>& message, const InboundDone& done);
    bool answer_refused_query(const InboundMessage& msg, const Problem& why, const InboundDone& done);
    void answer(const OpenQuery& query, const Problem& why, InboundDone done);
    void note_query_traffic(const IntakeDecision& d, TimePoint now);
    void record(const std::string& event, const Envelope* env, const InboundMessage& msg, const Problem* reason,
                const std::string& destination = {});

    Node& owner_;
    NodeConfig config_;
    Plugins plugins_;
    router::Topology topology_;
    std::unique_ptr<codec::Codec> codec_;
    std::unique_ptr<Journal> journal_;
    std::unique_ptr<JournalPruner> pruner_;
    std::mutex snapshot_mutex_;
    Snapshot current_;
    std::map<std::string, std::unique_ptr<Adapter>> adapters_;  // by adapter name
    std::mutex translators_mutex_;
    // One per translation ever loaded: a reload adds, never removes, so the
    // dispatcher's pointer stays valid.
    std::map<const Translation*, std::unique_ptr<TranslatingAdapter>> translators_;
    std::unique_ptr<boost::asio::thread_pool> workers_;
    std::unique_ptr<Dispatcher> dispatcher_;
    QueryDesk queries_;
    std::unique_ptr<QueryTimer> query_timer_;
    bool started_ = false;
};

Status Node::Impl::load_tables(Snapshot& out) {
    Problems problems;
    out = load_node_tables(config_, problems);
    if (!problems.empty()) return problems;
    return ok_status();
}

Status Node::Impl::start() {
    std::error_code ec;
    std::filesystem::create_directories(config_.data_dir, ec);
    if (ec)
        return make_problem("config.data_dir", "cannot create data directory " + config_.data_dir + ": " + ec.message());
    try {
        codec_ = std::make_unique<codec::Codec>();
    } catch (const std::exception& e) {
        return make_problem("config.schemas", std::string("cannot load the message schemas: ") + e.what());
    }

    Snapshot s;
    if (auto st = load_tables(s); !st) return st;
    current_ = s;

    JournalOptions jo;
    jo.max_attempts = config_.max_attempts;
    jo.backoff.initial = std::chrono::milliseconds(config_.backoff_initial_ms);
    jo.backoff.cap = std::chrono::milliseconds(config_.backoff_max_ms);
    auto journal = Journal::open(config_.data_dir + "/journal.db", jo);
    if (!journal) return journal.problems();
    journal_ = std::move(journal.value());
    JournalPruner::Options po;
    po.keep = std::chrono::seconds(config_.keep_delivered_seconds);
    po.keep_case_paths = std::chrono::seconds(config_.keep_case_paths_seconds);
    pruner_ = std::make_unique<JournalPruner>(*journal_, po);

    {
        ThreadNameScope intake("intake");  // the pool's threads take it
        workers_ = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(config_.workers));
    }
    dispatcher_ = std::make_unique<Dispatcher>(
        *journal_, [this](const std::string& d) { return adapter_for(d); }, plugins_.events, config_.id);
    if (auto st = start_adapters(); !st) return st;
    journal_->set_hand_out(dispatcher_->hand_out());
    dispatcher_->start();
    query_timer_ = std::make_unique<QueryTimer>(queries_, [this](OpenQuery q) {
        answer(q,
               make_problem("query.timeout", "no data source answered within " +
                                                 std::to_string(config_.query_timeout_seconds) + " s (node " +
                                                 config_.id + ")"),
               nullptr);
    });
    started_ = true;
    GOVBUS_LOG(info, "node " << config_.id << " (" << to_string(config_.level) << ", region " << config_.region
                             << ") started: "
                             << count_of(static_cast<std::int64_t>(s.endpoints->all().size()), "endpoint", "endpoints")
                             << ", routes from "
                             << config_.routes);
    return ok_status();
}

Status Node::Impl::start_adapters() {
    auto configs = adapter_configs(config_, *snapshot().endpoints);
    if (!configs) return configs.problems();
    for (const auto& ac : *configs) {
        auto adapter = make_adapter(ac);
        if (!adapter) return adapter.problems();
        if (auto st = (*adapter)->start(owner_); !st) return st;
        adapters_.emplace(ac.name, std::move(adapter.value()));
    }
    return ok_status();
}

Adapter* Node::Impl::adapter_for(const std::string& destination) {
    std::string name = "amqp";
    std::shared_ptr<const Translation> translation;
    if (destination.rfind("endpoint:", 0) == 0) {
        auto s = snapshot();
        const Endpoint* e = s.endpoints->find(destination.substr(9));
        if (!e) return nullptr;
        name = e->adapter;
        if (auto t = s.translations.find(e->id); t != s.translations.end()) translation = t->second;
    }
    auto it = adapters_.find(name);
    if (it == adapters_.end()) return nullptr;
    if (!translation) return it->second.get();
    std::lock_guard lock(translators_mutex_);
    auto& slot = translators_[translation.get()];
    if (!slot) slot = std::make_unique<TranslatingAdapter>(*it->second, translation, *codec_);
    return slot.get();
}

void Node::Impl::stop() {
    if (!started_) return;
    started_ = false;
    for (auto& [name, a] : adapters_) a->stop();
    if (workers_) workers_->join();
    query_timer_.reset();
    if (dispatcher_) dispatcher_->stop();
    dispatcher_.reset();
    pruner_.reset();
    // The journal's last group commit calls back into adapters (the sender's
    // verdict), so they go after it.
    journal_.reset();
    translators_.clear();
    adapters_.clear();
    GOVBUS_LOG(info, "node " << config_.id << " stopped");
}

Status Node::Impl::reload() {
    Snapshot s;
    if (auto st = load_tables(s); !st) {
        for (const auto& p : st.problems()) GOVBUS_LOG(error, "reload refused: " << p.message);
        return st;
    }
    {
        std::lock_guard lock(snapshot_mutex_);
        current_ = s;
    }
    GOVBUS_LOG(info, "reloaded routes from " << config_.routes << " and endpoints from " << config_.endpoints);
    return ok_status();
}

void Node::Impl::inbound(InboundMessage message, InboundDone done) {
    auto shared = std::make_shared<const InboundMessage>(std::move(message));
    boost::asio::post(*workers_, [this, shared, done = std::move(done)] { handle(shared, done); });
}

void Node::Impl::handle(const std::shared_ptr<const InboundMessage>& original, const InboundDone& done) {
    auto s = snapshot();
    std::shared_ptr<const InboundMessage> message = original;
    if (!s.translations.empty()) {
        // An endpoint that keeps its own format: into the standard one before intake.
        std::string who = original->peer.rfind("node:", 0) == 0 ? std::string() : original->peer;
        if (who.empty()) who = claimed_source(original->bytes);
        if (auto t = s.translations.find(who); t != s.translations.end()) {
            auto translated = t->second->inbound(original->bytes);
            if (!translated) {
                GOVBUS_LOG(info, "rejected a message from " << who << ": " << translated.problem().to_string());
                record("rejected", nullptr, *original, &translated.problem());
                done(translated.problems());
                return;
            }
            message = std::make_shared<const InboundMessage>(
                InboundMessage{std::move(translated.value()), original->peer, original->adapter});
        }
    }
    const InboundMessage& msg = *message;
    IntakeContext ctx{config_, *codec_, *s.endpoints, *s.routes, topology_, plugins_.verifier,
                      [this](const std::string& key) -> std::optional<std::string> {
                          auto p = journal_->case_path(key);
                          return p ? *p : std::nullopt;
                      },
                      std::chrono::system_clock::now(), s.catalogue.get()};
    std::optional<Envelope> refused;
    auto decision = examine(msg, ctx, &refused);
    if (!decision) {
        const Problem& p = decision.problem();
        GOVBUS_LOG(info, "rejected " << (refused ? refused->type + " " + refused->id + " " : std::string("a message "))
                                     << "from " << sender_of(msg, refused ? &*refused : nullptr) << ": "
                                     << p.to_string());
        record("rejected", refused ? &*refused : nullptr, *original, &p);
        if (answer_refused_query(msg, p, done)) return;
        done(decision.problems());
        return;
    }
    auto d = std::make_shared<IntakeDecision>(std::move(decision.value()));
    const Envelope& env = d->envelope;
    record("received", &env, *original, nullptr);  // the digest is of the bytes as they arrived

    Accept a;
    a.message_id = env.id;
    a.case_number = env.case_number;
    a.type = env.type;
    a.source = env.source;
    a.body = std::move(d->stored);  // the journal keeps the bytes; nothing here reads them again
    a.content_type = env.content_type;
    a.region = env.region;
    a.created = parse_rfc3339(env.created).value_or(ctx.now);
    if (!env.expires.empty()) a.expires = parse_rfc3339(env.expires);
    if (!a.expires) a.expires = ctx.now + std::chrono::seconds(config_.default_ttl_seconds);
    a.priority = env.priority;
    a.destinations = d->destinations;
    a.path_key = d->path_key;  // where answers to this case or query go back
    a.path_origin = d->origin;

    // The callback shares the message rather than copying it (up to 10 MiB).
    journal_->submit(std::move(a), [this, d, message, done](AcceptResult r) {
        const InboundMessage& msg = *message;
        if (!r) {
            GOVBUS_LOG(error, "journal refused " << d->envelope.id << ": " << r.problem().to_string());
            record("rejected", &d->envelope, msg, &r.problem());
            done(r.problems());
            return;
        }
        done(ok_status());
        if (*r == AcceptOutcome::duplicate) {
            GOVBUS_LOG(debug, "duplicate " << d->envelope.id << " acknowledged again, not routed");
            return;
        }
        GOVBUS_LOG(debug, "accepted " << d->envelope.type << " " << d->envelope.id << " from " << d->origin
                                      << " by rule " << d->rule << " to " << join(d->destinations));
        note_query_traffic(*d, std::chrono::system_clock::now());
        InboundMessage header_only{{}, msg.peer, msg.adapter};  // the digest was taken on receipt
        record("accepted", &d->envelope, header_only, nullptr);
        for (const auto& dest : d->destinations) record("routed", &d->envelope, header_only, nullptr, dest);
        dispatcher_->wake();
    });
}

// A query refused here after it came up from another node: the asker's node
// acknowledged it long ago, so rejecting it would only dead-letter it on the
// way. The refusal goes back as a data.reply along the query's path instead.
bool Node::Impl::answer_refused_query(const InboundMessage& msg, const Problem& why, const InboundDone& done) {
    const bool answerable = why.code.rfind("acl.", 0) == 0 || why.code.rfind("route.", 0) == 0 ||
                            why.code.rfind("query.", 0) == 0;
    if (!answerable) return false;
    auto env = codec_->decode(msg.bytes);
    if (!env || env->type != "data.query" || env->hops.empty()) return false;
    const std::string last = env->hops.back().node;
    bool neighbour = last == config_.parent.id;
    for (const auto& c : config_.children) neighbour = neighbour || c.id == last;
    if (!neighbour || (!msg.peer.empty() && msg.peer != "node:" + last)) return false;
    answer(open_query(*env, "node:" + last, {}), why, done);
    return true;
}

// Journals a data.reply this node writes for `query` and sends it on its way.
void Node::Impl::answer(const OpenQuery& query, const Problem& why, InboundDone done) {
    const auto now = std::chrono::system_clock::now();
    Envelope reply = node_reply(query, config_.id, why, now, std::chrono::seconds(config_.default_ttl_seconds));
    const auto encoding = reply.content_type == "application/xml" ? codec::Encoding::xml : codec::Encoding::json;
    auto bytes = std::make_shared<std::string>(
        codec_->with_hop(codec_->encode(reply, encoding), Hop{config_.id, format_rfc3339(now), {}}));
    Accept a;
    a.message_id = reply.id;
    a.type = reply.type;
    a.source = reply.source;
    a.body = *bytes;
    a.content_type = reply.content_type;
    a.region = reply.region;
    a.created = now;
    a.expires = now + std::chrono::seconds(config_.default_ttl_seconds);
    a.destinations = {query.origin};
    GOVBUS_LOG(info, "answering query " << query.id << " for " << query.source << " with " << why.code);
    journal_->submit(std::move(a), [this, reply, bytes, query, done](AcceptResult r) {
        if (r && *r == AcceptOutcome::accepted) {
            InboundMessage self{*bytes, {}, "node"};
            record("accepted", &reply, self, nullptr);
            record("routed", &reply, self, nullptr, query.origin);
            dispatcher_->wake();
        } else if (!r) {
            GOVBUS_LOG(error, "cannot journal the reply to query " << query.id << ": " << r.problem().to_string());
        }
        if (done) done(r ? ok_status() : Status(r.problems()));
    });
}

// The node's side of request-reply: an endpoint's query waits on the desk for
// its reply until the query's deadline.
void Node::Impl::note_query_traffic(const IntakeDecision& d, TimePoint now) {
    const Envelope& env = d.envelope;
    if (env.type == "data.reply" && !env.correlation_id.empty()) {
        queries_.answered(env.correlation_id);
    } else if (env.type == "data.query" && d.origin.rfind("endpoint:", 0) == 0) {
        auto deadline = now + std::chrono::seconds(config_.query_timeout_seconds);
        if (auto expires = parse_rfc3339(env.expires); !env.expires.empty() && expires && *expires < deadline)
            deadline = *expires;
        queries_.expect(open_query(env, d.origin, deadline));
        if (query_timer_) query_timer_->poke();
    }
}

void Node::Impl::record(const std::string& event, const Envelope* env, const InboundMessage& msg,
                        const Problem* reason, const std::string& destination) {
    if (!plugins_.events) return;
    ExchangeEvent e;
    e.event = event;
    if (env) {
        e.message_id = env->id;
        e.case_number = env->case_number;
        e.type = env->type;
        // An endpoint's authenticated identity over what its message claims:
        // they differ only in a message refused for it (auth.identity_mismatch).
        const bool endpoint_peer = !msg.peer.empty() && msg.peer.rfind("node:", 0) != 0;
        e.source = endpoint_peer ? msg.peer : env->source;
        e.region = env->region;
        e.suite = env->security.suite;
    } else {
        e.source = msg.peer;
    }
    e.destination = destination;
    e.raw = msg.bytes;
    e.size = static_cast<std::int64_t>(msg.bytes.size());
    if (reason) {
        e.reason_code = reason->code;
        e.reason_text = reason->message;
    }
    plugins_.events->record(e);
}

Node::Node(NodeConfig config) : Node(std::move(config), Plugins{}) {}
Node::Node(NodeConfig config, Plugins plugins) : impl_(std::make_unique<Impl>(*this, std::move(config), plugins)) {}
Node::~Node() { impl_->stop(); }
Status Node::start() { return impl_->start(); }
void Node::stop() { impl_->stop(); }
Status Node::reload() { return impl_->reload(); }
const NodeConfig& Node::config() const { return impl_->config(); }
void Node::inbound(InboundMessage message, InboundDone done) { impl_->inbound(std::move(message), std::move(done)); }
void Node::wake(const std::string& destination) { impl_->wake(destination); }

}  // namespace govbus
