#include "audit/auditor_options.hpp"

namespace govbus::audit {

std::optional<std::string> AuditorOptions::get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> AuditorOptions::all(const std::string& name) const {
    std::vector<std::string> out;
    auto [lo, hi] = values.equal_range(name);
    for (auto it = lo; it != hi; ++it) out.push_back(it->second);
    return out;
}

AuditorOptions parse_auditor_options(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                                     const std::set<std::string>& flag_names) {
    AuditorOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        std::optional<std::string> inline_value;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = a.substr(eq + 1);
            a = a.substr(0, eq);
        }
        if (with_value.count(a)) {
            if (inline_value) {
                o.values.emplace(a, *inline_value);
            } else if (i + 1 < args.size()) {
                o.values.emplace(a, args[++i]);
            } else {
                o.error = a + " needs a value";
                return o;
            }
        } else if (flag_names.count(a)) {
            o.flags.insert(a);
        } else if (a.size() > 1 && a[0] == '-') {
            o.error = "unknown option " + a;
            return o;
        } else {
            o.positional.push_back(a);
        }
    }
    return o;
}

}  // namespace govbus::audit
