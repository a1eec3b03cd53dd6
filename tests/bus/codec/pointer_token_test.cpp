// JSON Pointer tokens (RFC 6901 §3), as problems name the fields they are about.
#define BOOST_TEST_MODULE pointer_token
#include <boost/test/unit_test.hpp>

#include "bus/codec/schema_walk.hpp"

#include <string>

using govbus::codec::append_pointer_token;

namespace {

// The token alone, as append_pointer_token writes it after its '/'.
std::string pointer_token(std::string_view key) {
    std::string pointer;
    append_pointer_token(pointer, key);
    BOOST_TEST(pointer.front() == '/');
    return pointer.substr(1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(escapes_tilde_before_slash_wherever_they_stand) {
    BOOST_TEST(pointer_token("region") == "region");
    BOOST_TEST(pointer_token("") == "");
    BOOST_TEST(pointer_token("a/b") == "a~1b");
    BOOST_TEST(pointer_token("m~n") == "m~0n");
    BOOST_TEST(pointer_token("~1") == "~01");  // not read back as '/'
    BOOST_TEST(pointer_token("/~") == "~1~0");
    BOOST_TEST(pointer_token("x//y~") == "x~1~1y~0");
    BOOST_TEST(pointer_token("证照/编号") == "证照~1编号");
}

BOOST_AUTO_TEST_CASE(appends_a_separator_and_the_token_to_the_pointer) {
    std::string pointer = "/payload";
    append_pointer_token(pointer, "form/data");
    BOOST_TEST(pointer == "/payload/form~1data");
    append_pointer_token(pointer, "");
    BOOST_TEST(pointer == "/payload/form~1data/");
    append_pointer_token(pointer, "a~b");
    BOOST_TEST(pointer == "/payload/form~1data//a~0b");
}
