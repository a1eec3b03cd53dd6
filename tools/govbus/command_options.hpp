// Option parsing shared by the commands that use Boost.Program_options: the
// same --help, the same error text, the same exit codes (0 help, 2 usage).
#pragma once

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace govbus::cli {

// Parses `args` into the variables `options` is bound to. Returns nullopt to
// go on, or the exit status to return at once (after printing help or the error).
std::optional<int> parse_command_options(const std::string& command, const std::vector<std::string>& args,
                                         const boost::program_options::options_description& options,
                                         const boost::program_options::positional_options_description* positional = nullptr,
                                         const std::string& usage = {});

}  // namespace govbus::cli
