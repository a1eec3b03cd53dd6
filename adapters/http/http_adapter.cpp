#include "adapters/http/http_adapter.hpp"

#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"
#include "security/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

namespace govbus::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpAdapter::Parked {
    std::function<void(const Waiting*)> reply;
    std::unique_ptr<asio::steady_timer> timer;
    bool answered = false;
};

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

// Connections to departments kept open between pushes (HTTP/1.1 keep-alive),
// by scheme, host and port; at most max_in_flight idle ones each.
struct HttpAdapter::Connections {
    std::mutex mutex;
    std::map<std::string, std::vector<std::unique_ptr<beast::tcp_stream>>> plain;
    std::map<std::string, std::vector<std::unique_ptr<TlsStream>>> tls;
    std::size_t keep = 8;

    template <class Stream>
    auto& idle() {
        if constexpr (std::is_same_v<Stream, TlsStream>) return tls;
        else return plain;
    }
    template <class Stream>
    std::unique_ptr<Stream> take(const std::string& key) {
        std::lock_guard lock(mutex);
        auto& list = idle<Stream>()[key];
        if (list.empty()) return nullptr;
        auto s = std::move(list.back());
        list.pop_back();
        return s;
    }
    template <class Stream>
    void give_back(const std::string& key, std::unique_ptr<Stream> s) {
        std::lock_guard lock(mutex);
        auto& list = idle<Stream>()[key];
        if (list.size() < keep) list.push_back(std::move(s));
    }
    void clear() {
        std::lock_guard lock(mutex);
        plain.clear();
        tls.clear();
    }
};

namespace {

// One outbound POST with a deadline; its outcome goes to `done` once. It
// takes an idle connection to the department when there is one and gives it
// back after a complete keep-alive answer; a kept connection the department
// has closed meanwhile costs one more try on a new connection. Over HTTPS
// the node shows its certificate and checks the department's against the
// URL's host name.
template <class Stream>
class PushRequest : public std::enable_shared_from_this<PushRequest<Stream>> {
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

public:
    template <class... StreamArgs>
    PushRequest(asio::io_context& io, HttpAdapter::Connections& connections, HttpUrl url, OutboundMessage m,
                std::chrono::milliseconds timeout, std::function<void(DeliveryResult)> done, StreamArgs&&... stream_args)
        : resolver_(io), connections_(connections), url_(std::move(url)), key_(url_.host + ":" + url_.port),
          timeout_(timeout), done_(std::move(done)) {
        fresh_ = [&io, stream_args...] { return std::make_unique<Stream>(io, stream_args...); };
        req_.method(bhttp::verb::post);
        req_.target(url_.target);
        req_.set(bhttp::field::host, url_.host);
        req_.set(bhttp::field::content_type, m.content_type);
        req_.set("Govbus-Message-Id", m.message_id);
        req_.set("Govbus-Delivery-Id", m.delivery_id);
        req_.body() = std::move(m.bytes);
        req_.prepare_payload();
    }

    void run() {
        if ((stream_ = connections_.take<Stream>(key_))) {
            reused_ = true;
            return exchange();
        }
        connect();
    }

private:
    void connect() {
        reused_ = false;
        stream_ = fresh_();
        if constexpr (tls) {
            // SNI, and the name the department's certificate must carry.
            if (!SSL_set_tlsext_host_name(stream_->native_handle(), url_.host.c_str()))
                return finish(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
            stream_->set_verify_callback(asio::ssl::host_name_verification(url_.host));
        }
        beast::get_lowest_layer(*stream_).expires_after(timeout_);
        resolver_.async_resolve(url_.host, url_.port, [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
            if (ec) return self->finish(ec);
            beast::get_lowest_layer(*self->stream_).async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->finish(ec);
                if constexpr (tls)
                    self->stream_->async_handshake(asio::ssl::stream_base::client, [self](beast::error_code ec) {
                        if (ec) return self->finish(ec);
                        self->exchange();
                    });
                else
                    self->exchange();
            });
        });
    }

    void exchange() {
        beast::get_lowest_layer(*stream_).expires_after(timeout_);
        bhttp::async_write(*stream_, req_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->finish(ec);
            bhttp::async_read(*self->stream_, self->buffer_, self->res_,
                              [self](beast::error_code ec, std::size_t) { self->finish(ec); });
        });
    }

    void finish(beast::error_code ec) {
        if (ec && reused_ && ec != beast::error::timeout) {
            // The department closed the kept connection: once more on a new one.
            buffer_.clear();
            res_ = {};
            return connect();
        }
        if (!ec && res_.keep_alive()) {
            connections_.give_back(key_, std::move(stream_));
        } else if (stream_) {
            beast::error_code ignored;
            beast::get_lowest_layer(*stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        }
        DeliveryResult r;
        if (ec == beast::error::timeout) {
            r = {DeliveryResult::Kind::retry, make_problem("http.timeout", "no answer within " +
                                                                               std::to_string(timeout_.count()) + " ms")};
        } else if (ec) {
            r = {DeliveryResult::Kind::retry, make_problem("http.unavailable", ec.message())};
        } else {
            const unsigned status = res_.result_int();
            if (status >= 200 && status < 300) r = {DeliveryResult::Kind::delivered, {}};
            else if (status >= 400 && status < 500)
                r = {DeliveryResult::Kind::refused,
                     make_problem("http.refused", "HTTP " + std::to_string(status) + ": " + res_.body().substr(0, 1024))};
            else
                r = {DeliveryResult::Kind::retry, make_problem("http.unavailable", "HTTP " + std::to_string(status))};
        }
        done_(std::move(r));
    }

    tcp::resolver resolver_;
    HttpAdapter::Connections& connections_;
    std::function<std::unique_ptr<Stream>()> fresh_;
    std::unique_ptr<Stream> stream_;
    bool reused_ = false;
    HttpUrl url_;
    std::string key_;
    std::chrono::milliseconds timeout_;
    std::function<void(DeliveryResult)> done_;
    bhttp::request<bhttp::string_body> req_;
    bhttp::response<bhttp::string_body> res_;
    beast::flat_buffer buffer_;
};

}  // namespace

HttpAdapter::HttpAdapter(HttpOptions options, std::map<std::string, HttpUrl> push_urls,
                         std::vector<std::string> pollers)
    : options_(std::move(options)), push_urls_(std::move(push_urls)), connections_(std::make_unique<Connections>()) {
    connections_->keep = options_.max_in_flight;
    for (const auto& p : pollers) queues_[p];
}

HttpAdapter::~HttpAdapter() { stop(); }

std::shared_ptr<asio::ssl::context> HttpAdapter::server_tls() {
    if (!trust_) return nullptr;
    const std::string trusted = trust_->file();
    std::lock_guard lock(tls_mutex_);
    if (server_tls_ && server_tls_generation_ == trust_->generation()) return server_tls_;
    try {
        const security::TlsContextFiles files{trusted, options_.tls->cert, options_.tls->key};
        server_tls_ = security::make_tls_context(files, true, options_.tls->require_client_cert);
        server_tls_generation_ = trust_->generation();
    } catch (const std::exception& e) {
        // Keeps serving with the context it has (start() made the first).
        GOVBUS_LOG(error, "http: cannot set up TLS from " << options_.tls->cert << ", " << options_.tls->key << " and "
                                                          << trusted << ": " << e.what());
    }
    return server_tls_;
}

Status HttpAdapter::start(AdapterHost& host) {
    host_ = &host;
    if (options_.tls) {
        auto trust = security::TlsTrust::open(options_.tls->ca, options_.tls->crl, "/adapters/http/tls");
        if (!trust) return trust.problems();
        trust_ = std::move(trust.value());
        const std::string trusted = trust_->file();
        try {
            // The push client verifies servers against `ca` alone (security/tls_trust.hpp).
            const security::TlsContextFiles files{options_.tls->ca, options_.tls->cert, options_.tls->key};
            client_tls_ = security::make_tls_context(files, false);
            server_tls_ = security::make_tls_context({trusted, files.cert, files.key}, true,
                                                     options_.tls->require_client_cert);
            server_tls_generation_ = trust_->generation();
        } catch (const std::exception& e) {
            return make_problem("http.tls", "cannot set up TLS from " + options_.tls->cert + ", " + options_.tls->key +
                                                " and " + options_.tls->ca + ": " + e.what());
        }
    }
    try {
        tcp::endpoint at(asio::ip::make_address(options_.listen_host), static_cast<unsigned short>(options_.listen_port));
        acceptor_ = std::make_unique<tcp::acceptor>(io_, at);
        port_ = acceptor_->local_endpoint().port();
    } catch (const std::exception& e) {
        return make_problem("http.listen", "cannot listen on " + options_.listen_host + ":" +
                                               std::to_string(options_.listen_port) + ": " + e.what());
    }
    accept_http(*this, *acceptor_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] {
        name_this_thread("http");
        io_.run();
    });
    GOVBUS_LOG(info, "http: listening on " << options_.listen_host << ":" << port_
                                          << (options_.plain ? " (plain, no TLS)" : " (TLS, client certificates)"));
    return ok_status();
}

void HttpAdapter::stop() {
    if (threads_.empty()) return;
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    connections_->clear();  // the kept connections close before io_ goes
}

bool HttpAdapter::polls(const std::string& endpoint) const { return queues_.count(endpoint) > 0; }

std::size_t HttpAdapter::capacity(const std::string& destination) {
    const std::string id = destination.substr(destination.find(':') + 1);
    std::lock_guard lock(mutex_);
    if (auto q = queues_.find(id); q != queues_.end()) return q->second.size() >= options_.queue ? 0 : options_.queue - q->second.size();
    const std::size_t busy = pushing_[id];
    return busy >= options_.max_in_flight ? 0 : options_.max_in_flight - busy;
}

void HttpAdapter::deliver(OutboundMessage m, DeliveryDone done) {
    const std::string id = m.destination.substr(m.destination.find(':') + 1);
    if (polls(id)) {
        {
            std::lock_guard lock(mutex_);
            queues_[id].push_back(std::make_shared<Waiting>(Waiting{std::move(m), std::move(done), {}}));
        }
        offer(id);
        return;
    }
    auto url = push_urls_.find(id);
    if (url == push_urls_.end()) {
        done({DeliveryResult::Kind::refused, make_problem("http.unknown_endpoint", "no URL for " + m.destination)});
        return;
    }
    push(std::move(m), std::move(done), url->second);
}

void HttpAdapter::push(OutboundMessage m, DeliveryDone done, const HttpUrl& url) {
    const std::string id = m.destination.substr(m.destination.find(':') + 1);
    {
        std::lock_guard lock(mutex_);
        ++pushing_[id];
    }
    auto finish = [this, id, done = std::move(done)](DeliveryResult r) {
        {
            std::lock_guard lock(mutex_);
            --pushing_[id];
        }
        done(std::move(r));
        host_->wake("endpoint:" + id);
    };
    if (url.https)
        std::make_shared<PushRequest<TlsStream>>(io_, *connections_, url, std::move(m), options_.timeout,
                                                 std::move(finish), std::ref(*client_tls_))
            ->run();
    else
        std::make_shared<PushRequest<beast::tcp_stream>>(io_, *connections_, url, std::move(m),
                                                         options_.timeout, std::move(finish))
            ->run();
}

void HttpAdapter::fetch(const std::string& endpoint, std::chrono::milliseconds wait,
                        std::function<void(const Waiting*)> reply) {
    std::unique_lock lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (auto& w : queues_[endpoint]) {
        if (w->offered == std::chrono::steady_clock::time_point{} || now - w->offered > options_.visibility) {
            w->offered = now;
            auto keep = w;
            lock.unlock();
            reply(keep.get());
            return;
        }
    }
    if (wait.count() <= 0) {
        lock.unlock();
        reply(nullptr);
        return;
    }
    auto parked = std::make_shared<Parked>();
    parked->reply = std::move(reply);
    parked->timer = std::make_unique<asio::steady_timer>(io_, wait);
    parked_[endpoint].push_back(parked);
    parked->timer->async_wait([this, parked, endpoint](beast::error_code) {
        std::unique_lock l(mutex_);
        if (parked->answered) return;
        parked->answered = true;
        std::erase(parked_[endpoint], parked);
        l.unlock();
        parked->reply(nullptr);
    });
}

void HttpAdapter::offer(const std::string& endpoint) {
    std::unique_lock lock(mutex_);
    auto& waiting = parked_[endpoint];
    for (auto& w : queues_[endpoint]) {
        if (waiting.empty()) break;
        if (w->offered != std::chrono::steady_clock::time_point{}) continue;
        auto p = waiting.front();
        waiting.pop_front();
        p->answered = true;
        p->timer->cancel();
        w->offered = std::chrono::steady_clock::now();
        auto keep = w;
        lock.unlock();
        p->reply(keep.get());
        lock.lock();
    }
}

bool HttpAdapter::acknowledge(const std::string& endpoint, const std::string& delivery_id) {
    std::shared_ptr<Waiting> taken;
    {
        std::lock_guard lock(mutex_);
        auto& q = queues_[endpoint];
        for (auto it = q.begin(); it != q.end(); ++it)
            if ((*it)->message.delivery_id == delivery_id && (*it)->offered != std::chrono::steady_clock::time_point{}) {
                taken = *it;
                q.erase(it);
                break;
            }
    }
    if (!taken) return false;
    taken->done({DeliveryResult::Kind::delivered, {}});
    host_->wake("endpoint:" + endpoint);
    return true;
}

Result<std::unique_ptr<Adapter>> make_http_adapter(const AdapterConfig& config) {
    ConfigReader reader(block_source(config));
    const std::string path = "/adapters/http";
    const YAML::Node& n = config.options;
    HttpOptions o;
    if (!n.IsDefined() || n.IsNull()) {
        reader.error(n, path, "the http adapter needs an options block with at least 'listen' and 'tls' (or 'plain: true')");
        return reader.problems();
    }
    if (!reader.expect_map(n, path, {"listen", "tls", "plain", "timeout_ms", "visibility_ms", "max_in_flight", "max_bytes", "queue"}))
        return reader.problems();
    if (auto listen = reader.text(n, "listen", path, true)) {
        std::string port;
        if (!split_host_port(*listen, o.listen_host, port))
            reader.error(n["listen"], path + "/listen", "expected host:port, e.g. \"127.0.0.1:8443\" (port 0 picks a free port)");
        else
            o.listen_port = std::stoi(port);
    }
    auto transport = read_transport_security(reader, n, path, config.config_dir);
    o.tls = transport.tls;
    o.plain = transport.plain;
    o.timeout = std::chrono::milliseconds(reader.integer_or(n, "timeout_ms", path, 10000, 1, 3600000));
    o.visibility = std::chrono::milliseconds(reader.integer_or(n, "visibility_ms", path, 30000, 1, 86400000));
    o.max_in_flight = static_cast<std::size_t>(reader.integer_or(n, "max_in_flight", path, 8, 1, 10000));
    o.max_bytes = static_cast<std::size_t>(reader.integer_or(n, "max_bytes", path, 10 << 20, 1024, 1LL << 30));
    o.queue = static_cast<std::size_t>(reader.integer_or(n, "queue", path, 100, 1, 100000));
    std::map<std::string, HttpUrl> urls;
    std::vector<std::string> pollers;
    for (const auto& peer : config.peers) {
        if (peer.destination.rfind("endpoint:", 0) != 0) continue;
        const std::string id = peer.destination.substr(9);
        if (peer.url.empty()) {
            pollers.push_back(id);
            continue;
        }
        auto url = parse_http_url(peer.url);
        if (!url)
            reader.error(n, path, "endpoint '" + id + "': url '" + peer.url + "' is not an http:// or https:// URL");
        else if (url->https && !o.tls)
            reader.error(n, path, "endpoint '" + id + "': an https:// url needs a 'tls' block here (this node's certificate)");
        else if (!url->https && o.tls)
            reader.error(n, path, "endpoint '" + id + "': url '" + peer.url +
                                      "' is plain http while this adapter uses TLS; give an https:// url");
        else
            urls[id] = *url;
    }
    if (!reader.ok()) return reader.problems();
    return std::unique_ptr<Adapter>(std::make_unique<HttpAdapter>(o, std::move(urls), std::move(pollers)));
}

namespace {
const bool registered = register_adapter("http", make_http_adapter);
}

}  // namespace govbus::http
