#define BOOST_TEST_MODULE concurrent_decode
#include <boost/test/unit_test.hpp>

#include "bus/codec/codec.hpp"
#include "tools/common/sample_messages.hpp"

#include <atomic>
#include <thread>

using namespace govbus;

// The node decodes on a worker pool with one shared Codec. Schema patterns
// once raced inside the JSON Schema validator and crashed a node that took a
// burst of messages; run under the sanitizer build this catches it again.
BOOST_AUTO_TEST_CASE(one_codec_decodes_from_many_threads_with_the_same_results_as_from_one) {
    codec::Codec codec;
    std::vector<std::string> messages;
    for (int i = 0; i < 6; ++i) {
        tools::CaseRequest r;
        r.sequence = i + 1;
        r.department = i % 2 ? "civil" : "market";
        Envelope e = tools::make_case_apply(r);
        if (i % 3 == 2) e.content_type = "application/xml";
        messages.push_back(tools::encode(codec, e));
    }
    messages.push_back(R"({"header": )");
    std::vector<bool> expected;
    for (const auto& m : messages) expected.push_back(codec.decode(m).ok());
    BOOST_REQUIRE(expected.front());
    BOOST_REQUIRE(!expected.back());

    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                std::size_t k = static_cast<std::size_t>(i + t) % messages.size();
                if (codec.decode(messages[k]).ok() != expected[k]) ++mismatches;
            }
        });
    for (auto& th : threads) th.join();
    BOOST_TEST(mismatches.load() == 0);
}
