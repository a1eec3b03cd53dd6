#define BOOST_TEST_MODULE file_text
#include <boost/test/unit_test.hpp>

#include "bus/core/file_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <string>

using govbus::read_whole_file;
using Dir = govbus::test::TempDir;

BOOST_AUTO_TEST_CASE(reads_every_byte_of_a_file_larger_than_its_buffer) {
    Dir dir;
    std::string bytes(200 * 1024 + 7, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 % 251);
    auto read = read_whole_file(dir.write("big.bin", bytes));
    BOOST_REQUIRE(read.has_value());
    BOOST_TEST(read->size() == bytes.size());
    BOOST_TEST((*read == bytes));
}

BOOST_AUTO_TEST_CASE(an_empty_file_is_an_empty_string) {
    Dir dir;
    auto read = read_whole_file(dir.write("empty", ""));
    BOOST_REQUIRE(read.has_value());
    BOOST_TEST(read->empty());
}

BOOST_AUTO_TEST_CASE(a_missing_file_and_a_directory_cannot_be_read) {
    Dir dir;
    BOOST_TEST(!read_whole_file(dir.file("missing.yaml")).has_value());
    // A stream opens a directory and reads nothing from it, as from an empty file.
    BOOST_TEST(!read_whole_file(dir.path().string()).has_value());
}
