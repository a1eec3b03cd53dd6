// A node's journal as the operator commands (govbus dlq, govbus status) open
// it: named by --config NODE.yaml or --journal FILE, opened beside a running
// node without taking its in-flight deliveries or its checkpoints.
#pragma once

#include "bus/journal/journal.hpp"

#include <memory>
#include <string>
#include <vector>

namespace govbus::cli {

struct JournalArgs {
    std::string journal;            // the journal file
    std::vector<std::string> rest;  // every other argument, in order
    bool help = false;
};

// Reads --config NODE.yaml or --journal FILE out of `args`; a configuration's
// problems go to stderr. false when neither names a journal.
bool parse_journal_args(const std::vector<std::string>& args, JournalArgs& out);

// The journal at `path`, or null after saying why on stderr as "govbus
// COMMAND: ...". A path where no journal exists is refused, not created.
std::unique_ptr<Journal> open_node_journal(const std::string& command, const std::string& path);

}  // namespace govbus::cli
