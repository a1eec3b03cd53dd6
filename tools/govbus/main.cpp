// govbus: the command-line tool for operators, integrators and auditors.
// Finds the longest registered command name that prefixes the arguments
// ("audit verify", "route check", "validate") and runs it.
#include "tools/govbus/command.hpp"

#include <iostream>

namespace govbus::cli {

namespace {
std::map<std::string, Command>& registry() {
    static std::map<std::string, Command> r;
    return r;
}

int usage(std::ostream& out) {
    out << "usage: govbus COMMAND [ARGS...]\n\ncommands:\n";
    for (const auto& [name, c] : registry()) out << "  " << name << std::string(name.size() < 18 ? 18 - name.size() : 1, ' ') << c.summary << "\n";
    out << "\n`govbus COMMAND --help` explains one command.\n";
    return 2;
}
}  // namespace

bool register_command(Command command) {
    auto name = command.name;
    registry().emplace(std::move(name), std::move(command));
    return true;
}

const std::map<std::string, Command>& commands() { return registry(); }

}  // namespace govbus::cli

int main(int argc, char** argv) {
    using namespace govbus::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        usage(args.empty() ? std::cerr : std::cout);
        return args.empty() ? 2 : 0;
    }
    // Longest match of up to two words: "audit verify" before "audit".
    for (std::size_t words = std::min<std::size_t>(2, args.size()); words > 0; --words) {
        std::string name = args[0];
        for (std::size_t i = 1; i < words; ++i) name += " " + args[i];
        auto it = commands().find(name);
        if (it != commands().end()) {
            std::vector<std::string> rest(args.begin() + static_cast<long>(words), args.end());
            try {
                return it->second.run(rest);
            } catch (const std::exception& e) {
                std::cerr << "govbus " << name << ": " << e.what() << "\n";
                return 1;
            }
        }
    }
    std::cerr << "govbus: unknown command '" << args[0] << "'\n";
    return usage(std::cerr);
}
