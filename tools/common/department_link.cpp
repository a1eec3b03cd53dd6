#include "tools/common/department_link.hpp"

#include "bus/core/sqlite.hpp"
#include "bus/node/adapter_options.hpp"
#include "security/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

namespace govbus::tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Reply {
    unsigned status = 0;  // 0: no answer
    std::string delivery_id, body;
};

struct Target {
    std::string host, port;
    std::shared_ptr<asio::ssl::context> tls;  // null: plain HTTP
};

// One HTTP/1.1 connection to the node, kept alive between requests: opened
// on first use, and again when the node closed it or an exchange failed.
// Used by one thread at a time.
class Connection {
public:
    explicit Connection(const Target& to) : to_(to) {}

    // Status 0 when there is no answer; the caller tries again later. A
    // request that fails on a connection kept from before is sent once more
    // on a new one (the node may have closed it meanwhile); the node
    // de-duplicates a message sent twice by its id.
    Reply request(bhttp::verb verb, const std::string& target, const std::string& endpoint,
                  const std::string& body, const std::string& content_type, std::chrono::seconds timeout) {
        for (int attempt = 0; attempt < 2; ++attempt) {
            const bool reused = open_;
            try {
                if (!open_) connect(timeout);
                return to_.tls ? exchange(*tls_, verb, target, endpoint, body, content_type, timeout)
                               : exchange(*plain_, verb, target, endpoint, body, content_type, timeout);
            } catch (const std::exception&) {
                close();
                if (!reused) return {};
            }
        }
        return {};
    }

private:
    void connect(std::chrono::seconds timeout) {
        auto addresses = tcp::resolver(io_).resolve(to_.host, to_.port);
        if (!to_.tls) {
            plain_.emplace(io_);
            plain_->expires_after(timeout);
            plain_->connect(addresses);
        } else {
            tls_.emplace(io_, *to_.tls);
            SSL_set_tlsext_host_name(tls_->native_handle(), to_.host.c_str());
            tls_->set_verify_callback(asio::ssl::host_name_verification(to_.host));
            beast::get_lowest_layer(*tls_).expires_after(timeout);
            beast::get_lowest_layer(*tls_).connect(addresses);
            tls_->handshake(asio::ssl::stream_base::client);
        }
        open_ = true;
    }

    void close() {
        beast::error_code ignored;
        if (plain_) plain_->socket().close(ignored);
        if (tls_) beast::get_lowest_layer(*tls_).socket().close(ignored);
        plain_.reset();
        tls_.reset();
        buffer_.clear();
        open_ = false;
    }

    template <class Stream>
    Reply exchange(Stream& stream, bhttp::verb verb, const std::string& target, const std::string& endpoint,
                   const std::string& body, const std::string& content_type, std::chrono::seconds timeout) {
        bhttp::request<bhttp::string_body> req{verb, target, 11};
        req.set(bhttp::field::host, to_.host);
        if (!to_.tls) req.set("Govbus-Endpoint", endpoint);  // over TLS the client certificate says who we are
        if (!body.empty()) {
            req.set(bhttp::field::content_type, content_type);
            req.body() = body;
        }
        req.keep_alive(true);
        req.prepare_payload();
        beast::get_lowest_layer(stream).expires_after(timeout);
        bhttp::write(stream, req);
        bhttp::response<bhttp::string_body> res;
        bhttp::read(stream, buffer_, res);
        Reply reply{res.result_int(), std::string(res["Govbus-Delivery-Id"]), res.body()};
        if (!res.keep_alive()) close();
        return reply;
    }

    const Target& to_;
    asio::io_context io_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
    beast::flat_buffer buffer_;
    bool open_ = false;
};

// Receives on one kept-alive connection and sends on another.
class HttpLink : public DepartmentLink {
public:
    HttpLink(Target to, std::string endpoint) : to_(std::move(to)), endpoint_(std::move(endpoint)) {}
    ~HttpLink() override { stop(); }

    Status start(OnMessage on_message) override {
        thread_ = std::thread([this, on_message] {
            Connection polling(to_);
            const std::string mine = "/v1/endpoints/" + endpoint_ + "/messages";
            while (!stopping_) {
                Reply r = polling.request(bhttp::verb::get, mine + "?wait=2", endpoint_, {}, {}, std::chrono::seconds(10));
                if (r.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (r.status != 200) continue;
                if (on_message(r.body))
                    polling.request(bhttp::verb::delete_, mine + "/" + r.delivery_id, endpoint_, {}, {},
                                    std::chrono::seconds(10));
            }
        });
        return ok_status();
    }
    bool send(const std::string& bytes, const std::string& content_type) override {
        std::lock_guard lock(sending_mutex_);
        return sending_.request(bhttp::verb::post, "/v1/messages", endpoint_, bytes, content_type,
                                std::chrono::seconds(30))
                   .status == 202;
    }
    void stop() override {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }

private:
    Target to_;
    std::string endpoint_;
    std::mutex sending_mutex_;
    Connection sending_{to_};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

class DbLink : public DepartmentLink {
public:
    explicit DbLink(std::string path) : path_(std::move(path)) {}
    ~DbLink() override { stop(); }

    Status start(OnMessage on_message) override {
        auto db = sqlite::Database::open(path_,
                                         {.what = "exchange database", .code = "exchange_db", .busy_timeout_ms = 5000});
        if (!db) return db.problems();
        db_ = std::move(db.value());
        thread_ = std::thread([this, on_message] {
            std::int64_t last = 0;
            while (!stopping_) {
                std::vector<std::pair<std::int64_t, std::string>> rows;
                {
                    std::lock_guard lock(mutex_);
                    // The node creates the tables; until it has, there is nothing to read.
                    if (db_->query_text("SELECT count(*) FROM sqlite_master WHERE name = 'govbus_outbox'") != "1") {
                        db_->take_error();
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
                        continue;
                    }
                    auto q = db_->cached("SELECT seq, body FROM govbus_outbox WHERE seq > ? ORDER BY seq LIMIT 100");
                    q->bind(1, last);
                    while (q->step()) rows.emplace_back(q->column_int(0), q->column_text(1));
                    db_->take_error();
                }
                for (auto& [seq, body] : rows) {
                    last = seq;
                    on_message(body);
                }
                if (rows.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        return ok_status();
    }
    bool send(const std::string& bytes, const std::string&) override {
        std::lock_guard lock(mutex_);
        auto ins = db_->cached("INSERT INTO govbus_inbox (body) VALUES (?)");
        ins->bind(1, bytes);
        ins->run();
        return !db_->take_error();
    }
    void stop() override {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }

private:
    std::string path_;
    std::unique_ptr<sqlite::Database> db_;
    std::mutex mutex_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace

Result<std::unique_ptr<DepartmentLink>> make_http_link(const std::string& base, const std::string& endpoint,
                                                       const HttpTlsFiles& tls) {
    auto url = parse_http_url(base);
    if (!url) return make_problem("link.url", "'" + base + "' is not an http:// or https:// URL");
    Target to;
    to.host = url->host;
    to.port = url->port;
    if (url->https) {
        if (tls.ca.empty() || tls.cert.empty() || tls.key.empty())
            return make_problem("link.tls", "an https:// node needs a CA file, a client certificate and its key (dept-sim: --ca, --cert, --key)");
        try {
            to.tls = security::make_tls_context(security::TlsContextFiles{tls.ca, tls.cert, tls.key}, false);
        } catch (const std::exception& e) {
            return make_problem("link.tls", std::string("cannot load the TLS files: ") + e.what());
        }
    }
    return std::unique_ptr<DepartmentLink>(std::make_unique<HttpLink>(std::move(to), endpoint));
}

std::unique_ptr<DepartmentLink> make_exchange_db_link(const std::string& path) { return std::make_unique<DbLink>(path); }

}  // namespace govbus::tools
