// A message body between std::string and AMQP, both ways, byte for byte.
#define BOOST_TEST_MODULE amqp_body
#include <boost/test/unit_test.hpp>

#include "bus/node/amqp_body.hpp"

#include <proton/message.hpp>

#include <string>
#include <vector>

using govbus::amqp::body_bytes;
using govbus::amqp::set_binary_body;

namespace {

// What a peer's message becomes in the node: encoded, then decoded from the bytes.
proton::message over_the_wire(const proton::message& sent) {
    std::vector<char> wire;
    sent.encode(wire);
    proton::message received;
    received.decode(wire);
    return received;
}

}  // namespace

BOOST_AUTO_TEST_CASE(binary_body_round_trips_every_byte_value) {
    std::string bytes;
    for (int i = 0; i < 3 * 256; ++i) bytes.push_back(static_cast<char>(i % 256));  // NULs and bytes >= 0x80 too
    proton::message m;
    set_binary_body(m, bytes);
    BOOST_TEST(m.body().type() == proton::BINARY);
    std::string out = "left over";
    BOOST_TEST(body_bytes(m, out));
    BOOST_TEST(out == bytes);

    out.clear();
    BOOST_TEST(body_bytes(over_the_wire(m), out));
    BOOST_TEST(out == bytes);
}

BOOST_AUTO_TEST_CASE(a_body_set_again_replaces_the_first) {
    proton::message m;
    set_binary_body(m, "first, and longer");
    set_binary_body(m, "second");
    std::string out;
    BOOST_TEST(body_bytes(over_the_wire(m), out));
    BOOST_TEST(out == "second");
}

BOOST_AUTO_TEST_CASE(a_large_body_arrives_whole) {
    std::string bytes(300 * 1024, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) % 251);
    proton::message m;
    set_binary_body(m, bytes);
    std::string out;
    BOOST_TEST(body_bytes(over_the_wire(m), out));
    BOOST_TEST((out == bytes));
}

BOOST_AUTO_TEST_CASE(a_string_body_is_read_and_other_bodies_are_refused) {
    proton::message text;
    text.body(std::string("{\"header\":{}}"));
    std::string out;
    BOOST_TEST(body_bytes(text, out));
    BOOST_TEST(out == "{\"header\":{}}");
    out.clear();
    BOOST_TEST(body_bytes(over_the_wire(text), out));
    BOOST_TEST(out == "{\"header\":{}}");

    proton::message number;
    number.body(42);
    out.clear();
    BOOST_TEST(!body_bytes(number, out));
    BOOST_TEST(!body_bytes(over_the_wire(number), out));
    BOOST_TEST(out.empty());

    proton::message none;
    BOOST_TEST(!body_bytes(none, out));
    BOOST_TEST(!body_bytes(over_the_wire(none), out));
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(an_empty_body_stays_empty) {
    proton::message m;
    set_binary_body(m, "");
    std::string out = "x";
    BOOST_TEST(body_bytes(m, out));
    BOOST_TEST(out.empty());
}
