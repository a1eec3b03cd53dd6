// The AMQP adapter's options block (AdapterConfig.options), read and checked
// before anything listens: a bad block is refused with the key's path.
#pragma once

#include "bus/core/problem.hpp"
#include "bus/node/adapter_options.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace govbus::amqp {

using govbus::TlsFiles;

struct AmqpOptions {
    std::string listen_host = "127.0.0.1";
    std::string listen_port = "5672";  // "0" picks a free port (see port_file)
    int credit = 200;                  // window per incoming link
    std::optional<TlsFiles> tls;       // set unless plain
    bool plain = false;                // explicit opt-out of TLS, for loopback tests
    int reconnect_max_seconds = 10;    // cap of the back-off when dialling peer nodes
    int threads = 2;                   // threads running the Proton container
    std::string port_file;             // when set, the listening port is written here
};

// Reads the options block; relative file names are resolved against `config_dir`.
// Problems name `source` (the node configuration) with the line of the key.
Result<AmqpOptions> read_options(const YAML::Node& options, const std::string& config_dir,
                                 const std::string& source = "adapters.amqp");

}  // namespace govbus::amqp
