// The govbus CLI is a set of commands, each in its own file, registered by
// name. A command gets its arguments (after the command words) and returns the
// process exit status.
#pragma once

#include "bus/core/wording.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace govbus::cli {

struct Command {
    std::string name;     // "validate", "route check", "audit verify"
    std::string summary;  // one line for `govbus help`
    std::function<int(const std::vector<std::string>& args)> run;
};

// Registers a command at static-initialisation time:
//   static const bool registered = register_command({"validate", "...", run_validate});
bool register_command(Command command);

// All commands, by name.
const std::map<std::string, Command>& commands();

}  // namespace govbus::cli
