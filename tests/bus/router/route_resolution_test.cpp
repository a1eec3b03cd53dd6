#define BOOST_TEST_MODULE route_resolution
#include <boost/test/unit_test.hpp>

#include "tests/bus/router/router_fixture.hpp"

using namespace govbus;
using namespace govbus::router;
using namespace govbus::router::testing;

namespace {
const char* kPushDown = R"(version: 1
rules:
  - name: to-cities
    match: {type: case.apply, region_prefix: '510000'}
    actions: {push_down: true}
)";
}

BOOST_AUTO_TEST_CASE(push_down_picks_the_child_whose_region_contains_the_message_region) {
    auto t = table_of(kPushDown);
    auto d = t.decide(message("case.apply", "sc.portal", "510104"), province());
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->rule == "to-cities");
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:city-510100"});

    auto mianyang = t.decide(message("case.apply", "sc.portal", "510703"), province());
    BOOST_TEST_REQUIRE(mianyang.ok());
    BOOST_TEST(mianyang->destinations == std::vector<std::string>{"node:city-510700"});
}

BOOST_AUTO_TEST_CASE(push_down_prefers_the_destination_region_over_the_region) {
    auto t = table_of(kPushDown);
    auto e = message("case.apply", "sc.portal", "510104");
    e.destination.region = "510704";
    auto d = t.decide(e, province());
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:city-510700"});
}

BOOST_AUTO_TEST_CASE(push_down_prefers_the_most_specific_child) {
    auto t = table_of("version: 1\nrules:\n  - {name: down, match: {}, actions: {push_down: true}}\n");
    auto top = national();
    top.children.push_back({"city-510100", "510100"});  // a child listed after a broader one
    auto d = t.decide(message("data.query", "a", "510104"), top);
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:city-510100"});
}

BOOST_AUTO_TEST_CASE(push_down_without_a_containing_child_is_route_no_child) {
    auto t = table_of(kPushDown);
    auto d = t.decide(message("case.apply", "sc.portal", "511600"), province());
    BOOST_TEST_REQUIRE(!d.ok());
    BOOST_TEST(d.problem().code == "route.no_child");
    BOOST_TEST(d.problem().message.find("511600") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(forward_parent_at_the_top_node_is_route_no_parent) {
    auto t = table_of("version: 1\nrules:\n  - {name: up, match: {}, actions: {forward_parent: true}}\n");
    auto d = t.decide(message("data.query", "a", "510100"), national());
    BOOST_TEST_REQUIRE(!d.ok());
    BOOST_TEST(d.problem().code == "route.no_parent");
    auto from_city = t.decide(message("data.query", "a", "510100"), city("510100"));
    BOOST_TEST_REQUIRE(from_city.ok());
    BOOST_TEST(from_city->destinations == std::vector<std::string>{"node:province-510000"});
}

BOOST_AUTO_TEST_CASE(no_matching_rule_and_no_default_is_route_none) {
    auto t = table_of(kPushDown);
    auto d = t.decide(message("data.query", "cd.civil", "510104"), province());
    BOOST_TEST_REQUIRE(!d.ok());
    BOOST_TEST(d.problem().code == "route.none");
}

BOOST_AUTO_TEST_CASE(default_block_decides_when_no_rule_matches) {
    auto t = table_of(std::string(kPushDown) + "default: {dead_letter: {reason: no route at the province}}\n");
    auto d = t.decide(message("data.query", "cd.civil", "510104"), province());
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->rule == kDefaultRule);
    BOOST_TEST(d->dead_letter);
    BOOST_TEST(d->dead_letter_reason == "no route at the province");
    BOOST_TEST(d->destinations.empty());
}

BOOST_AUTO_TEST_CASE(case_return_types_go_up_the_case_path_without_a_rule) {
    auto t = table_of(kPushDown);
    for (const char* type : {"case.accept", "case.process", "case.result"}) {
        auto d = t.decide(message(type, "cd.civil", "510104"), city("510100"));
        BOOST_TEST_REQUIRE(d.ok());
        BOOST_TEST(d->rule == kCasePathRule);
        BOOST_TEST(d->return_up);
        BOOST_TEST(d->destinations.empty());
    }
}

BOOST_AUTO_TEST_CASE(return_up_rule_says_return_up) {
    auto t = table_of("version: 1\nrules:\n  - {name: reply, match: {type: data.reply}, actions: {return_up: true}}\n");
    auto d = t.decide(message("data.reply", "nat.population", "510104"), national());
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->return_up);
    BOOST_TEST(to_text(d.value()) == "rule 'reply' -> return_up (back along the case path)");
}

BOOST_AUTO_TEST_CASE(an_empty_table_routes_nothing_but_case_returns) {
    RouteTable empty;
    BOOST_TEST(empty.decide(message("data.query", "a", "510100"), province()).problem().code == "route.none");
    BOOST_TEST(empty.decide(message("case.result", "a", "510100"), province()).ok());
}

BOOST_AUTO_TEST_CASE(explain_names_each_failing_condition_with_actual_and_expected) {
    auto t = table_of(R"(version: 1
rules:
  - name: market-items
    match:
      type: case.apply
      item_code: 11510100MB*
      payload:
        - {pointer: /applicant/kind, equals: legal-person}
    actions: {deliver: cd.market}
  - name: from-portal
    match: {type: case.apply, source: sc.portal}
    actions: {deliver: cd.civil}
)");
    auto e = with_payload(message("case.apply", "sc.portal", "510104"), R"({"applicant":{"kind":"citizen"}})");
    e.item_code = "51A0138000000";
    auto x = t.explain(e, city("510100"));
    BOOST_TEST_REQUIRE(x.verdicts.size() == 2u);
    BOOST_TEST(!x.verdicts[0].matched);
    BOOST_TEST(x.verdicts[0].line == 3);
    BOOST_TEST_REQUIRE(x.verdicts[0].failures.size() == 2u);
    BOOST_TEST(x.verdicts[0].failures[0].condition == "match.item_code");
    BOOST_TEST(x.verdicts[0].failures[0].expected == "11510100MB*");
    BOOST_TEST(x.verdicts[0].failures[0].actual == "\"51A0138000000\"");
    BOOST_TEST(x.verdicts[0].failures[1].condition == "match.payload[0]");
    BOOST_TEST(x.verdicts[0].failures[1].actual == "\"citizen\"");
    BOOST_TEST(x.verdicts[1].matched);
    BOOST_TEST_REQUIRE(x.outcome.ok());
    BOOST_TEST(x.outcome->destinations == std::vector<std::string>{"endpoint:cd.civil"});

    auto text = to_text(x);
    BOOST_TEST(text.find("rule 'market-items' (line 3): no match") != std::string::npos);
    BOOST_TEST(text.find("match.item_code: expected 11510100MB*, actual \"51A0138000000\"") != std::string::npos);
    BOOST_TEST(text.find("decision: rule 'from-portal' -> endpoint:cd.civil") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(explain_agrees_with_decide_on_refusals) {
    auto t = table_of(kPushDown);
    auto e = message("case.apply", "sc.portal", "440100");
    auto x = t.explain(e, province());
    BOOST_TEST(!x.outcome.ok());
    BOOST_TEST(x.outcome.problem().code == t.decide(e, province()).problem().code);
    BOOST_TEST(to_text(x).find("expected inside 510000, actual \"440100\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(push_down_reads_a_statistical_area_code_by_its_first_six_digits) {
    auto t = table_of(kPushDown);
    auto d = t.decide(message("case.apply", "sc.portal", "510104003000"), province());
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:city-510100"});
}

BOOST_AUTO_TEST_CASE(a_refused_reload_leaves_the_loaded_table_deciding) {
    TempTable file(kPushDown);
    auto loaded = file.load();
    BOOST_TEST_REQUIRE(loaded.ok());
    auto current = std::make_shared<const RouteTable>(std::move(loaded.value()));

    std::ofstream(file.path(), std::ios::trunc) << "version: 1\nrules:\n  - {name: x, match: {regoin: '510000'}}\n";
    auto reloaded = file.load();
    BOOST_TEST(!reloaded.ok());
    BOOST_TEST(reloaded.problems().size() == 2u);  // the unknown key and the missing actions

    auto d = current->decide(message("case.apply", "sc.portal", "510104"), province());
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->destinations == std::vector<std::string>{"node:city-510100"});
}
