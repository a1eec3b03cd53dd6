// The demo's topology: four nodes with free loopback ports, their
// configuration files written into a run directory, and the departments.
#pragma once

#include <string>
#include <vector>

namespace govbus::cli {

struct DemoNode {
    std::string id;
    int port = 0;
    std::string config;  // written configuration file
};

struct DemoDepartment {
    std::string endpoint;
    std::string node;  // node id it connects to
};

struct DemoTopology {
    std::string dir;      // absolute run directory
    std::string govbusd;  // path of the node program
    std::string govbus;   // path of this program
    std::vector<DemoNode> nodes;  // national first
    std::vector<DemoDepartment> departments;

    int port(const std::string& node) const;
    std::string url(const std::string& node) const;
    std::string trace_flags() const;  // " --config A --config B ..."
};

// Picks ports, writes the configurations (routes and endpoint registries come
// from the source tree's routes/ and etc/) and clears old data.
DemoTopology make_demo_topology(const std::string& dir);

}  // namespace govbus::cli
