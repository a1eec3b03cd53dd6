#include "bus/node/adapter_options.hpp"

#include <filesystem>

namespace govbus {

std::string resolve_config_path(const std::string& file, const std::string& config_dir) {
    if (file.empty() || config_dir.empty()) return file;
    std::filesystem::path p(file);
    return p.is_absolute() ? file : (std::filesystem::path(config_dir) / p).lexically_normal().string();
}

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

std::optional<HttpUrl> parse_http_url(const std::string& url) {
    HttpUrl u;
    std::string rest;
    if (url.rfind("http://", 0) == 0) rest = url.substr(7);
    else if (url.rfind("https://", 0) == 0) rest = url.substr(8), u.https = true;
    else return std::nullopt;
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
        if (!split_host_port(authority, u.host, u.port)) return std::nullopt;
    } else {
        u.host = authority;
        if (u.host.size() > 2 && u.host.front() == '[' && u.host.back() == ']') u.host = u.host.substr(1, u.host.size() - 2);
        u.port = u.https ? "443" : "80";
    }
    if (u.host.empty()) return std::nullopt;
    return u;
}

TransportSecurity read_transport_security(ConfigReader& reader, const YAML::Node& options, const std::string& path,
                                          const std::string& config_dir) {
    TransportSecurity out;
    out.plain = reader.boolean_or(options, "plain", path, false);
    auto tls = options["tls"];
    if (tls.IsDefined() && !tls.IsNull()) {
        const std::string tpath = path + "/tls";
        if (reader.expect_map(tls, tpath, {"ca", "cert", "key", "crl", "require_client_cert"})) {
            TlsFiles files;
            files.ca = resolve_config_path(reader.text(tls, "ca", tpath, true).value_or(""), config_dir);
            files.cert = resolve_config_path(reader.text(tls, "cert", tpath, true).value_or(""), config_dir);
            files.key = resolve_config_path(reader.text(tls, "key", tpath, true).value_or(""), config_dir);
            // One file or a list of them.
            if (tls["crl"].IsScalar())
                files.crl = {reader.text(tls, "crl", tpath, false).value_or("")};
            else
                files.crl = reader.texts(tls, "crl", tpath);
            for (auto& f : files.crl) f = resolve_config_path(f, config_dir);
            files.require_client_cert = reader.boolean_or(tls, "require_client_cert", tpath, true);
            std::vector<const std::string*> named = {&files.ca, &files.cert, &files.key};
            for (const auto& f : files.crl) named.push_back(&f);
            for (const auto* f : named)
                if (!f->empty() && !std::filesystem::exists(*f))
                    reader.error(tls, tpath, "file '" + *f + "' does not exist");
            out.tls = files;
        }
    }
    if (out.tls && out.plain) reader.error(options, path, "'tls' and 'plain: true' exclude each other");
    if (!out.tls && !out.plain)
        reader.error(options, path,
                     "no transport security configured: give a 'tls' block (ca, cert, key) or, for loopback tests "
                     "only, 'plain: true'");
    return out;
}

}  // namespace govbus
