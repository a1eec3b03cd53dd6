// The HTTP adapter (adapters/http/README.md), for department systems that
// speak only HTTP. Inbound: POST /v1/messages, answered 202 once the journal
// holds the message or with an RFC 9457 problem document. Outbound, push
// mode: the node POSTs to the endpoint's URL (2xx delivered, 4xx refused,
// 5xx and timeouts retried). Outbound, poll mode (no URL): the endpoint
// fetches with GET /v1/endpoints/<id>/messages?wait=S and acknowledges with
// DELETE /v1/endpoints/<id>/messages/<delivery-id>.
#pragma once

#include "bus/node/adapter.hpp"
#include "bus/node/adapter_options.hpp"
#include "security/tls_trust.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace govbus::http {

struct HttpOptions {
    std::string listen_host = "127.0.0.1";
    int listen_port = 0;
    std::optional<TlsFiles> tls;     // HTTPS both ways: the client certificate's CN names the endpoint
    bool plain = false;              // no TLS: the endpoint is named by the Govbus-Endpoint header (loopback tests)
    std::size_t max_bytes = 10u << 20;
    std::chrono::milliseconds timeout{10000};     // outbound requests
    std::chrono::milliseconds visibility{30000};  // a fetched, unacknowledged message is offered again after this
    std::size_t max_in_flight = 8;                // outbound requests per endpoint
    std::size_t queue = 100;                      // waiting messages per poll-mode endpoint
};

// A message waiting for a poll-mode endpoint.
struct Waiting {
    OutboundMessage message;
    DeliveryDone done;
    std::chrono::steady_clock::time_point offered{};  // when last handed out; zero: not yet
};

class HttpAdapter : public Adapter {
public:
    HttpAdapter(HttpOptions options, std::map<std::string, HttpUrl> push_urls, std::vector<std::string> pollers);
    ~HttpAdapter() override;

    Status start(AdapterHost& host) override;
    void stop() override;
    std::size_t capacity(const std::string& destination) override;
    void deliver(OutboundMessage message, DeliveryDone done) override;

    int port() const { return port_; }

    // For the server sessions (http_server.cpp).
    AdapterHost& host() { return *host_; }
    const HttpOptions& options() const { return options_; }
    bool polls(const std::string& endpoint) const;
    // The next message for `endpoint` (now or when one comes, until `wait`), or nothing.
    void fetch(const std::string& endpoint, std::chrono::milliseconds wait, std::function<void(const Waiting*)> reply);
    // The endpoint took a delivery: true when it was waiting for acknowledgement.
    bool acknowledge(const std::string& endpoint, const std::string& delivery_id);
    boost::asio::io_context& io() { return io_; }
    // Set when the adapter speaks HTTPS: the server's context for a new
    // connection, made again when a CRL changed (security/tls_trust.hpp).
    std::shared_ptr<boost::asio::ssl::context> server_tls();

    struct Connections;  // kept-alive push connections (http_adapter.cpp)

private:
    struct Parked;
    void offer(const std::string& endpoint);
    void push(OutboundMessage message, DeliveryDone done, const HttpUrl& url);

    HttpOptions options_;
    std::map<std::string, HttpUrl> push_urls_;  // endpoint id -> URL, split when the adapter was made
    AdapterHost* host_ = nullptr;
    boost::asio::io_context io_;
    std::shared_ptr<security::TlsTrust> trust_;
    std::mutex tls_mutex_;
    std::shared_ptr<boost::asio::ssl::context> server_tls_;  // made from trust generation server_tls_generation_
    int server_tls_generation_ = -1;
    std::unique_ptr<boost::asio::ssl::context> client_tls_;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
    std::vector<std::thread> threads_;
    int port_ = 0;

    std::mutex mutex_;
    std::map<std::string, std::deque<std::shared_ptr<Waiting>>> queues_;      // poll mode, by endpoint
    std::map<std::string, std::deque<std::shared_ptr<Parked>>> parked_;       // long polls waiting, by endpoint
    std::map<std::string, std::size_t> pushing_;                              // push mode: requests in flight
    std::unique_ptr<Connections> connections_;
};

Result<std::unique_ptr<Adapter>> make_http_adapter(const AdapterConfig& config);

// The server side: accepts connections on the adapter's acceptor.
void accept_http(HttpAdapter& adapter, boost::asio::ip::tcp::acceptor& acceptor);

}  // namespace govbus::http
