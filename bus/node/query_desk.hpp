// Request-reply for data.query: the queries a node's endpoints are waiting
// on, and the data.reply the node writes itself when no source can answer
// (a timeout, or a refusal at a node further up that the asker could not
// otherwise hear of). docs/integrator.md "Data queries".
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <vector>

namespace govbus {

// What a node keeps of a query to answer it without the query at hand.
struct OpenQuery {
    std::string id;            // the query's message id (the reply's correlationId)
    std::string origin;        // where replies go: "endpoint:<id>" or "node:<id>"
    std::string source;        // the asking endpoint
    std::string region;
    std::string content_type;  // the reply is written in the query's encoding
    std::string mode;          // exact | batch | verify
    std::vector<std::string> keys;
    TimePoint deadline{};
};

OpenQuery open_query(const Envelope& query, const std::string& origin, TimePoint deadline);

// A data.reply written by node `node_id`: every key answered with status
// "error" and `why` (code and sentence). Its id is derived from the query id,
// the node and the code, so writing it twice (a redelivered query) is
// de-duplicated by the journal like any resent message.
Envelope node_reply(const OpenQuery& query, const std::string& node_id, const Problem& why, TimePoint now,
                    std::chrono::seconds ttl);

// Queries waiting for their reply at this node. Thread-safe.
class QueryDesk {
public:
    void expect(OpenQuery query);
    // A reply to `query_id` passed: true when it was awaited.
    bool answered(const std::string& query_id);
    // Queries past their deadline, removed from the desk.
    std::vector<OpenQuery> overdue(TimePoint now);
    std::optional<TimePoint> next_deadline() const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, OpenQuery> open_;
};

// A thread that hands each query past its deadline to `on_overdue`, once.
class QueryTimer {
public:
    using Overdue = std::function<void(OpenQuery)>;
    QueryTimer(QueryDesk& desk, Overdue on_overdue);
    ~QueryTimer();
    QueryTimer(const QueryTimer&) = delete;
    QueryTimer& operator=(const QueryTimer&) = delete;

    // A new query came in: its deadline may be the nearest now.
    void poke();

private:
    void run();

    QueryDesk& desk_;
    Overdue on_overdue_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool poked_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace govbus
