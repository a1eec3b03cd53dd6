#define BOOST_TEST_MODULE intake
#include <boost/test/unit_test.hpp>

#include "bus/codec/codec.hpp"
#include "bus/core/clock.hpp"
#include "bus/node/config_reader.hpp"
#include "bus/node/endpoint_registry.hpp"
#include "bus/node/intake.hpp"
#include "bus/node/node_config.hpp"
#include "bus/node/share_catalogue.hpp"
#include "bus/router/route_table.hpp"
#include "bus/router/topology.hpp"
#include "tools/common/sample_messages.hpp"

#include <fstream>
#include <map>

using namespace govbus;

namespace {

const std::string kSource = GOVBUS_SOURCE_DIR;

// The provincial node of the demo topology, examined without any transport.
struct Province {
    NodeConfig config;
    codec::Codec codec;
    EndpointRegistry endpoints = EndpointRegistry::load(kSource + "/etc/endpoints-province.yaml").value();
    router::RouteTable routes = router::RouteTable::load(kSource + "/routes/province-510000.yaml").value();
    router::Topology topology;
    std::map<std::string, std::string> paths;
    const ShareCatalogue* catalogue = nullptr;

    Province() {
        config.id = "province-510000";
        config.level = NodeLevel::province;
        config.region = "510000";
        config.parent = {"national", "100000", "amqp://127.0.0.1:1"};
        config.children = {{"city-510100", "510100", "amqp://127.0.0.1:2"}, {"city-510700", "510700", "amqp://127.0.0.1:3"}};
        topology.node = config.id;
        topology.level = router::Level::province;
        topology.region = "510000";
        topology.parent = "national";
        topology.children = {{"city-510100", "510100"}, {"city-510700", "510700"}};
    }

    Result<IntakeDecision> examine_envelope(const Envelope& e, const std::string& peer = {},
                                            std::optional<Envelope>* refused = nullptr) {
        InboundMessage m{tools::encode(codec, e), peer, "test"};
        return examine_bytes(m, refused);
    }
    Result<IntakeDecision> examine_bytes(const InboundMessage& m, std::optional<Envelope>* refused = nullptr) {
        IntakeContext ctx{config, codec, endpoints, routes, topology, nullptr,
                          [this](const std::string& k) -> std::optional<std::string> {
                              auto it = paths.find(k);
                              if (it == paths.end()) return std::nullopt;
                              return it->second;
                          },
                          std::chrono::system_clock::now(), catalogue};
        return examine(m, ctx, refused);
    }
};

Envelope portal_case(const std::string& region = "510104") {
    tools::CaseRequest r;
    r.region = region;
    return tools::make_case_apply(r);
}

std::string code_of(const Result<IntakeDecision>& r) { return r ? std::string("ok") : r.problem().code; }

}  // namespace

BOOST_AUTO_TEST_CASE(pushes_a_portal_case_down_to_the_city_of_its_region_and_remembers_its_origin) {
    Province p;
    auto d = p.examine_envelope(portal_case("510104"));
    BOOST_REQUIRE_MESSAGE(d, code_of(d));
    BOOST_TEST(d->origin == "endpoint:sc.portal");
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:city-510100"});
    BOOST_TEST(d->path_key == d->envelope.case_number);
    auto mianyang = p.examine_envelope(portal_case("510703"));
    BOOST_REQUIRE(mianyang);
    BOOST_TEST(mianyang->destinations == std::vector<std::string>{"node:city-510700"});
}

BOOST_AUTO_TEST_CASE(appends_its_own_hop_to_what_it_stores_and_forwards) {
    Province p;
    auto d = p.examine_envelope(portal_case());
    BOOST_REQUIRE(d);
    auto stored = p.codec.decode(d->stored);
    BOOST_REQUIRE(stored);
    BOOST_REQUIRE_EQUAL(stored->hops.size(), 1u);
    BOOST_TEST(stored->hops[0].node == "province-510000");
    BOOST_TEST(stored->id == d->envelope.id);
}

BOOST_AUTO_TEST_CASE(rejects_an_unregistered_source_endpoint) {
    Province p;
    auto e = portal_case();
    e.source = "sc.unknown";
    BOOST_TEST(code_of(p.examine_envelope(e)) == "endpoint.unknown");
}

BOOST_AUTO_TEST_CASE(rejects_a_type_the_endpoint_may_not_send) {
    Province p;
    auto apply = portal_case();
    auto result = tools::make_case_result(apply, "sc.portal");  // the portal may not send results
    BOOST_TEST(code_of(p.examine_envelope(result)) == "acl.denied");
}

BOOST_AUTO_TEST_CASE(rejects_a_connection_acting_as_another_endpoint) {
    Province p;
    BOOST_TEST(code_of(p.examine_envelope(portal_case(), "cd.market")) == "auth.identity_mismatch");
}

BOOST_AUTO_TEST_CASE(rejects_a_message_created_outside_the_replay_window) {
    Province p;
    auto e = portal_case();
    e.created = format_rfc3339(std::chrono::system_clock::now() - std::chrono::hours(2));
    BOOST_TEST(code_of(p.examine_envelope(e)) == "replay.window");
}

BOOST_AUTO_TEST_CASE(rejects_an_expired_message) {
    Province p;
    auto e = portal_case();
    e.expires = format_rfc3339(std::chrono::system_clock::now() - std::chrono::seconds(1));
    BOOST_TEST(code_of(p.examine_envelope(e)) == "message.expired");
}

BOOST_AUTO_TEST_CASE(rejects_a_message_over_the_size_cap_before_parsing) {
    Province p;
    p.config.max_message_bytes = 2048;
    tools::CaseRequest r;
    r.form_padding = 4096;
    BOOST_TEST(code_of(p.examine_envelope(tools::make_case_apply(r))) == "message.too_large");
}

BOOST_AUTO_TEST_CASE(rejects_schema_errors_with_the_codec_reason) {
    Province p;
    InboundMessage m{R"({"header":{"id":"x"}})", "", "test"};
    BOOST_TEST(code_of(p.examine_bytes(m)) == "schema.invalid");
}

BOOST_AUTO_TEST_CASE(returns_case_answers_along_the_remembered_path_without_a_route_rule) {
    Province p;
    auto apply = portal_case();
    p.paths[apply.case_number] = "endpoint:sc.portal";
    auto result = tools::make_case_result(apply, "cd.market");
    result.hops.push_back({"city-510100", format_rfc3339(std::chrono::system_clock::now()), {}});
    auto d = p.examine_envelope(result);
    BOOST_REQUIRE_MESSAGE(d, code_of(d));
    BOOST_TEST(d->origin == "node:city-510100");
    BOOST_TEST(d->destinations == std::vector<std::string>{"endpoint:sc.portal"});
    BOOST_TEST(d->rule == "case-path");
}

BOOST_AUTO_TEST_CASE(refuses_a_case_answer_whose_path_is_unknown) {
    Province p;
    auto result = tools::make_case_result(portal_case(), "cd.market");
    result.hops.push_back({"city-510100", format_rfc3339(std::chrono::system_clock::now()), {}});
    std::optional<Envelope> refused;
    BOOST_TEST(code_of(p.examine_envelope(result, {}, &refused)) == "route.no_path");
    // Decoded before it was refused: the refusal is logged under its id, case and type.
    BOOST_REQUIRE(refused.has_value());
    BOOST_TEST(refused->id == result.id);
    BOOST_TEST(refused->case_number == result.case_number);
    BOOST_TEST(refused->type == "case.result");
}

BOOST_AUTO_TEST_CASE(a_message_that_does_not_decode_leaves_no_envelope_behind) {
    Province p;
    std::optional<Envelope> refused;
    InboundMessage m{R"({"header":{"id":"x"}})", "", "test"};
    BOOST_TEST(code_of(p.examine_bytes(m, &refused)) == "schema.invalid");
    BOOST_TEST(!refused.has_value());
}

BOOST_AUTO_TEST_CASE(rejects_a_message_whose_last_hop_is_not_a_neighbour) {
    Province p;
    auto e = portal_case();
    e.hops.push_back({"city-999900", format_rfc3339(std::chrono::system_clock::now()), {}});
    BOOST_TEST(code_of(p.examine_envelope(e)) == "auth.unknown_node");
}

BOOST_AUTO_TEST_CASE(forwards_queries_it_cannot_answer_to_the_parent_and_remembers_the_reply_path) {
    Province p;
    auto q = tools::make_data_query("cd.window", "510104", "population", "510104199001011230");
    q.hops.push_back({"city-510100", format_rfc3339(std::chrono::system_clock::now()), {}});
    auto d = p.examine_envelope(q);
    BOOST_REQUIRE_MESSAGE(d, code_of(d));
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:national"});
    BOOST_TEST(d->path_key == "reply:" + q.id);
    BOOST_TEST(d->origin == "node:city-510100");
}

BOOST_AUTO_TEST_CASE(a_data_query_is_refused_when_the_catalogue_does_not_grant_its_dataset_to_the_source) {
    Province p;
    const std::string file = std::string(GOVBUS_BINARY_DIR) + "/intake_test_catalogue.yaml";
    auto write = [&](const std::string& text) {
        std::ofstream(file) << text;
        auto c = ShareCatalogue::load(file);
        BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.problem().to_string()));
        return std::move(c.value());
    };
    const Envelope query = tools::make_data_query("sc.portal", "510104", "population", "11010519491231002X");

    ShareCatalogue granted = write("resources:\n  - {code: population, sharing: conditional, grants: [sc.portal]}\n");
    p.catalogue = &granted;
    BOOST_TEST(code_of(p.examine_envelope(query)) == "ok");

    ShareCatalogue other = write("resources:\n  - {code: population, sharing: conditional, grants: [cd.window]}\n");
    p.catalogue = &other;
    BOOST_TEST(code_of(p.examine_envelope(query)) == "acl.no_grant");

    ShareCatalogue closed = write("resources:\n  - {code: population, sharing: none}\n");
    p.catalogue = &closed;
    BOOST_TEST(code_of(p.examine_envelope(query)) == "acl.not_shared");

    ShareCatalogue open = write("resources:\n  - {code: legal-person, sharing: unconditional}\n");
    p.catalogue = &open;
    BOOST_TEST(code_of(p.examine_envelope(query)) == "acl.unknown_resource");
}

BOOST_AUTO_TEST_CASE(a_bad_catalogue_is_refused_with_file_line_and_key) {
    const std::string file = std::string(GOVBUS_BINARY_DIR) + "/intake_test_bad_catalogue.yaml";
    std::ofstream(file) << "resources:\n  - {code: population, sharing: conditional}\n  - {code: credit, sharing: "
                           "maybe}\n  - {code: population, sharing: none}\n";
    auto c = ShareCatalogue::load(file);
    BOOST_REQUIRE(!c);
    std::string all;
    for (const auto& pr : c.problems()) all += describe_config_problem(pr) + "\n";
    BOOST_TEST(all.find(":3:") != std::string::npos, all);
    BOOST_TEST(all.find("maybe") != std::string::npos, all);
    BOOST_TEST(all.find("listed twice") != std::string::npos, all);
}

BOOST_AUTO_TEST_CASE(an_endpoint_may_address_only_what_its_registry_entry_lists) {
    Destination city_market{"", "510104", "market"};
    Destination national_population{"nat.population", "", ""};
    BOOST_TEST(check_may_address({}, "sc.portal", city_market).ok());
    BOOST_TEST(check_may_address({"*"}, "sc.portal", national_population).ok());
    BOOST_TEST(check_may_address({"51*/*"}, "sc.portal", city_market).ok());
    BOOST_TEST(check_may_address({"510104/market"}, "sc.portal", city_market).ok());
    BOOST_TEST(check_may_address({"nat.population"}, "sc.portal", national_population).ok());
    auto denied = check_may_address({"510104/civil", "52*/*", "nat.legal-person"}, "sc.portal", city_market);
    BOOST_REQUIRE(!denied.ok());
    BOOST_TEST(denied.problem().code == "acl.destination");
    BOOST_TEST(!check_may_address({"510104/market"}, "sc.portal", national_population).ok());
}
