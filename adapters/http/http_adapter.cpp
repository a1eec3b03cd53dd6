#include "adapters/http/http_adapter.hpp"

#include "bus/core/log.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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

struct Url {
    std::string host, port, target;
};

std::optional<Url> parse_url(const std::string& url) {
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) return std::nullopt;
    std::string rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    Url u;
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    u.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    return u;
}

// One outbound POST with a deadline; its outcome goes to `done` once.
class PushRequest : public std::enable_shared_from_this<PushRequest> {
public:
    PushRequest(asio::io_context& io, Url url, OutboundMessage m, std::chrono::milliseconds timeout,
                std::function<void(DeliveryResult)> done)
        : resolver_(io), stream_(io), url_(std::move(url)), timeout_(timeout), done_(std::move(done)) {
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
        stream_.expires_after(timeout_);
        resolver_.async_resolve(url_.host, url_.port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
            if (ec) return self->finish(ec);
            self->stream_.async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->finish(ec);
                bhttp::async_write(self->stream_, self->req_, [self](beast::error_code ec, std::size_t) {
                    if (ec) return self->finish(ec);
                    bhttp::async_read(self->stream_, self->buffer_, self->res_,
                                      [self](beast::error_code ec, std::size_t) { self->finish(ec); });
                });
            });
        });
    }

private:
    void finish(beast::error_code ec) {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
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
    beast::tcp_stream stream_;
    Url url_;
    std::chrono::milliseconds timeout_;
    std::function<void(DeliveryResult)> done_;
    bhttp::request<bhttp::string_body> req_;
    bhttp::response<bhttp::string_body> res_;
    beast::flat_buffer buffer_;
};

}  // namespace

HttpAdapter::HttpAdapter(HttpOptions options, std::map<std::string, std::string> push_urls,
                         std::vector<std::string> pollers)
    : options_(std::move(options)), push_urls_(std::move(push_urls)) {
    for (const auto& p : pollers) queues_[p];
}

HttpAdapter::~HttpAdapter() { stop(); }

Status HttpAdapter::start(AdapterHost& host) {
    host_ = &host;
    try {
        tcp::endpoint at(asio::ip::make_address(options_.listen_host), static_cast<unsigned short>(options_.listen_port));
        acceptor_ = std::make_unique<tcp::acceptor>(io_, at);
        port_ = acceptor_->local_endpoint().port();
    } catch (const std::exception& e) {
        return make_problem("http.listen", "cannot listen on " + options_.listen_host + ":" +
                                               std::to_string(options_.listen_port) + ": " + e.what());
    }
    accept_http(*this, *acceptor_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    GOVBUS_LOG(info, "http: listening on " << options_.listen_host << ":" << port_
                                          << (options_.plain ? " (plain, no TLS)" : ""));
    return ok_status();
}

void HttpAdapter::stop() {
    if (threads_.empty()) return;
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
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

void HttpAdapter::push(OutboundMessage m, DeliveryDone done, const std::string& url_text) {
    const std::string id = m.destination.substr(m.destination.find(':') + 1);
    auto url = parse_url(url_text);
    if (!url) {
        done({DeliveryResult::Kind::refused,
              make_problem("http.url", "'" + url_text + "' is not an http:// URL (https is not available yet)")});
        return;
    }
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
    std::make_shared<PushRequest>(io_, std::move(*url), std::move(m), options_.timeout, std::move(finish))->run();
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
    HttpOptions o;
    const YAML::Node& n = config.options;
    if (!n || !n.IsMap() || !n["listen"])
        return make_problem("config.invalid", "/adapters/http: 'listen: HOST:PORT' is required");
    const std::string listen = n["listen"].as<std::string>();
    const auto colon = listen.rfind(':');
    o.listen_host = listen.substr(0, colon);
    o.listen_port = std::stoi(listen.substr(colon + 1));
    o.plain = n["plain"] && n["plain"].as<bool>();
    if (!o.plain)
        return make_problem("config.invalid",
                            "/adapters/http: TLS for the HTTP adapter is not available yet; set 'plain: true' "
                            "(loopback and trusted networks only) or connect the endpoint over AMQP with TLS");
    if (n["timeout_ms"]) o.timeout = std::chrono::milliseconds(n["timeout_ms"].as<long>());
    if (n["visibility_ms"]) o.visibility = std::chrono::milliseconds(n["visibility_ms"].as<long>());
    if (n["max_in_flight"]) o.max_in_flight = n["max_in_flight"].as<std::size_t>();
    if (n["max_bytes"]) o.max_bytes = n["max_bytes"].as<std::size_t>();
    std::map<std::string, std::string> urls;
    std::vector<std::string> pollers;
    for (const auto& peer : config.peers) {
        if (peer.destination.rfind("endpoint:", 0) != 0) continue;
        const std::string id = peer.destination.substr(9);
        if (peer.url.empty()) pollers.push_back(id);
        else urls[id] = peer.url;
    }
    return std::unique_ptr<Adapter>(std::make_unique<HttpAdapter>(o, std::move(urls), std::move(pollers)));
}

namespace {
const bool registered = register_adapter("http", make_http_adapter);
}

}  // namespace govbus::http
