// Loading the tables a node routes by: every file is read, so one pass names
// all that is wrong (govbusd --check, start and SIGHUP reload alike).
#define BOOST_TEST_MODULE node_tables
#include <boost/test/unit_test.hpp>

#include "bus/node/node_check.hpp"
#include "tests/support/temp_dir.hpp"

using namespace govbus;

namespace {

using Files = govbus::test::TempDir;

const char* kEndpoints = "endpoints:\n  - { id: cd.tax, region: \"510100\", send: [case.result], receive: [case.apply] }\n";
const char* kRoutes = "version: 1\nrules:\n  - name: tax\n    match: { type: case.apply }\n    actions: { deliver: cd.tax }\n";

}  // namespace

BOOST_AUTO_TEST_CASE(loads_every_table_a_good_configuration_names) {
    Files f;
    NodeConfig c;
    c.routes = f.write("routes.yaml", kRoutes);
    c.endpoints = f.write("endpoints.yaml", kEndpoints);
    Problems problems;
    NodeTables t = load_node_tables(c, problems);
    BOOST_TEST(problems.empty());
    BOOST_TEST(t.routes != nullptr);
    BOOST_REQUIRE(t.endpoints != nullptr);
    BOOST_TEST(t.endpoints->find("cd.tax") != nullptr);
    BOOST_TEST(t.catalogue == nullptr);
}

BOOST_AUTO_TEST_CASE(names_the_problems_of_every_broken_file_in_one_pass) {
    Files f;
    NodeConfig c;
    c.routes = f.write("routes.yaml", "version: 1\nrules:\n  - name: tax\n    match: { colour: blue }\n");
    c.endpoints = f.write("endpoints.yaml", "endpoints:\n  - { region: \"510100\" }\n");
    Problems problems;
    NodeTables t = load_node_tables(c, problems);
    bool routes_named = false, endpoints_named = false;
    for (const auto& p : problems) {
        routes_named = routes_named || p.to_string().find("routes.yaml") != std::string::npos;
        endpoints_named = endpoints_named || p.to_string().find("endpoints.yaml") != std::string::npos;
    }
    std::string all;
    for (const auto& p : problems) all += "\n  " + p.to_string();
    BOOST_TEST(routes_named, "the route table's problems are missing:" << all);
    BOOST_TEST(endpoints_named, "the registry's problems are missing:" << all);
    BOOST_TEST(t.routes == nullptr);
    BOOST_TEST(t.endpoints == nullptr);
}
