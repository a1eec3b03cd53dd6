#define BOOST_TEST_MODULE demo_routes
#include <boost/test/unit_test.hpp>

#include "tests/bus/router/router_fixture.hpp"

// The tables in routes/ route the demo topology (national, province 510000,
// cities 510100 and 510700) the way docs/routing.md describes.

using namespace govbus;
using namespace govbus::router;
using namespace govbus::router::testing;

namespace {
RouteTable demo(const std::string& name) {
    auto t = RouteTable::load(std::string(GOVBUS_SOURCE_DIR) + "/routes/" + name);
    BOOST_TEST_REQUIRE(t.ok());
    return std::move(t.value());
}

std::vector<std::string> where(const RouteTable& t, const Envelope& e, const Topology& top) {
    auto d = t.decide(e, top);
    BOOST_TEST_REQUIRE(d.ok(), (d.ok() ? "" : d.problem().message));
    return d->destinations;
}

using Dests = std::vector<std::string>;
}  // namespace

BOOST_AUTO_TEST_CASE(national_answers_base_library_queries_and_pushes_sichuan_down) {
    auto t = demo("national.yaml");
    auto q = message("data.query", "cd.civil", "510104");
    q.destination.department = "population";
    BOOST_TEST(where(t, q, national()) == Dests{"endpoint:nat.population"});
    q.destination.department = "legal-person";
    BOOST_TEST(where(t, q, national()) == Dests{"endpoint:nat.legal-person"});

    auto reply = message("data.reply", "nat.population", "510104");
    reply.destination = {"cd.civil", "510100", "civil"};
    BOOST_TEST(where(t, reply, national()) == Dests{"node:province-510000"});
    BOOST_TEST(where(t, message("case.apply", "x", "510104"), national()) == Dests{"node:province-510000"});
    BOOST_TEST(t.decide(message("case.apply", "x", "440100"), national()).problem().code == "route.none");
}

BOOST_AUTO_TEST_CASE(province_pushes_portal_cases_down_and_forwards_foreign_queries) {
    auto t = demo("province-510000.yaml");
    BOOST_TEST(where(t, message("case.apply", "sc.portal", "510104"), province()) == Dests{"node:city-510100"});
    BOOST_TEST(where(t, message("case.apply", "sc.portal", "510722"), province()) == Dests{"node:city-510700"});
    BOOST_TEST(t.decide(message("case.apply", "cd.civil", "510104"), province()).problem().code == "route.none");

    auto q = message("data.query", "cd.civil", "510104");
    q.destination.department = "population";
    BOOST_TEST(where(t, q, province()) == Dests{"node:national"});
    q.destination = {"", "510700", "market"};
    BOOST_TEST(where(t, q, province()) == Dests{"node:city-510700"});

    auto reply = message("data.reply", "nat.population", "510104");
    reply.destination = {"sc.portal", "510000", "portal"};
    BOOST_TEST(where(t, reply, province()) == Dests{"endpoint:sc.portal"});
    reply.destination = {"cd.civil", "510100", "civil"};
    BOOST_TEST(where(t, reply, province()) == Dests{"node:city-510100"});
}

BOOST_AUTO_TEST_CASE(cities_deliver_cases_to_departments_by_department_or_item_code) {
    auto chengdu = demo("city-510100.yaml");
    auto apply = message("case.apply", "sc.portal", "510104");
    BOOST_TEST(where(chengdu, apply, city("510100")) == Dests{"endpoint:cd.civil"});
    apply.destination.department = "market";
    BOOST_TEST(where(chengdu, apply, city("510100")) == Dests{"endpoint:cd.market"});
    apply.destination.department.clear();
    apply.item_code = "511A0138000000-510104000000-000-11510100MB1C21234J-1-00";
    BOOST_TEST(where(chengdu, apply, city("510100")) == Dests{"endpoint:cd.market"});
    apply.item_code = "11510100MB1C21234J3442199806003";
    BOOST_TEST(where(chengdu, apply, city("510100")) == Dests{"endpoint:cd.market"});
    apply.item_code = "511A0138000000-510104000000-000-115113010833722043-1-00";  // another body's item
    BOOST_TEST(where(chengdu, apply, city("510100")) == Dests{"endpoint:cd.civil"});

    auto mianyang = demo("city-510700.yaml");
    auto my_apply = message("case.apply", "sc.portal", "510703");
    my_apply.destination.department = "market";
    BOOST_TEST(where(mianyang, my_apply, city("510700")) == Dests{"endpoint:my.market"});
    my_apply.destination.department = "civil";
    BOOST_TEST(where(mianyang, my_apply, city("510700")) == Dests{"endpoint:my.civil"});
    my_apply.destination.department.clear();
    my_apply.item_code = "511A0138000000-510703000000-000-11510700MB1C21234H-1-00";
    BOOST_TEST(where(mianyang, my_apply, city("510700")) == Dests{"endpoint:my.market"});
}

BOOST_AUTO_TEST_CASE(cities_forward_queries_for_data_they_do_not_hold) {
    auto chengdu = demo("city-510100.yaml");
    auto q = message("data.query", "cd.civil", "510104");
    q.destination.department = "population";
    BOOST_TEST(where(chengdu, q, city("510100")) == Dests{"node:province-510000"});
    q.destination = {"", "510100", "market"};
    BOOST_TEST(where(chengdu, q, city("510100")) == Dests{"endpoint:cd.market"});

    auto reply = message("data.reply", "nat.population", "510104");
    reply.destination = {"cd.civil", "510100", "civil"};
    BOOST_TEST(where(chengdu, reply, city("510100")) == Dests{"endpoint:cd.civil"});
    reply.destination = {"sc.portal", "510000", "portal"};
    BOOST_TEST(where(chengdu, reply, city("510100")) == Dests{"node:province-510000"});
}

BOOST_AUTO_TEST_CASE(case_returns_need_no_rule_in_any_demo_table) {
    for (const char* name : {"national.yaml", "province-510000.yaml", "city-510100.yaml", "city-510700.yaml"}) {
        auto d = demo(name).decide(message("case.result", "cd.civil", "510104"), city("510100"));
        BOOST_TEST_REQUIRE(d.ok());
        BOOST_TEST(d->return_up);
    }
}
