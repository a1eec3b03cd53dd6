// govbus trace CASE --config NODE.yaml ...: the hops of one case with their
// times, for operators who know their nodes' configuration files rather than
// where the exchange logs live. Reads each node's exchange log and shows the
// same merged timeline as `govbus audit trace`.
#include "bus/node/node_config.hpp"
#include "tools/govbus/command.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

int run(const std::vector<std::string>& args) {
    std::vector<std::string> forwarded;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            auto c = load_node_config(args[++i]);
            if (!c) {
                for (const auto& p : c.problems()) std::cerr << "govbus trace: " << p.message << "\n";
                return 2;
            }
            forwarded.push_back("--log");
            forwarded.push_back(c->data_dir + "/exchange-log.db");
        } else if (args[i] == "--help" || args[i] == "-h") {
            std::cout << "usage: govbus trace CASE --config NODE.yaml [--config NODE.yaml ...] [--format table|json]\n";
            return 0;
        } else {
            forwarded.push_back(args[i]);
        }
    }
    return commands().at("audit trace").run(forwarded);
}

const bool registered = register_command({"trace", "the hops of one case across nodes, with times", run});

}  // namespace
}  // namespace govbus::cli
