// govbus convert --to xml|json FILE: decodes a message (validating it) and
// writes it to stdout in the other encoding. Signed messages are converted
// without their signature's validity: a converted message must be signed again.
#include "tools/govbus/command.hpp"

#include "bus/codec/codec.hpp"
#include "bus/core/file_text.hpp"

#include <iostream>

namespace govbus::cli {

namespace {

int usage() {
    std::cerr << "usage: govbus convert --to xml|json FILE\n\n"
                 "Validates FILE (an XML or JSON envelope) and writes it to stdout in the requested\n"
                 "encoding. Problems go to stderr as FILE:line:column: code (field): what to fix.\n";
    return 2;
}

int run_convert(const std::vector<std::string>& args) {
    std::string to, file;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--to" && i + 1 < args.size()) to = args[++i];
        else if (args[i].rfind("--to=", 0) == 0) to = args[i].substr(5);
        else if (args[i] == "--help" || args[i] == "-h") return usage(), 0;
        else file = args[i];
    }
    if ((to != "xml" && to != "json") || file.empty()) return usage();
    auto bytes = read_whole_file(file);
    if (!bytes) {
        std::cerr << file << ": io.unreadable: cannot read the file\n";
        return 1;
    }
    codec::Codec codec;
    auto result = codec.decode(*bytes);
    if (!result) {
        for (const auto& p : result.problems()) {
            std::cerr << file;
            if (p.line > 0) std::cerr << ":" << p.line << ":" << p.column;
            std::cerr << ": " << p.code;
            if (!p.field.empty()) std::cerr << " (" << p.field << ")";
            std::cerr << ": " << p.message << "\n";
        }
        return 1;
    }
    try {
        std::cout << codec.encode(*result, to == "xml" ? codec::Encoding::xml : codec::Encoding::json);
    } catch (const std::invalid_argument& e) {
        // The security block is encoding-specific (ds:Signature vs JWS).
        std::cerr << file << ": convert.security: " << e.what()
                  << "; signed or encrypted messages cannot change encoding, convert the clear message and sign it again\n";
        return 1;
    }
    return 0;
}

const bool registered = register_command({"convert", "convert a message file between XML and JSON", run_convert});

}  // namespace

}  // namespace govbus::cli
