// A message body between std::string and AMQP, both ways, byte for byte.
#define BOOST_TEST_MODULE amqp_body
#include <boost/test/unit_test.hpp>

#include "bus/node/amqp_body.hpp"

#include <proton/message.hpp>

using govbus::amqp::binary_body;
using govbus::amqp::body_bytes;

BOOST_AUTO_TEST_CASE(binary_body_round_trips_every_byte_value) {
    std::string bytes;
    for (int i = 0; i < 3 * 256; ++i) bytes.push_back(static_cast<char>(i % 256));  // NULs and bytes >= 0x80 too
    proton::message m;
    m.body(binary_body(bytes));
    BOOST_TEST(m.body().type() == proton::BINARY);
    std::string out = "left over";
    BOOST_TEST(body_bytes(m, out));
    BOOST_TEST(out == bytes);
}

BOOST_AUTO_TEST_CASE(a_string_body_is_read_and_other_bodies_are_refused) {
    proton::message text;
    text.body(std::string("{\"header\":{}}"));
    std::string out;
    BOOST_TEST(body_bytes(text, out));
    BOOST_TEST(out == "{\"header\":{}}");

    proton::message number;
    number.body(42);
    out.clear();
    BOOST_TEST(!body_bytes(number, out));
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(an_empty_body_stays_empty) {
    proton::message m;
    m.body(binary_body(""));
    std::string out = "x";
    BOOST_TEST(body_bytes(m, out));
    BOOST_TEST(out.empty());
}
