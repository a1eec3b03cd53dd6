// The auditor commands' argument form (`govbus audit ...`): `--name value`
// options (some repeatable, like --log), `--flag`s and positional words. Kept
// here so the seven audit commands parse alike.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace govbus::audit {

struct AuditorOptions {
    std::multimap<std::string, std::string> values;  // "--log" -> path
    std::set<std::string> flags;                      // "--help"
    std::vector<std::string> positional;
    std::string error;                                // set when parsing failed

    std::optional<std::string> get(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;
    bool has(const std::string& flag) const { return flags.count(flag) > 0; }
};

// `with_value` lists the options that take a value; `flag_names` the ones that do not.
AuditorOptions parse_auditor_options(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                                     const std::set<std::string>& flag_names = {"--help", "-h"});

}  // namespace govbus::audit
