// govbus send: sends envelope files to a node as one endpoint and prints how
// the node settled each (accepted, or rejected with its reason code).
#include "bus/core/file_text.hpp"
#include "tools/common/bus_client.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/command_options.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace govbus::cli {

namespace po = boost::program_options;

namespace {

int run(const std::vector<std::string>& args) {
    std::string url, endpoint, ca, cert, key;
    std::vector<std::string> files;
    po::options_description opts("govbus send options");
    opts.add_options()("help,h", "show this help")("url", po::value(&url)->required(), "node address, amqp://HOST:PORT")(
        "as", po::value(&endpoint)->required(), "endpoint id to connect as")("ca", po::value(&ca), "CA certificate (TLS)")(
        "cert", po::value(&cert), "client certificate (TLS)")("key", po::value(&key), "client key (TLS)")(
        "file", po::value(&files), "envelope files (XML or JSON)");
    po::positional_options_description pos;
    pos.add("file", -1);
    if (auto exit = parse_command_options("send", args, opts, &pos, "usage: govbus send --url URL --as ENDPOINT FILE...\n"))
        return *exit;
    if (files.empty()) return std::cerr << "govbus send: name at least one envelope file\n", 2;
    tools::BusClient client({url, endpoint, false, 0, ca, cert, key});
    if (auto st = client.connect(std::chrono::seconds(10)); !st) {
        std::cerr << "govbus send: " << st.problem().to_string() << "\n";
        return 1;
    }
    int failures = 0;
    for (const auto& f : files) {
        auto file = read_whole_file(f);
        if (!file) {
            std::cerr << f << ": cannot read the file\n";
            ++failures;
            continue;
        }
        const std::string& bytes = *file;
        auto first = bytes.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
        std::string type = first != std::string::npos && bytes[first] == '<' ? "application/xml" : "application/json";
        auto outcome = client.send_and_wait(bytes, type, std::chrono::seconds(30));
        if (outcome.accepted) {
            std::cout << f << ": accepted\n";
        } else {
            std::cout << f << ": rejected: " << outcome.condition << ": " << outcome.description << "\n";
            ++failures;
        }
    }
    client.close();
    return failures ? 1 : 0;
}

const bool registered = register_command({"send", "send envelope files to a node as an endpoint", run});

}  // namespace
}  // namespace govbus::cli
