#include "bus/node/endpoint_registry.hpp"

#include "bus/core/envelope.hpp"
#include "bus/node/config_reader.hpp"

#include <algorithm>
#include <filesystem>

namespace govbus {

namespace {
bool listed(const std::vector<std::string>& list, const std::string& type) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& t) {
        if (t == "*" || t == type) return true;
        // "case.*" covers every case message type.
        return t.size() > 2 && t.compare(t.size() - 2, 2, ".*") == 0 &&
               type.compare(0, t.size() - 1, t, 0, t.size() - 1) == 0;
    });
}

void check_types(ConfigReader& r, const YAML::Node& n, const std::vector<std::string>& types,
                 const std::string& path) {
    for (std::size_t i = 0; i < types.size(); ++i) {
        const auto& t = types[i];
        bool pattern = t == "*" || (t.size() > 2 && t.compare(t.size() - 2, 2, ".*") == 0);
        if (!pattern && !is_known_message_type(t))
            r.error(n[i], path + "/" + std::to_string(i), "unknown message type '" + t + "'");
    }
}
}  // namespace

bool Endpoint::may_send(const std::string& type) const { return listed(send, type); }
bool Endpoint::may_receive(const std::string& type) const { return listed(receive, type); }

Result<EndpointRegistry> EndpointRegistry::load(const std::string& file) {
    ConfigReader r(file);
    YAML::Node root = r.load();
    if (!r.ok()) return r.problems();
    EndpointRegistry reg;
    if (!r.expect_map(root, "", {"endpoints"})) return r.problems();
    auto list = root["endpoints"];
    if (!list.IsSequence()) {
        r.error(root, "/endpoints", "expected a list of endpoints");
        return r.problems();
    }
    auto dir = std::filesystem::absolute(std::filesystem::path(file)).parent_path();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& n = list[i];
        const std::string p = "/endpoints/" + std::to_string(i);
        if (!r.expect_map(n, p, {"id", "organisation", "region", "department", "send", "receive", "may_address",
                                 "adapter", "url", "suite", "cert", "revoked", "options", "translate",
                                 "signature"}))
            continue;
        Endpoint e;
        e.id = r.text(n, "id", p, true).value_or("");
        e.organisation = r.text_or(n, "organisation", p, "");
        e.region = r.text_or(n, "region", p, "");
        e.department = r.text_or(n, "department", p, "");
        e.send = r.texts(n, "send", p);
        e.receive = r.texts(n, "receive", p);
        check_types(r, n["send"], e.send, p + "/send");
        check_types(r, n["receive"], e.receive, p + "/receive");
        e.may_address = r.texts(n, "may_address", p);
        e.adapter = r.text_or(n, "adapter", p, "amqp");
        e.url = r.text_or(n, "url", p, "");
        e.suite = r.text_or(n, "suite", p, "intl");
        if (e.suite != "intl" && e.suite != "gm") r.error(n["suite"], p + "/suite", "expected intl or gm");
        e.cert = r.text_or(n, "cert", p, "");
        if (!e.cert.empty() && std::filesystem::path(e.cert).is_relative()) e.cert = (dir / e.cert).string();
        e.translate = r.text_or(n, "translate", p, "");
        if (!e.translate.empty() && std::filesystem::path(e.translate).is_relative())
            e.translate = (dir / e.translate).string();
        e.signature = r.text_or(n, "signature", p, "required");
        if (e.signature != "required" && e.signature != "none")
            r.error(n["signature"], p + "/signature", "expected required or none");
        e.revoked = r.boolean_or(n, "revoked", p, false);
        if (auto o = n["options"]; o.IsDefined()) e.options = o;
        e.line = n.Mark().line + 1;
        if (e.id.empty()) continue;
        if (reg.endpoints_.count(e.id)) {
            r.error(n["id"], p + "/id",
                    "endpoint '" + e.id + "' is defined twice (first at line " +
                        std::to_string(reg.endpoints_[e.id].line) + ")");
            continue;
        }
        reg.endpoints_.emplace(e.id, std::move(e));
    }
    if (!r.ok()) return r.problems();
    return reg;
}

const Endpoint* EndpointRegistry::find(const std::string& id) const {
    auto it = endpoints_.find(id);
    return it == endpoints_.end() ? nullptr : &it->second;
}

}  // namespace govbus
