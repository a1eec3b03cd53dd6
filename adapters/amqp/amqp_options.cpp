#include "adapters/amqp/amqp_options.hpp"

#include "bus/node/config_reader.hpp"

namespace govbus::amqp {

Result<AmqpOptions> read_options(const YAML::Node& options, const std::string& config_dir, const std::string& source) {
    ConfigReader reader(source);
    const std::string path = "/adapters/amqp";
    AmqpOptions out;
    if (!options.IsDefined() || options.IsNull()) {
        reader.error(options, path, "the amqp adapter needs an options block with at least 'listen' and 'tls' (or 'plain: true')");
        return reader.problems();
    }
    if (!reader.expect_map(options, path,
                           {"listen", "credit", "tls", "plain", "reconnect_max_seconds", "threads", "port_file"}))
        return reader.problems();

    if (auto listen = reader.text(options, "listen", path, true)) {
        if (!split_host_port(*listen, out.listen_host, out.listen_port))
            reader.error(options["listen"], path + "/listen", "expected host:port, e.g. \"127.0.0.1:5672\" (port 0 picks a free port)");
    }
    out.credit = static_cast<int>(reader.integer_or(options, "credit", path, 200, 1, 100000));
    out.reconnect_max_seconds =
        static_cast<int>(reader.integer_or(options, "reconnect_max_seconds", path, 10, 1, 3600));
    out.threads = static_cast<int>(reader.integer_or(options, "threads", path, 2, 1, 64));
    out.port_file = resolve_config_path(reader.text_or(options, "port_file", path, ""), config_dir);

    auto transport = read_transport_security(reader, options, path, config_dir);
    out.tls = transport.tls;
    out.plain = transport.plain;
    if (!reader.ok()) return reader.problems();
    return out;
}

}  // namespace govbus::amqp
