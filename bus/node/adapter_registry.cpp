// The by-name registry of adapter factories.
#include "bus/node/adapter.hpp"

#include <map>
#include <mutex>

namespace govbus {

namespace {
struct Registry {
    std::mutex mutex;
    std::map<std::string, AdapterFactory> factories;
};
Registry& registry() {
    static Registry r;
    return r;
}
}  // namespace

bool register_adapter(const std::string& name, AdapterFactory factory) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    return r.factories.emplace(name, std::move(factory)).second;
}

Result<std::unique_ptr<Adapter>> make_adapter(const AdapterConfig& config) {
    AdapterFactory factory;
    {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        auto it = r.factories.find(config.name);
        if (it == r.factories.end()) {
            std::string known;
            for (const auto& [n, f] : r.factories) known += (known.empty() ? "" : ", ") + n;
            return make_problem("config.adapter_unknown",
                                "no adapter named '" + config.name + "' is registered (known: " + known + ")",
                                "/adapters/" + config.name);
        }
        factory = it->second;
    }
    return factory(config);
}

std::vector<std::string> adapter_names() {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    std::vector<std::string> names;
    for (const auto& [n, f] : r.factories) names.push_back(n);
    return names;
}

}  // namespace govbus
