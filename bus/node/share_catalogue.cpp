#include "bus/node/share_catalogue.hpp"

#include "bus/node/config_reader.hpp"

namespace govbus {

namespace {

bool region_matches(const std::string& pattern, const std::string& region) {
    if (!pattern.empty() && pattern.back() == '*')
        return region.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    return pattern == region;
}

bool allows(const std::string& entry, const Destination& d) {
    if (entry == "*") return true;
    auto slash = entry.find('/');
    if (slash == std::string::npos) return !d.endpoint.empty() && entry == d.endpoint;
    if (d.region.empty()) return false;
    const std::string region = entry.substr(0, slash), department = entry.substr(slash + 1);
    return region_matches(region, d.region) && (department == "*" || department == d.department);
}

std::string describe(const Destination& d) {
    if (!d.endpoint.empty()) return "endpoint " + d.endpoint;
    return d.region + "/" + d.department;
}

}  // namespace

Result<ShareCatalogue> ShareCatalogue::load(const std::string& file) {
    ConfigReader r(file);
    YAML::Node root = r.load();
    if (!r.ok()) return r.problems();
    ShareCatalogue c;
    if (!r.expect_map(root, "", {"resources"})) return r.problems();
    const YAML::Node list = root["resources"];
    if (!list || !list.IsSequence()) {
        r.error(root, "resources", "expected a list of resources");
        return r.problems();
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node n = list[i];
        const std::string p = "resources[" + std::to_string(i) + "]";
        if (!r.expect_map(n, p, {"code", "name", "sharing", "grants"})) continue;
        ShareResource res;
        res.code = r.text(n, "code", p, true).value_or("");
        res.name = r.text_or(n, "name", p, "");
        res.line = n.Mark().line + 1;
        const std::string sharing = r.text(n, "sharing", p, true).value_or("");
        if (sharing == "unconditional") res.sharing = Sharing::unconditional;
        else if (sharing == "conditional") res.sharing = Sharing::conditional;
        else if (sharing == "none") res.sharing = Sharing::none;
        else if (!sharing.empty())
            r.error(n["sharing"], p + ".sharing", "'" + sharing + "' is not unconditional, conditional or none");
        for (auto& g : r.texts(n, "grants", p)) res.grants.insert(g);
        if (res.sharing != Sharing::conditional && !res.grants.empty())
            r.error(n["grants"], p + ".grants", "grants apply only to conditional resources");
        if (!res.code.empty() && !c.resources_.emplace(res.code, res).second)
            r.error(n["code"], p + ".code", "resource '" + res.code + "' is listed twice");
    }
    if (!r.ok()) return r.problems();
    return c;
}

Status ShareCatalogue::authorize(const Envelope& query) const {
    const auto* dataset = query.payload.is_object() ? query.payload.as_object().if_contains("dataset") : nullptr;

    const std::string code = dataset && dataset->is_string() ? std::string(dataset->as_string()) : std::string();
    if (!query.payload.is_object())
        return make_problem("acl.unknown_resource",
                            "the query's payload is encrypted, so its dataset cannot be checked against the share "
                            "catalogue; send data.query with a clear payload (its reply may be encrypted)",
                            "/payload/dataset");
    auto it = resources_.find(code);
    if (it == resources_.end())
        return make_problem("acl.unknown_resource",
                            "dataset '" + code + "' is not in this node's share catalogue; ask its owner to list it",
                            "/payload/dataset");
    const ShareResource& r = it->second;
    if (r.sharing == Sharing::none)
        return make_problem("acl.not_shared", "dataset '" + code + "' (" + r.name + ") is not shared (不予共享)",
                            "/payload/dataset");
    if (r.sharing == Sharing::conditional && !r.grants.count(query.source))
        return make_problem("acl.no_grant",
                            "dataset '" + code + "' is shared on condition (有条件共享) and endpoint '" + query.source +
                                "' holds no grant for it; apply to the data owner for one",
                            "/header/source");
    return ok_status();
}

Status check_may_address(const std::vector<std::string>& may_address, const std::string& source,
                         const Destination& destination) {
    if (may_address.empty()) return ok_status();
    for (const auto& entry : may_address)
        if (allows(entry, destination)) return ok_status();
    return make_problem("acl.destination",
                        "endpoint '" + source + "' may not address " + describe(destination) +
                            " (its registry entry lists what it may address)",
                        "/header/destination");
}

}  // namespace govbus
