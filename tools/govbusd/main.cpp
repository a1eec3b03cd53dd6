// govbusd --config FILE: runs one govbus node until SIGTERM or SIGINT;
// SIGHUP reloads the route table and endpoint registry.
#include "audit/exchange_log.hpp"
#include "bus/core/data_dir_lock.hpp"
#include "bus/core/log.hpp"
#include "bus/node/node.hpp"
#include "bus/node/node_check.hpp"
#include "bus/node/node_config.hpp"
#include "security/envelope_verifier.hpp"
#include "tools/govbusd/allocator.hpp"
#include "tools/govbusd/exchange_log_sink.hpp"

#include <boost/program_options.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

namespace po = boost::program_options;

namespace {
// SIGHUP reloads; SIGTERM or SIGINT stops the node.
void run_until_stopped(govbus::Node& node, sigset_t& signals) {
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
}
}  // namespace

int main(int argc, char** argv) {
    std::string config_file, level;
    po::options_description opts("govbusd options");
    opts.add_options()("help,h", "show this help")("version", "print the version and the memory allocator")("config,c", po::value(&config_file), "node configuration (YAML)")(
        "log-level", po::value(&level), "debug | info | warn | error (overrides the configuration)")(
        "check", "check the configuration and exit")(
        "benchmark-without-exchange-log",
        "run with no exchange log, only to measure what the log costs (bench/node); never in service");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "govbusd: " << e.what() << "\n" << opts;
        return 2;
    }
    if (vm.count("version")) {
        std::cout << "govbusd " << GOVBUS_VERSION << ", allocator: " << govbus::allocator_name() << "\n";
        return 0;
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
    GOVBUS_LOG(info, "govbusd " << GOVBUS_VERSION << " on " << govbus::allocator_name());

    // Signals are taken synchronously by this thread; every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    if (vm.count("check")) {
        // Routes, endpoints, translations, catalogue and every adapter block,
        // as a start would read them; nothing listens, nothing is written.
        if (auto st = govbus::check_node_config(*config); !st) {
            for (const auto& p : st.problems()) std::cerr << "govbusd: " << p.message << "\n";
            return 1;
        }
        std::cout << "configuration OK\n";
        return 0;
    }
    // One node per data directory, held until the process ends.
    std::error_code dir_error;
    std::filesystem::create_directories(config->data_dir, dir_error);
    if (dir_error) {
        std::cerr << "govbusd: cannot create data directory " << config->data_dir << ": " << dir_error.message()
                  << "\n";
        return 1;
    }
    auto data_dir_lock = govbus::DataDirLock::acquire(config->data_dir);
    if (!data_dir_lock) {
        std::cerr << "govbusd: cannot start: " << data_dir_lock.problem().to_string() << "\n";
        return 1;
    }
    std::unique_ptr<govbus::ExchangeLogSink> sink;
    if (vm.count("benchmark-without-exchange-log")) {
        GOVBUS_LOG(warn, "running WITHOUT an exchange log (--benchmark-without-exchange-log): nothing is audited");
    } else {
        if (config->node_key.empty() || config->node_cert.empty()) {
            std::cerr << "govbusd: " << config->file
                      << ": node.key and node.cert are required: the node signs its exchange-log checkpoints and hops "
                         "(make them with govbus pki issue --kind node)\n";
            return 1;
        }
        govbus::audit::Options ao;
        ao.node_id = config->id;
        ao.signing_key_path = config->node_key;
        ao.certificate_path = config->node_cert;
        ao.checkpoint_every = static_cast<std::size_t>(config->audit_checkpoint_every);
        ao.retention_days = config->audit_retention_days;
        auto log = govbus::audit::ExchangeLog::open(config->data_dir + "/exchange-log.db", ao);
        if (!log) {
            for (const auto& p : log.problems()) std::cerr << "govbusd: exchange log: " << p.to_string() << "\n";
            return 1;
        }
        sink = std::make_unique<govbus::ExchangeLogSink>(std::move(log.value()));
    }
    std::unique_ptr<govbus::security::EnvelopeVerifier> verifier;
    if (config->security.IsMap()) {
        auto options = govbus::security::read_verifier_options(config->security, config->dir);
        if (!options) {
            for (const auto& p : options.problems()) std::cerr << "govbusd: " << config->file << ": " << p.message << "\n";
            return 1;
        }
        auto made = govbus::security::EnvelopeVerifier::make(*options);
        if (!made) {
            for (const auto& p : made.problems()) std::cerr << "govbusd: message security: " << p.to_string() << "\n";
            return 1;
        }
        verifier = std::move(made.value());
        GOVBUS_LOG(info, "message security on: signatures " << (options->require_signatures ? "required" : "checked when present")
                                                           << ", " << options->trust.size() << " trust anchor file(s), "
                                                           << options->crl.size() << " CRL file(s)");
    } else {
        GOVBUS_LOG(warn, "no 'security' block: messages are not verified (loopback tests only)");
    }
    govbus::Node node(std::move(config.value()), govbus::Node::Plugins{verifier.get(), sink.get()});
    if (auto st = node.start(); !st) {
        for (const auto& p : st.problems()) std::cerr << "govbusd: cannot start: " << p.to_string() << "\n";
        return 1;
    }
    run_until_stopped(node, signals);
    if (sink) {
        if (auto st = sink->log().flush(); !st)
            std::cerr << "govbusd: exchange log: " << st.problem().to_string() << "\n";
    }
    return 0;
}
