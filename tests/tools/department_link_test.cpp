// The HTTP department link (govbus dept-sim, bench_adapters) keeps its
// connection to the node between requests, opens a new one when the node
// closes it, and sends again once when a kept connection turns out dead.
#define BOOST_TEST_MODULE department_link
#include <boost/test/unit_test.hpp>

#include "tools/common/department_link.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace govbus;

namespace {

// A stand-in for the node's HTTP adapter that takes every POST /v1/messages
// with 202, one connection at a time, and counts connections and requests.
class StandIn {
public:
    enum class Close { never, after_each_answer, silently_after_first_answer };

    explicit StandIn(Close close) : close_(close), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        thread_ = std::thread([this] { serve(); });
    }
    ~StandIn() {
        stopping_ = true;
        beast::error_code ignored;
        tcp::socket wake(io_);
        wake.connect(acceptor_.local_endpoint(), ignored);  // out of accept()
        thread_.join();
    }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
    int connections() const { return connections_; }
    int posts() const { return posts_; }

private:
    void serve() {
        while (!stopping_) {
            tcp::socket socket(io_);
            beast::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ++connections_;
            beast::flat_buffer buffer;
            for (int answered = 0;; ++answered) {
                bhttp::request<bhttp::string_body> req;
                bhttp::read(socket, buffer, req, ec);
                if (ec) break;
                if (req.method() == bhttp::verb::post && req.target() == "/v1/messages") ++posts_;
                if (close_ == Close::silently_after_first_answer && answered == 1) break;  // unread, unanswered
                bhttp::response<bhttp::string_body> res{bhttp::status::accepted, req.version()};
                res.keep_alive(close_ != Close::after_each_answer && req.keep_alive());
                res.prepare_payload();
                bhttp::write(socket, res, ec);
                if (ec || !res.keep_alive()) break;
            }
            socket.close(ec);
        }
    }

    Close close_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0}, posts_{0};
    std::thread thread_;
};

std::unique_ptr<tools::DepartmentLink> link_to(const StandIn& node) {
    auto link = tools::make_http_link(node.base(), "cd.civil", {});
    BOOST_REQUIRE(link.ok());
    return std::move(*link);
}

}  // namespace

BOOST_AUTO_TEST_CASE(sends_many_messages_on_one_connection) {
    StandIn node(StandIn::Close::never);
    auto link = link_to(node);
    for (int i = 0; i < 5; ++i) BOOST_TEST(link->send("{}", "application/json"));
    BOOST_TEST(node.posts() == 5);
    BOOST_TEST(node.connections() == 1);
}

BOOST_AUTO_TEST_CASE(opens_a_new_connection_when_the_node_closes_one) {
    StandIn node(StandIn::Close::after_each_answer);
    auto link = link_to(node);
    for (int i = 0; i < 3; ++i) BOOST_TEST(link->send("{}", "application/json"));
    BOOST_TEST(node.posts() == 3);
    BOOST_TEST(node.connections() == 3);
}

// The second message finds the kept connection dead (the node closed it
// without a word): it goes again on a new one, and is not lost.
BOOST_AUTO_TEST_CASE(sends_again_on_a_new_connection_when_the_kept_one_is_dead) {
    StandIn node(StandIn::Close::silently_after_first_answer);
    auto link = link_to(node);
    BOOST_TEST(link->send("{}", "application/json"));
    BOOST_TEST(link->send("{}", "application/json"));
    BOOST_TEST(node.connections() == 2);
    BOOST_TEST(node.posts() == 3);  // the second message reached the node twice: it de-duplicates by id
}
