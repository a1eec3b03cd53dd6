// The HTTP adapter's server side: one session per connection, keep-alive,
// requests answered asynchronously (the journal's verdict, a long poll).
// Over TLS the caller is the CN of its client certificate; plain, it is the
// Govbus-Endpoint header.
#include "adapters/http/http_adapter.hpp"
#include "bus/core/log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <openssl/x509.h>

namespace govbus::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

using Response = bhttp::response<bhttp::string_body>;

// RFC 9457 problem details, status by the kind of reason.
Response problem_response(const Problem& p, unsigned version, bool keep_alive) {
    bhttp::status status = bhttp::status::bad_request;
    auto starts = [&](const char* prefix) { return p.code.rfind(prefix, 0) == 0; };
    if (starts("auth.") || starts("acl.") || starts("endpoint.") || starts("security.")) status = bhttp::status::forbidden;
    else if (p.code.ends_with("too_large")) status = bhttp::status::payload_too_large;
    else if (starts("journal.")) status = bhttp::status::service_unavailable;
    else if (starts("http.not_found")) status = bhttp::status::not_found;
    Response res{status, version};
    json::object doc{{"type", "urn:govbus:reason:" + p.code}, {"title", p.code}, {"status", static_cast<int>(status)},
                     {"detail", p.message}, {"code", p.code}};
    if (!p.field.empty()) doc["where"] = p.field;
    if (p.line) doc["line"] = p.line, doc["column"] = p.column;
    res.set(bhttp::field::content_type, "application/problem+json");
    res.body() = json::serialize(doc);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// The CN of the client certificate the TLS handshake verified; "" without one.
std::string certificate_identity(TlsStream& stream) {
    X509* cert = SSL_get0_peer_certificate(stream.native_handle());
    if (!cert) return {};
    char cn[256] = {};
    const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    return n > 0 ? std::string(cn, static_cast<std::size_t>(n)) : std::string();
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

public:
    // `context`: the TLS context the stream was made with, kept while the session lives.
    Session(HttpAdapter& adapter, Stream stream, std::shared_ptr<asio::ssl::context> context = nullptr)
        : adapter_(adapter), context_(std::move(context)), stream_(std::move(stream)) {}

    void start() {
        if constexpr (tls) {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
            stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                if (ec) {  // no certificate, or one this node does not trust (or revoked): the connection ends here
                    beast::error_code ignored;
                    const auto remote = beast::get_lowest_layer(self->stream_).socket().remote_endpoint(ignored);
                    GOVBUS_LOG(info, "http: TLS handshake with " << remote.address().to_string()
                                                                 << " failed: " << ec.message());
                    return;
                }
                self->identity_ = certificate_identity(self->stream_);
                self->read();
            });
        } else {
            read();
        }
    }

    void read() {
        parser_.emplace();
        parser_->body_limit(adapter_.options().max_bytes);
        beast::get_lowest_layer(stream_).expires_after(std::chrono::minutes(5));
        bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec == bhttp::error::body_limit) {
                self->keep_alive_ = false;
                return self->send(problem_response(
                    make_problem("message.too_large", "the request body is larger than this node takes"), 11, false));
            }
            if (ec) return;  // closed, or a malformed request: drop the connection
            self->handle(self->parser_->release());
        });
    }

private:
    void handle(bhttp::request<bhttp::string_body> req) {
        version_ = req.version();
        keep_alive_ = req.keep_alive();
        const std::string target(req.target());
        std::string caller(req["Govbus-Endpoint"]);
        if constexpr (tls) {
            if (identity_.empty() || (!caller.empty() && caller != identity_))
                return send(problem_response(
                    make_problem("auth.identity_mismatch",
                                 identity_.empty() ? "no client certificate names an endpoint"
                                                   : "the Govbus-Endpoint header says '" + caller +
                                                         "' but the client certificate is '" + identity_ + "'"),
                    version_, keep_alive_));
            caller = identity_;
        }
        if (req.method() == bhttp::verb::post && target == "/v1/messages") return post(std::move(req), caller);
        const std::string prefix = "/v1/endpoints/";
        if (target.rfind(prefix, 0) == 0) {
            std::string rest = target.substr(prefix.size());
            const std::string id = rest.substr(0, rest.find('/'));
            if (id != caller || !adapter_.polls(id))
                return send(problem_response(make_problem(id != caller ? "auth.identity_mismatch" : "http.not_found",
                                                          id != caller ? "an endpoint may fetch only its own messages"
                                                                       : "endpoint '" + id + "' is not served by polling here"),
                                             version_, keep_alive_));
            rest = rest.substr(id.size());
            if (req.method() == bhttp::verb::get && rest.rfind("/messages", 0) == 0) return fetch(id, rest);
            if (req.method() == bhttp::verb::delete_ && rest.rfind("/messages/", 0) == 0) {
                const bool ok = adapter_.acknowledge(id, rest.substr(10));
                if (ok) return send(empty(bhttp::status::no_content));
                return send(problem_response(make_problem("http.not_found", "no delivery " + rest.substr(10) +
                                                                                " is waiting for acknowledgement"),
                                             version_, keep_alive_));
            }
        }
        send(problem_response(make_problem("http.not_found", "no such resource: " + target), version_, keep_alive_));
    }

    void post(bhttp::request<bhttp::string_body> req, const std::string& caller) {
        if (caller.empty())
            return send(problem_response(make_problem("auth.identity_mismatch", "the Govbus-Endpoint header names no endpoint"),
                                         version_, keep_alive_));
        auto self = this->shared_from_this();
        adapter_.host().inbound(InboundMessage{std::move(req.body()), caller, "http"}, [self](const Status& st) {
            asio::post(self->stream_.get_executor(), [self, st] {
                if (st) {
                    Response res{bhttp::status::accepted, self->version_};
                    res.set(bhttp::field::content_type, "application/json");
                    res.body() = "{\"accepted\":true}";
                    res.keep_alive(self->keep_alive_);
                    res.prepare_payload();
                    return self->send(std::move(res));
                }
                self->send(problem_response(st.problem(), self->version_, self->keep_alive_));
            });
        });
    }

    void fetch(const std::string& id, const std::string& rest) {
        long wait = 0;
        if (auto at = rest.find("wait="); at != std::string::npos) wait = std::atol(rest.c_str() + at + 5);
        wait = std::clamp(wait, 0L, 60L);
        auto self = this->shared_from_this();
        adapter_.fetch(id, std::chrono::seconds(wait), [self](const Waiting* w) {
            Response res = w ? Response{bhttp::status::ok, self->version_} : self->empty(bhttp::status::no_content);
            if (w) {
                res.set(bhttp::field::content_type, w->message.content_type);
                res.set("Govbus-Delivery-Id", w->message.delivery_id);
                res.set("Govbus-Message-Id", w->message.message_id);
                res.body() = w->message.bytes;
                res.keep_alive(self->keep_alive_);
                res.prepare_payload();
            }
            asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
        });
    }

    Response empty(bhttp::status status) const {
        Response res{status, version_};
        res.keep_alive(keep_alive_);
        res.prepare_payload();
        return res;
    }

    void send(Response res) {
        auto owned = std::make_shared<Response>(std::move(res));
        bhttp::async_write(stream_, *owned, [self = this->shared_from_this(), owned](beast::error_code ec, std::size_t) {
            if (ec || !self->keep_alive_) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
                return;
            }
            self->read();
        });
    }

    HttpAdapter& adapter_;
    std::shared_ptr<asio::ssl::context> context_;  // before stream_: outlives it
    Stream stream_;
    std::string identity_;  // TLS: the client certificate's CN
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    unsigned version_ = 11;
    bool keep_alive_ = true;
};

void accept_next(HttpAdapter& adapter, tcp::acceptor& acceptor) {
    acceptor.async_accept(asio::make_strand(adapter.io()), [&adapter, &acceptor](beast::error_code ec, tcp::socket s) {
        if (!ec) {
            if (auto context = adapter.server_tls())
                std::make_shared<Session<TlsStream>>(adapter, TlsStream(std::move(s), *context), context)->start();
            else
                std::make_shared<Session<beast::tcp_stream>>(adapter, beast::tcp_stream(std::move(s)))->start();
        }
        if (acceptor.is_open()) accept_next(adapter, acceptor);
    });
}

}  // namespace

void accept_http(HttpAdapter& adapter, tcp::acceptor& acceptor) { accept_next(adapter, acceptor); }

}  // namespace govbus::http
