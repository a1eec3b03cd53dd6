#define BOOST_TEST_MODULE journal_backoff
#include <boost/test/unit_test.hpp>

#include "bus/journal/backoff.hpp"

using namespace govbus;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(doubles_from_the_initial_delay_and_stops_at_the_cap) {
    BackoffPolicy p({.initial = 1s, .factor = 2.0, .cap = 60s});
    BOOST_TEST(p.delay(1).count() == 1000);
    BOOST_TEST(p.delay(2).count() == 2000);
    BOOST_TEST(p.delay(6).count() == 32000);
    BOOST_TEST(p.delay(7).count() == 60000);
    BOOST_TEST(p.delay(1000).count() == 60000);  // no overflow for huge counts
}

BOOST_AUTO_TEST_CASE(jitter_stays_within_its_fraction_and_repeats_with_the_same_seed) {
    BackoffOptions o{.initial = 10s, .factor = 2.0, .cap = 60s, .jitter = 0.5, .seed = 42};
    BackoffPolicy a(o);
    BackoffPolicy b(o);
    bool varied = false;
    long first = a.delay(1).count();
    BOOST_TEST(b.delay(1).count() == first);
    for (int i = 0; i < 50; ++i) {
        long d = a.delay(1).count();
        BOOST_TEST(b.delay(1).count() == d);
        BOOST_TEST(d >= 5000);
        BOOST_TEST(d <= 10000);
        varied = varied || d != first;
    }
    BOOST_TEST(varied);
}
