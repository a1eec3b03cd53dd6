#define BOOST_TEST_MODULE route_matching
#include <boost/test/unit_test.hpp>

#include "tests/bus/router/router_fixture.hpp"

using namespace govbus;
using namespace govbus::router;
using namespace govbus::router::testing;

namespace {
// One rule named "r" with the given match, delivering to endpoint "hit", and a
// default that dead-letters, so each test sees whether the condition held.
RouteTable one_condition(const std::string& match_yaml) {
    return table_of("version: 1\nrules:\n  - name: r\n    match:\n" + match_yaml +
                    "    actions: {deliver: hit}\ndefault: {dead_letter: {reason: missed}}\n");
}

bool hits(const RouteTable& t, const Envelope& e) {
    auto d = t.decide(e, province());
    BOOST_TEST_REQUIRE(d.ok());
    return d->rule == "r";
}
}  // namespace

BOOST_AUTO_TEST_CASE(type_condition_takes_exact_value_list_and_glob) {
    auto exact = one_condition("      type: data.query\n");
    BOOST_TEST(hits(exact, message("data.query", "a", "510100")));
    BOOST_TEST(!hits(exact, message("data.reply", "a", "510100")));

    auto list = one_condition("      type: [data.query, license.verify]\n");
    BOOST_TEST(hits(list, message("license.verify", "a", "510100")));
    BOOST_TEST(!hits(list, message("credit.list", "a", "510100")));

    auto glob = one_condition("      type: case.*\n");
    BOOST_TEST(hits(glob, message("case.apply", "a", "510100")));
    BOOST_TEST(!hits(glob, message("data.query", "a", "510100")));
}

BOOST_AUTO_TEST_CASE(source_glob_with_question_mark_matches_exactly_one_character) {
    auto t = one_condition("      source: cd.?ivil\n");
    BOOST_TEST(hits(t, message("data.query", "cd.civil", "510100")));
    BOOST_TEST(!hits(t, message("data.query", "cd.ccivil", "510100")));
    BOOST_TEST(!hits(t, message("data.query", "cd.ivil", "510100")));
}

BOOST_AUTO_TEST_CASE(glob_star_in_the_middle_backtracks) {
    auto t = one_condition("      source: sc.*.portal\n");
    BOOST_TEST(hits(t, message("data.query", "sc.a.b.portal", "510000")));
    BOOST_TEST(hits(t, message("data.query", "sc..portal", "510000")));
    BOOST_TEST(!hits(t, message("data.query", "sc.portal", "510000")));
    BOOST_TEST(!hits(t, message("data.query", "sc.a.portal.x", "510000")));
}

BOOST_AUTO_TEST_CASE(trailing_star_is_a_prefix_and_compiles_to_one) {
    auto p = TextPattern::compile("511A0138*");
    BOOST_TEST((p.kind() == TextPattern::Kind::prefix));
    BOOST_TEST((TextPattern::compile("case.*.x").kind() == TextPattern::Kind::glob));
    BOOST_TEST((TextPattern::compile("cd.civil").kind() == TextPattern::Kind::exact));

    auto t = one_condition("      item_code: 511A0138*\n");
    auto e = message("case.apply", "sc.portal", "511602");
    e.item_code = "511A0138000000-511602000000-000-115113010833722043-1-00";
    BOOST_TEST(hits(t, e));
    e.item_code = "511A0139000000-511602000000-000-115113010833722043-1-00";
    BOOST_TEST(!hits(t, e));
    e.item_code = "511A";
    BOOST_TEST(!hits(t, e));
}

BOOST_AUTO_TEST_CASE(item_code_exact_does_not_match_a_longer_code) {
    auto t = one_condition("      item_code: 12441500196720244T3442199806003\n");
    auto e = message("case.apply", "sc.portal", "510104");
    e.item_code = "12441500196720244T3442199806003";
    BOOST_TEST(hits(t, e));
    e.item_code = "12441500196720244T344219980600301";
    BOOST_TEST(!hits(t, e));
}

BOOST_AUTO_TEST_CASE(region_is_exact_and_region_prefix_is_containment) {
    auto exact = one_condition("      region: '510100'\n");
    BOOST_TEST(hits(exact, message("data.query", "a", "510100")));
    BOOST_TEST(!hits(exact, message("data.query", "a", "510104")));

    auto prefix = one_condition("      region_prefix: '510100'\n");
    BOOST_TEST(hits(prefix, message("data.query", "a", "510104")));
    BOOST_TEST(hits(prefix, message("data.query", "a", "510100")));
    BOOST_TEST(!hits(prefix, message("data.query", "a", "510704")));
    BOOST_TEST(!hits(prefix, message("data.query", "a", "")));

    auto province_wide = one_condition("      region_prefix: '510000'\n");
    BOOST_TEST(hits(province_wide, message("data.query", "a", "510704")));
    BOOST_TEST(!hits(province_wide, message("data.query", "a", "440100")));
}

BOOST_AUTO_TEST_CASE(destination_conditions_read_the_destination_block) {
    auto t = one_condition("      destination_endpoint: cd.*\n      destination_region: '510100'\n"
                           "      department: [market, civil]\n");
    auto e = message("case.apply", "sc.portal", "510000");
    e.destination = {"cd.market", "510104", "market"};
    BOOST_TEST(hits(t, e));
    e.destination.department = "tax";
    BOOST_TEST(!hits(t, e));
    e.destination = {"cd.market", "510704", "market"};
    BOOST_TEST(!hits(t, e));
    e.destination = {"my.market", "510104", "market"};
    BOOST_TEST(!hits(t, e));
}

BOOST_AUTO_TEST_CASE(all_conditions_of_a_match_must_hold) {
    auto t = one_condition("      type: case.apply\n      source: sc.portal\n      region_prefix: '510000'\n");
    BOOST_TEST(hits(t, message("case.apply", "sc.portal", "510104")));
    BOOST_TEST(!hits(t, message("case.apply", "cd.civil", "510104")));
    BOOST_TEST(!hits(t, message("data.query", "sc.portal", "510104")));
}

BOOST_AUTO_TEST_CASE(payload_equals_compares_by_the_payload_value_type) {
    auto t = one_condition("      payload:\n        - {pointer: /resource, equals: population}\n");
    BOOST_TEST(hits(t, with_payload(message("data.query", "a", "510100"), R"({"resource":"population"})")));
    BOOST_TEST(!hits(t, with_payload(message("data.query", "a", "510100"), R"({"resource":"legal-person"})")));
    BOOST_TEST(!hits(t, with_payload(message("data.query", "a", "510100"), R"({"other":"population"})")));

    auto number = one_condition("      payload:\n        - {pointer: /batch/size, equals: 3}\n");
    BOOST_TEST(hits(number, with_payload(message("data.query", "a", "1"), R"({"batch":{"size":3}})")));
    BOOST_TEST(hits(number, with_payload(message("data.query", "a", "1"), R"({"batch":{"size":"3"}})")));
    BOOST_TEST(!hits(number, with_payload(message("data.query", "a", "1"), R"({"batch":{"size":4}})")));

    auto quoted = one_condition("      payload:\n        - {pointer: /batch/size, equals: \"3\"}\n");
    BOOST_TEST(!hits(quoted, with_payload(message("data.query", "a", "1"), R"({"batch":{"size":3}})")));
    BOOST_TEST(hits(quoted, with_payload(message("data.query", "a", "1"), R"({"batch":{"size":"3"}})")));

    auto boolean = one_condition("      payload:\n        - {pointer: /urgent, equals: true}\n");
    BOOST_TEST(hits(boolean, with_payload(message("data.query", "a", "1"), R"({"urgent":true})")));
    BOOST_TEST(!hits(boolean, with_payload(message("data.query", "a", "1"), R"({"urgent":false})")));
}

BOOST_AUTO_TEST_CASE(payload_in_exists_and_prefix) {
    auto in = one_condition("      payload:\n        - {pointer: /kind, in: [exact, batch]}\n");
    BOOST_TEST(hits(in, with_payload(message("data.query", "a", "1"), R"({"kind":"batch"})")));
    BOOST_TEST(!hits(in, with_payload(message("data.query", "a", "1"), R"({"kind":"verify"})")));

    auto present = one_condition("      payload:\n        - {pointer: /applicant/id, exists: true}\n");
    BOOST_TEST(hits(present, with_payload(message("data.query", "a", "1"), R"({"applicant":{"id":null}})")));
    BOOST_TEST(!hits(present, with_payload(message("data.query", "a", "1"), R"({"applicant":{}})")));

    auto absent = one_condition("      payload:\n        - {pointer: /applicant/id, exists: false}\n");
    BOOST_TEST(hits(absent, with_payload(message("data.query", "a", "1"), R"({"applicant":{}})")));
    BOOST_TEST(!hits(absent, with_payload(message("data.query", "a", "1"), R"({"applicant":{"id":1}})")));

    auto prefix = one_condition("      payload:\n        - {pointer: /items/1/code, prefix: '5101'}\n");
    BOOST_TEST(hits(prefix, with_payload(message("data.query", "a", "1"), R"({"items":[{},{"code":"510104"}]})")));
    BOOST_TEST(!hits(prefix, with_payload(message("data.query", "a", "1"), R"({"items":[{"code":"510104"}]})")));
    BOOST_TEST(!hits(prefix, with_payload(message("data.query", "a", "1"), R"({"items":[{},{"code":510104}]})")));
}

BOOST_AUTO_TEST_CASE(json_pointer_unescapes_tilde_and_slash) {
    auto t = one_condition("      payload:\n        - {pointer: /a~1b/c~0d, equals: x}\n");
    BOOST_TEST(hits(t, with_payload(message("data.query", "a", "1"), R"({"a/b":{"c~d":"x"}})")));
    std::string why;
    BOOST_TEST(!JsonPointer::compile("/a~2", why).has_value());
    BOOST_TEST(!JsonPointer::compile("a", why).has_value());
    auto leading_zero = JsonPointer::compile("/01", why);
    BOOST_TEST_REQUIRE(leading_zero.has_value());
    BOOST_TEST(leading_zero->resolve(boost::json::parse("[1,2]")) == nullptr);
}

BOOST_AUTO_TEST_CASE(payload_conditions_never_hold_for_an_encrypted_payload) {
    auto t = one_condition("      payload:\n        - {pointer: /x, exists: false}\n");
    auto e = message("data.query", "a", "1");
    e.security.encrypted = "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.x.y.z.w";
    BOOST_TEST(!hits(t, e));
    auto x = t.explain(e, province());
    BOOST_TEST_REQUIRE(x.verdicts.size() == 1u);
    BOOST_TEST(x.verdicts[0].failures.at(0).actual.find("encrypted") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(first_matching_rule_wins_in_file_order) {
    auto t = table_of(R"(version: 1
rules:
  - name: narrow
    match: {type: data.query, source: cd.civil}
    actions: {deliver: first}
  - name: broad
    match: {type: data.query}
    actions: {deliver: second}
)");
    auto narrow = t.decide(message("data.query", "cd.civil", "510100"), city("510100"));
    BOOST_TEST_REQUIRE(narrow.ok());
    BOOST_TEST(narrow->rule == "narrow");
    BOOST_TEST(narrow->destinations == std::vector<std::string>{"endpoint:first"});
    auto broad = t.decide(message("data.query", "cd.market", "510100"), city("510100"));
    BOOST_TEST_REQUIRE(broad.ok());
    BOOST_TEST(broad->rule == "broad");
}

BOOST_AUTO_TEST_CASE(several_deliver_endpoints_fan_out_and_combine_with_forward_parent) {
    auto t = table_of(R"(version: 1
rules:
  - name: joint-approval
    match: {type: case.apply}
    actions:
      deliver: [cd.market, cd.fire, cd.planning]
      forward_parent: true
)");
    auto d = t.decide(message("case.apply", "sc.portal", "510104"), city("510100"));
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(d->fan_out());
    BOOST_TEST(d->destinations == (std::vector<std::string>{"endpoint:cd.market", "endpoint:cd.fire",
                                                            "endpoint:cd.planning", "node:province-510000"}));
    BOOST_TEST(!d->dead_letter);
    BOOST_TEST(!d->return_up);
}

BOOST_AUTO_TEST_CASE(one_endpoint_is_not_a_fan_out) {
    auto t = table_of("version: 1\nrules:\n  - {name: one, match: {}, actions: {deliver: cd.civil}}\n");
    auto d = t.decide(message("case.apply", "sc.portal", "510104"), city("510100"));
    BOOST_TEST_REQUIRE(d.ok());
    BOOST_TEST(!d->fan_out());
}
