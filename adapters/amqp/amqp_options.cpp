#include "adapters/amqp/amqp_options.hpp"

#include "bus/node/config_reader.hpp"

#include <filesystem>

namespace govbus::amqp {

namespace {

std::string resolve(const std::string& file, const std::string& dir) {
    if (file.empty() || dir.empty()) return file;
    std::filesystem::path p(file);
    return p.is_absolute() ? file : (std::filesystem::path(dir) / p).lexically_normal().string();
}

// "host:port"; the host may be a bracketed IPv6 literal ("[::1]:5672").
bool split_host_port(const std::string& text, std::string& host, std::string& port) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    for (char c : port)
        if (c < '0' || c > '9') return false;
    return port.size() <= 5 && std::stol(port) <= 65535;
}

}  // namespace

Result<AmqpOptions> read_options(const YAML::Node& options, const std::string& config_dir) {
    ConfigReader reader("adapters.amqp");
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
    out.plain = reader.boolean_or(options, "plain", path, false);
    out.reconnect_max_seconds =
        static_cast<int>(reader.integer_or(options, "reconnect_max_seconds", path, 10, 1, 3600));
    out.threads = static_cast<int>(reader.integer_or(options, "threads", path, 2, 1, 64));
    out.port_file = resolve(reader.text_or(options, "port_file", path, ""), config_dir);

    auto tls = options["tls"];
    if (tls.IsDefined() && !tls.IsNull()) {
        const std::string tpath = path + "/tls";
        if (reader.expect_map(tls, tpath, {"ca", "cert", "key", "require_client_cert"})) {
            TlsFiles files;
            files.ca = resolve(reader.text(tls, "ca", tpath, true).value_or(""), config_dir);
            files.cert = resolve(reader.text(tls, "cert", tpath, true).value_or(""), config_dir);
            files.key = resolve(reader.text(tls, "key", tpath, true).value_or(""), config_dir);
            files.require_client_cert = reader.boolean_or(tls, "require_client_cert", tpath, true);
            for (const auto* f : {&files.ca, &files.cert, &files.key})
                if (!f->empty() && !std::filesystem::exists(*f))
                    reader.error(tls, tpath, "file '" + *f + "' does not exist");
            out.tls = files;
        }
    }
    // Transport security is a decision, never a default (DESIGN.md "Security").
    if (out.tls && out.plain)
        reader.error(options, path, "'tls' and 'plain: true' exclude each other");
    if (!out.tls && !out.plain)
        reader.error(options, path,
                     "no transport security configured: give a 'tls' block (ca, cert, key) or, for loopback tests "
                     "only, 'plain: true'");
    if (!reader.ok()) return reader.problems();
    return out;
}

}  // namespace govbus::amqp
