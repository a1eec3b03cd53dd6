#define BOOST_TEST_MODULE route_table_schema
#include <boost/test/unit_test.hpp>

#include "tests/bus/router/router_fixture.hpp"

#include <filesystem>

using namespace govbus;
using namespace govbus::router;
using namespace govbus::router::testing;

namespace {
// Loads `yaml` and returns the one problem with `code` (fails the test when
// there is not exactly one).
Problem only(const std::string& yaml, const std::string& code) {
    TempTable file(yaml);
    auto t = file.load();
    std::vector<Problem> found;
    for (const auto& p : t.problems())
        if (p.code == code) found.push_back(p);
    std::string all;
    for (const auto& p : t.problems()) all += p.message + "\n";
    BOOST_TEST_INFO("problems:\n" << all);
    BOOST_TEST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].message.rfind(file.path() + ":", 0) == 0u);
    return found[0];
}

const char* kHead = "version: 1\nrules:\n";
}  // namespace

BOOST_AUTO_TEST_CASE(problem_reads_file_line_column_rule_path_and_expectation) {
    std::string yaml = std::string(kHead) +
                       "  - name: first\n"
                       "    match: {type: data.query}\n"
                       "    actions: {deliver: a}\n"
                       "  - name: to-cities\n"
                       "    match:\n"
                       "      region_prefix: '51A000'\n"
                       "    actions: {push_down: true}\n";
    TempTable file(yaml);
    auto t = file.load();
    BOOST_TEST_REQUIRE(!t.ok());
    BOOST_TEST_REQUIRE(t.problems().size() == 1u);
    const auto& p = t.problems()[0];
    BOOST_TEST(p.code == "route.table.region");
    BOOST_TEST(p.line == 8);
    BOOST_TEST(p.column == 22);
    BOOST_TEST(p.field == "rules[1].match.region_prefix");
    BOOST_TEST(p.message.rfind(file.path() + ":8:22: rule 'to-cities': rules[1].match.region_prefix: expected a "
                                             "GB/T 2260 region code, got '51A000'", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(yaml_syntax_error_gives_its_line) {
    auto p = only(std::string(kHead) + "  - name: a\n    match: {type: [data.query}\n    actions: {deliver: a}\n",
                  "route.table.syntax");
    BOOST_TEST(p.line == 4);
}

BOOST_AUTO_TEST_CASE(unknown_key_in_a_match_is_an_error_at_the_key) {
    auto p = only(std::string(kHead) + "  - name: a\n    match:\n      type: data.query\n      regoin_prefix: '510000'\n"
                                       "    actions: {deliver: a}\n",
                  "route.table.key_unknown");
    BOOST_TEST(p.line == 6);
    BOOST_TEST(p.column == 7);
    BOOST_TEST(p.field == "rules[0].match.regoin_prefix");
    BOOST_TEST(p.message.find("rule 'a': ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_top_level_and_action_keys_are_errors) {
    auto top = only(std::string("version: 1\nnode: city-510100\nrule:\n  - {}\n") + "rules:\n"
                    "  - {name: a, match: {}, actions: {deliver: a}}\n", "route.table.key_unknown");
    BOOST_TEST(top.line == 3);
    auto action = only(std::string(kHead) + "  - name: a\n    match: {}\n    actions:\n      pushdown: true\n",
                       "route.table.key_unknown");
    BOOST_TEST(action.line == 6);
    BOOST_TEST(action.field == "rules[0].actions.pushdown");
}

BOOST_AUTO_TEST_CASE(key_given_twice_is_an_error_at_the_second) {
    auto p = only(std::string(kHead) + "  - name: a\n    match:\n      type: data.query\n      type: case.apply\n"
                                       "    actions: {deliver: a}\n",
                  "route.table.key_repeated");
    BOOST_TEST(p.line == 6);
}

BOOST_AUTO_TEST_CASE(missing_required_keys_are_reported_at_their_mapping) {
    auto no_actions = only(std::string(kHead) + "  - name: a\n    match: {}\n", "route.table.key_missing");
    BOOST_TEST(no_actions.line == 3);
    BOOST_TEST(no_actions.field == "rules[0].actions");
    auto no_version = only("rules:\n  - {name: a, match: {}, actions: {deliver: a}}\n", "route.table.key_missing");
    BOOST_TEST(no_version.line == 1);
    BOOST_TEST(no_version.field == "version");
}

BOOST_AUTO_TEST_CASE(null_match_asks_for_an_explicit_catch_all) {
    auto p = only(std::string(kHead) + "  - name: a\n    match:\n    actions: {deliver: a}\n", "route.table.value");
    BOOST_TEST(p.field == "rules[0].match");
    BOOST_TEST(p.message.find("match: {}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_version_is_refused) {
    auto p = only("version: 2\nrules:\n  - {name: a, match: {}, actions: {deliver: a}}\n", "route.table.version");
    BOOST_TEST(p.line == 1);
    BOOST_TEST(p.column == 10);
}

BOOST_AUTO_TEST_CASE(wrong_value_kinds_are_errors_at_the_value) {
    auto flag = only(std::string(kHead) + "  - name: a\n    match: {}\n    actions:\n      push_down: yes\n",
                     "route.table.value");
    BOOST_TEST(flag.line == 6);
    BOOST_TEST(flag.message.find("expected true or false") != std::string::npos);
    auto list = only(std::string(kHead) + "  - name: a\n    match:\n      source: {x: 1}\n    actions: {deliver: a}\n",
                     "route.table.value");
    BOOST_TEST(list.line == 5);
    auto empty_list = only(std::string(kHead) + "  - name: a\n    match:\n      source: []\n"
                                                "    actions: {deliver: a}\n", "route.table.value");
    BOOST_TEST(empty_list.line == 5);
}

BOOST_AUTO_TEST_CASE(deliver_takes_endpoint_ids_only) {
    auto p = only(std::string(kHead) + "  - name: a\n    match: {}\n    actions:\n      deliver: [cd.civil, \"Cd Market\"]\n",
                  "route.table.value");
    BOOST_TEST(p.line == 6);
    BOOST_TEST(p.column == 27);
    BOOST_TEST(p.message.find("'Cd Market'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(region_codes_in_a_list_are_each_checked) {
    auto p = only(std::string(kHead) + "  - name: a\n    match:\n      destination_region:\n        - '510100'\n"
                                       "        - '5107'\n    actions: {deliver: a}\n",
                  "route.table.region");
    BOOST_TEST(p.line == 7);
    BOOST_TEST(p.field == "rules[0].match.destination_region");
}

BOOST_AUTO_TEST_CASE(unknown_message_type_is_an_error) {
    auto exact = only(std::string(kHead) + "  - name: a\n    match: {type: case.aply}\n    actions: {deliver: a}\n",
                      "route.table.type_unknown");
    BOOST_TEST(exact.line == 4);
    auto glob = only(std::string(kHead) + "  - name: a\n    match:\n      type: [case.*, cas.*]\n"
                                          "    actions: {deliver: a}\n", "route.table.type_unknown");
    BOOST_TEST(glob.line == 5);
    BOOST_TEST(glob.message.find("'cas.*'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_payload_predicates_are_errors) {
    auto pointer = only(std::string(kHead) + "  - name: a\n    match:\n      payload:\n"
                                             "        - {pointer: applicant/kind, equals: x}\n"
                                             "    actions: {deliver: a}\n", "route.table.pointer");
    BOOST_TEST(pointer.line == 6);
    BOOST_TEST(pointer.field == "rules[0].match.payload[0].pointer");
    auto two_ops = only(std::string(kHead) + "  - name: a\n    match:\n      payload:\n"
                                             "        - pointer: /kind\n          equals: x\n          prefix: y\n"
                                             "    actions: {deliver: a}\n", "route.table.value");
    BOOST_TEST(two_ops.line == 8);
    auto no_op = only(std::string(kHead) + "  - name: a\n    match:\n      payload:\n        - pointer: /kind\n"
                                           "    actions: {deliver: a}\n", "route.table.key_missing");
    BOOST_TEST(no_op.line == 6);
}

BOOST_AUTO_TEST_CASE(duplicate_rule_name_points_at_both) {
    auto p = only(std::string(kHead) + "  - {name: same, match: {type: data.query}, actions: {deliver: a}}\n"
                                       "  - {name: same, match: {type: case.apply}, actions: {deliver: b}}\n",
                  "route.table.name_duplicate");
    BOOST_TEST(p.line == 4);
    BOOST_TEST(p.message.find("already used at line 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_rules_and_empty_actions_are_errors) {
    auto rules = only("version: 1\nrules: []\n", "route.table.rules_empty");
    BOOST_TEST(rules.line == 2);
    auto actions = only(std::string(kHead) + "  - name: a\n    match: {}\n    actions: {push_down: false}\n",
                        "route.table.actions_empty");
    BOOST_TEST(actions.line == 5);
    auto file = only("", "route.table.empty");
    BOOST_TEST(file.line == 1);
}

BOOST_AUTO_TEST_CASE(refused_action_combinations_are_errors) {
    for (const char* actions : {"{deliver: a, dead_letter: {reason: r}}", "{return_up: true, forward_parent: true}",
                                "{push_down: true, forward_parent: true}"}) {
        auto p = only(std::string(kHead) + "  - name: a\n    match: {}\n    actions: " + actions + "\n",
                      "route.table.actions_conflict");
        BOOST_TEST(p.line == 5);
    }
}

BOOST_AUTO_TEST_CASE(rules_after_a_catch_all_are_warned_about_but_load) {
    TempTable file(std::string(kHead) + "  - {name: all, match: {}, actions: {deliver: a}}\n"
                                        "  - {name: never, match: {type: data.query}, actions: {deliver: b}}\n"
                                        "default: {dead_letter: {reason: r}}\n");
    auto t = file.load();
    BOOST_TEST_REQUIRE(t.ok());
    BOOST_TEST_REQUIRE(t.problems().size() == 2u);
    BOOST_TEST(t.problems()[0].code == "route.table.unreachable");
    BOOST_TEST(t.problems()[0].warning);
    BOOST_TEST(t.problems()[0].line == 4);
    BOOST_TEST(t.problems()[0].message.find("rule 'never'") != std::string::npos);
    BOOST_TEST(t.problems()[1].field == "default");
}

BOOST_AUTO_TEST_CASE(rule_for_a_case_return_type_is_warned_about) {
    TempTable file(std::string(kHead) + "  - {name: r, match: {type: case.result}, actions: {return_up: true}}\n");
    auto t = file.load();
    BOOST_TEST_REQUIRE(t.ok());
    BOOST_TEST_REQUIRE(t.problems().size() == 1u);
    BOOST_TEST(t.problems()[0].code == "route.table.case_return");
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_at_once) {
    TempTable file(std::string(kHead) + "  - {name: a, match: {type: case.aply}, actions: {deliver: a}}\n"
                                        "  - {name: b, match: {region: '99'}, actions: {}}\n");
    auto t = file.load();
    BOOST_TEST_REQUIRE(!t.ok());
    BOOST_TEST(t.problems().size() == 3u);
}

BOOST_AUTO_TEST_CASE(missing_file_is_unreadable) {
    auto t = RouteTable::load("/nonexistent/routes.yaml");
    BOOST_TEST_REQUIRE(!t.ok());
    BOOST_TEST(t.problem().code == "route.table.unreadable");
}

BOOST_AUTO_TEST_CASE(every_table_in_routes_loads_without_problems) {
    int tables = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(GOVBUS_SOURCE_DIR) + "/routes")) {
        if (entry.path().extension() != ".yaml") continue;
        ++tables;
        auto t = RouteTable::load(entry.path().string());
        std::string all;
        for (const auto& p : t.problems()) all += p.message + "\n";
        BOOST_TEST(t.ok(), entry.path() << ":\n" << all);
        BOOST_TEST(t.problems().empty(), entry.path() << ":\n" << all);
    }
    BOOST_TEST(tables >= 4);
}
