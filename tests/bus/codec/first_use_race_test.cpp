// A node decodes on several threads against one codec. Xerces fills in parts
// of a loaded schema on first use (pattern tables, content models); two
// threads doing that at once made it abort (RangeToken::doCreateMap:
// Assertion `!fMap' failed) or leak (the sanitizer build reports it). Each
// round builds a fresh codec and lets threads meet its schema for the first
// time together. tests/bus/node/concurrent_decode_test covers one long-lived
// codec.
#define BOOST_TEST_MODULE first_use_race
#include <boost/test/unit_test.hpp>

#include "codec_fixture.hpp"

#include <atomic>
#include <thread>

using namespace govbus;

BOOST_AUTO_TEST_CASE(threads_meeting_a_fresh_codecs_xml_patterns_together_all_decode) {
    std::vector<std::string> xml;
    for (const auto& p : test::valid_messages())
        if (p.extension() == ".xml") xml.push_back(test::slurp(p));
    BOOST_REQUIRE(xml.size() >= 5);
    constexpr int kThreads = 4;
    constexpr int kRounds = 40;
    int failures = 0;
    for (int round = 0; round < kRounds; ++round) {
        const codec::Codec codec;
        std::atomic<int> ready{0};
        std::atomic<int> bad{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                ready.fetch_add(1);
                while (ready.load() < kThreads) {
                }
                // Each thread starts at another message, so first uses overlap.
                for (std::size_t i = 0; i < xml.size(); ++i)
                    if (!codec.decode(xml[(i + static_cast<std::size_t>(t)) % xml.size()]).ok()) bad.fetch_add(1);
            });
        }
        for (auto& th : threads) th.join();
        failures += bad.load();
    }
    BOOST_TEST(failures == 0);
}
