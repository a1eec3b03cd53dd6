// govbusd --config FILE: runs one govbus node until SIGTERM or SIGINT;
// SIGHUP reloads the route table and endpoint registry.
#include "bus/core/log.hpp"
#include "bus/node/node.hpp"
#include "bus/node/node_config.hpp"

#include <boost/program_options.hpp>

#include <csignal>
#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv) {
    std::string config_file, level;
    po::options_description opts("govbusd options");
    opts.add_options()("help,h", "show this help")("config,c", po::value(&config_file), "node configuration (YAML)")(
        "log-level", po::value(&level), "debug | info | warn | error (overrides the configuration)")(
        "check", "check the configuration and exit");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "govbusd: " << e.what() << "\n" << opts;
        return 2;
    }
    if (vm.count("help") || config_file.empty()) {
        std::cout << "usage: govbusd --config FILE [--log-level LEVEL]\n" << opts;
        return vm.count("help") ? 0 : 2;
    }

    auto config = govbus::load_node_config(config_file);
    if (!config) {
        for (const auto& p : config.problems()) std::cerr << "govbusd: " << p.message << "\n";
        return 1;
    }
    govbus::log::Level l;
    std::string wanted = level.empty() ? config->log_level : level;
    if (!govbus::log::parse_level(wanted, l)) {
        std::cerr << "govbusd: unknown log level '" << wanted << "' (debug, info, warn, error, off)\n";
        return 2;
    }
    govbus::log::set_level(l);
    govbus::log::set_component(config->id);

    // Signals are taken synchronously by this thread; every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    govbus::Node node(std::move(config.value()));
    if (vm.count("check")) {
        std::cout << "configuration OK\n";
        return 0;
    }
    if (auto st = node.start(); !st) {
        for (const auto& p : st.problems()) std::cerr << "govbusd: cannot start: " << p.to_string() << "\n";
        return 1;
    }
    while (true) {
        int sig = 0;
        if (sigwait(&signals, &sig) != 0) continue;
        if (sig == SIGHUP) {
            node.reload();
            continue;
        }
        GOVBUS_LOG(info, "signal " << sig << ": stopping");
        break;
    }
    node.stop();
    return 0;
}
