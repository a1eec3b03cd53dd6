#define BOOST_TEST_MODULE thread_name
#include <boost/test/unit_test.hpp>

#include "bus/core/thread_name.hpp"

#include <thread>

using namespace govbus;

BOOST_AUTO_TEST_CASE(a_thread_is_named_and_threads_it_creates_in_a_scope_take_the_scope_s_name) {
    name_this_thread("test-main");
    std::string inner;
    {
        ThreadNameScope scope("intake");
        BOOST_TEST(this_thread_name() == "intake");
        std::thread([&] { inner = this_thread_name(); }).join();
    }
    BOOST_TEST(inner == "intake");
    BOOST_TEST(this_thread_name() == "test-main");
}

BOOST_AUTO_TEST_CASE(a_name_longer_than_linux_keeps_is_refused_and_the_old_one_stays) {
    name_this_thread("before");
    name_this_thread("a-name-of-more-than-fifteen-bytes");
    BOOST_TEST(this_thread_name() == "before");
}
