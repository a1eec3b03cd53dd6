// govbus validate FILE...: decodes each message file (XML or JSON) as a node
// would, printing "FILE: OK" or one line per problem,
// "FILE:line:column: code (field): sentence".
#include "tools/govbus/command.hpp"

#include "bus/codec/codec.hpp"
#include "bus/core/file_text.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

void print_problem(std::ostream& out, const std::string& file, const Problem& p) {
    out << file;
    if (p.line > 0) out << ":" << p.line << ":" << p.column;
    out << ": " << (p.warning ? "warning " : "") << p.code;
    if (!p.field.empty()) out << " (" << p.field << ")";
    out << ": " << p.message << "\n";
}

int run_validate(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << "usage: govbus validate FILE...\n\n"
                     "Checks each message file (XML or JSON envelope) against the envelope and payload\n"
                     "schemas and the data rules. Prints FILE: OK, or each problem as\n"
                     "FILE:line:column: code (field): what to fix. Exit 0 when all are valid, 1 otherwise.\n";
        return args.empty() ? 2 : 0;
    }
    codec::Codec codec;
    int status = 0;
    for (const auto& file : args) {
        auto bytes = read_whole_file(file);
        if (!bytes) {
            std::cout << file << ": io.unreadable: cannot read the file\n";
            status = 1;
            continue;
        }
        auto result = codec.decode(*bytes);
        for (const auto& p : result.problems()) print_problem(std::cout, file, p);
        if (result) {
            std::cout << file << ": OK\n";
        } else {
            status = 1;
        }
    }
    return status;
}

const bool registered = register_command({"validate", "check message files against the schemas and data rules",
                                          run_validate});

}  // namespace

}  // namespace govbus::cli
