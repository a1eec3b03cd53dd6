#include "tools/govbus/node_journal.hpp"

#include "bus/node/node_config.hpp"

#include <filesystem>
#include <iostream>

namespace govbus::cli {

bool parse_journal_args(const std::vector<std::string>& args, JournalArgs& out) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if ((a == "--journal" || a == "--config") && i + 1 < args.size()) {
            if (a == "--journal") {
                out.journal = args[++i];
                continue;
            }
            auto c = load_node_config(args[++i]);
            if (!c) {
                for (const auto& p : c.problems()) std::cerr << p.message << "\n";
                return false;
            }
            out.journal = c->data_dir + "/journal.db";
        } else if (a == "--help" || a == "-h") {
            out.help = true;
            return false;
        } else {
            out.rest.push_back(a);
        }
    }
    return !out.journal.empty();
}

std::unique_ptr<Journal> open_node_journal(const std::string& command, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        std::cerr << "govbus " << command << ": no journal at " << path
                  << " (a node keeps journal.db in its data_dir once it has started)\n";
        return nullptr;
    }
    JournalOptions o;
    o.recover_in_flight = false;  // the node may be running: its in-flight deliveries are its own
    o.checkpoint_in_background = false;
    auto j = Journal::open(path, o);
    if (!j) {
        std::cerr << "govbus " << command << ": " << j.problem().to_string() << "\n";
        return nullptr;
    }
    return std::move(j.value());
}

}  // namespace govbus::cli
