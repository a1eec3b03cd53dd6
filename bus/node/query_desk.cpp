#include "bus/node/query_desk.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace govbus {

namespace json = boost::json;

namespace {

// A name-based UUID (RFC 4122 §4.3, version 5 layout) over SHA-256 rather than
// SHA-1: unique per (query, node, reason) and the same every time.
std::string derived_uuid(const std::string& name) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(name.data(), name.size(), md, &len, EVP_sha256(), nullptr);
    md[6] = static_cast<unsigned char>((md[6] & 0x0F) | 0x50);
    md[8] = static_cast<unsigned char>((md[8] & 0x3F) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0],
                  md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13], md[14],
                  md[15]);
    return out;
}

}  // namespace

OpenQuery open_query(const Envelope& query, const std::string& origin, TimePoint deadline) {
    OpenQuery q;
    q.id = query.id;
    q.origin = origin;
    q.source = query.source;
    q.region = query.region;
    q.content_type = query.content_type;
    q.deadline = deadline;
    q.mode = "exact";
    if (const auto* p = query.payload.if_object()) {
        if (const auto* m = p->if_contains("mode"); m && m->is_string()) q.mode = std::string(m->as_string());
        if (const auto* k = p->if_contains("keys"); k && k->is_array())
            for (const auto& key : k->as_array())
                if (key.is_string()) q.keys.emplace_back(key.as_string());
    }
    return q;
}

Envelope node_reply(const OpenQuery& query, const std::string& node_id, const Problem& why, TimePoint now,
                    std::chrono::seconds ttl) {
    Envelope e;
    e.id = derived_uuid(query.id + "|" + node_id + "|" + why.code);
    e.correlation_id = query.id;
    e.type = "data.reply";
    e.schema_version = "1.0";
    e.source = node_id;
    e.destination.endpoint = query.source;
    e.region = query.region;
    e.created = format_rfc3339(now);
    e.expires = format_rfc3339(now + ttl);
    e.content_type = query.content_type.empty() ? "application/json" : query.content_type;
    json::array results;
    for (const auto& key : query.keys)
        results.push_back(json::object{{"key", key},
                                       {"status", "error"},
                                       {"error", json::object{{"code", why.code}, {"message", why.message}}}});
    e.payload = json::object{{"mode", query.mode}, {"results", std::move(results)}};
    return e;
}

void QueryDesk::expect(OpenQuery query) {
    std::lock_guard lock(mutex_);
    std::string id = query.id;
    open_.insert_or_assign(std::move(id), std::move(query));
}

bool QueryDesk::answered(const std::string& query_id) {
    std::lock_guard lock(mutex_);
    return open_.erase(query_id) > 0;
}

std::vector<OpenQuery> QueryDesk::overdue(TimePoint now) {
    std::lock_guard lock(mutex_);
    std::vector<OpenQuery> out;
    for (auto it = open_.begin(); it != open_.end();) {
        if (it->second.deadline <= now) {
            out.push_back(std::move(it->second));
            it = open_.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

std::optional<TimePoint> QueryDesk::next_deadline() const {
    std::lock_guard lock(mutex_);
    std::optional<TimePoint> next;
    for (const auto& [id, q] : open_)
        if (!next || q.deadline < *next) next = q.deadline;
    return next;
}

std::size_t QueryDesk::size() const {
    std::lock_guard lock(mutex_);
    return open_.size();
}

QueryTimer::QueryTimer(QueryDesk& desk, Overdue on_overdue)
    : desk_(desk), on_overdue_(std::move(on_overdue)), thread_([this] { run(); }) {}

QueryTimer::~QueryTimer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void QueryTimer::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    cv_.notify_all();
}

void QueryTimer::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const auto next = desk_.next_deadline();
        const auto until = next ? std::min(*next, std::chrono::system_clock::now() + std::chrono::seconds(1))
                                : std::chrono::system_clock::now() + std::chrono::seconds(1);
        cv_.wait_until(lock, until, [this] { return stopping_ || poked_; });
        poked_ = false;
        if (stopping_) break;
        lock.unlock();
        for (auto& q : desk_.overdue(std::chrono::system_clock::now())) on_overdue_(std::move(q));
        lock.lock();
    }
}

}  // namespace govbus
