// The by-name registry of adapter factories.
#include "bus/node/adapter.hpp"

#include <dlfcn.h>

#include <map>
#include <memory>
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

namespace {
struct LibraryClose {
    void operator()(void* handle) const { dlclose(handle); }
};
// Loaded plug-ins stay loaded for the life of the process: their code backs
// the registered factories and every adapter made from them.
std::vector<std::unique_ptr<void, LibraryClose>>& loaded_libraries() {
    static std::vector<std::unique_ptr<void, LibraryClose>> libs;
    return libs;
}
}  // namespace

Status load_adapter_plugin(const std::string& library) {
    dlerror();
    std::unique_ptr<void, LibraryClose> handle(dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL));
    if (!handle) {
        const char* why = dlerror();
        return make_problem("config.adapter_plugin",
                            "cannot load adapter library " + library + ": " + (why ? why : "unknown error"));
    }
    using Entry = const AdapterPlugin* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle.get(), "govbus_adapter_plugin"));
    if (!entry)
        return make_problem("config.adapter_plugin", library + " is not a govbus adapter: it exports no "
                                                                "govbus_adapter_plugin() entry point");
    const AdapterPlugin* plugin = entry();
    if (!plugin)
        return make_problem("config.adapter_plugin", library + ": govbus_adapter_plugin() returned nothing");
    if (plugin->interface_version != kAdapterInterfaceVersion)
        return make_problem("config.adapter_version",
                            library + " was built against adapter interface version " +
                                std::to_string(plugin->interface_version) + ", this node speaks version " +
                                std::to_string(kAdapterInterfaceVersion) +
                                "; rebuild the adapter against this govbus (bus/node/adapter.hpp)");
    if (!plugin->name || !plugin->make)
        return make_problem("config.adapter_plugin", library + ": the plug-in names no adapter or no factory");
    if (!register_adapter(plugin->name, plugin->make))
        return make_problem("config.adapter_plugin", library + ": an adapter named '" + std::string(plugin->name) +
                                                         "' is registered already");
    std::lock_guard lock(registry().mutex);
    loaded_libraries().push_back(std::move(handle));
    return ok_status();
}

}  // namespace govbus
