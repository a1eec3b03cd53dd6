// How a department program (govbus dept-sim, bench_adapters) reaches its
// node when it is not over AMQP: as an HTTP poll-mode endpoint
// (adapters/http) or through its SQLite exchange database
// (adapters/exchange_db). Each link receives on its own thread and sends
// synchronously.
#pragma once

#include "bus/core/problem.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace govbus::tools {

class DepartmentLink {
public:
    using OnMessage = std::function<Status(const std::string& bytes)>;
    virtual ~DepartmentLink() = default;
    // Starts receiving; `on_message` sees every message the node has for the endpoint.
    virtual Status start(OnMessage on_message) = 0;
    // Hands one message to the node; true once the node (or its table) holds it.
    virtual bool send(const std::string& bytes, const std::string& content_type) = 0;
    virtual void stop() = 0;
};

struct HttpTlsFiles {
    std::string ca, cert, key;  // PEM files; the certificate's CN is the endpoint id
};

// "https://node:8443" (with TLS files) or "http://127.0.0.1:8080": long-poll
// fetch, DELETE to acknowledge, POST to send.
Result<std::unique_ptr<DepartmentLink>> make_http_link(const std::string& base, const std::string& endpoint,
                                                       const HttpTlsFiles& tls);
// A SQLite exchange database: read govbus_outbox, insert into govbus_inbox.
std::unique_ptr<DepartmentLink> make_exchange_db_link(const std::string& path);

}  // namespace govbus::tools
