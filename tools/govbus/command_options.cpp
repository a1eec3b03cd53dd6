#include "tools/govbus/command_options.hpp"

#include <iostream>

namespace govbus::cli {

namespace po = boost::program_options;

std::optional<int> parse_command_options(const std::string& command, const std::vector<std::string>& args,
                                         const po::options_description& options,
                                         const po::positional_options_description* positional,
                                         const std::string& usage) {
    po::variables_map vm;
    try {
        po::command_line_parser parser(args);
        parser.options(options);
        if (positional) parser.positional(*positional);
        po::store(parser.run(), vm);
        if (vm.count("help")) {
            std::cout << usage << options;
            return 0;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "govbus " << command << ": " << e.what() << "\n" << usage << options;
        return 2;
    }
    return std::nullopt;
}

}  // namespace govbus::cli
