// govbus dlq list|show|replay|drop: the dead letters of a node's journal.
// Works beside a running node (SQLite WAL; the node picks replayed deliveries
// up on its next pass).
#include "bus/core/clock.hpp"
#include "bus/journal/journal.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/node_journal.hpp"

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <functional>
#include <iomanip>
#include <iostream>
#include <optional>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus dlq list   (--config NODE.yaml | --journal FILE)\n"
    "       govbus dlq show   (--config NODE.yaml | --journal FILE) ID\n"
    "       govbus dlq replay (--config NODE.yaml | --journal FILE) ID|--all\n"
    "       govbus dlq drop   (--config NODE.yaml | --journal FILE) ID\n";

struct Args {
    std::string journal;
    std::vector<std::string> rest;
    bool all = false;
};

bool parse(const std::vector<std::string>& args, Args& out) {
    JournalArgs j;
    if (!parse_journal_args(args, j)) return false;
    out.journal = j.journal;
    for (auto& a : j.rest) {
        if (a == "--all")
            out.all = true;
        else
            out.rest.push_back(std::move(a));
    }
    return true;
}

std::unique_ptr<Journal> open(const std::string& path) { return open_node_journal("dlq", path); }

std::string time_text(TimePoint t) { return format_rfc3339(t); }

// A dead letter's id as `govbus dlq list` prints it; nullopt (with the reason
// on stderr) for anything else.
std::optional<std::int64_t> dead_letter_id(const std::string& text) {
    std::int64_t id = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, id);
    if (ec == std::errc() && p == end && id > 0) return id;
    std::cerr << "govbus dlq: ID must be a dead letter's number as 'govbus dlq list' shows it, not '" << text
              << "'\n";
    return std::nullopt;
}

int run_list(const std::vector<std::string>& argv) {
    Args a;
    if (!parse(argv, a)) return std::cerr << kUsage, 2;
    auto j = open(a.journal);
    if (!j) return 1;
    auto list = j->list_dead_letters();
    if (!list) return std::cerr << "govbus dlq: " << list.problem().to_string() << "\n", 1;
    if (list->empty()) {
        std::cout << "no dead letters\n";
        return 0;
    }
    std::cout << std::left << std::setw(8) << "ID" << std::setw(38) << "MESSAGE" << std::setw(15) << "TYPE"
              << std::setw(26) << "DESTINATION" << std::setw(6) << "TRIES" << "REASON\n";
    for (const auto& d : *list)
        std::cout << std::left << std::setw(8) << d.id << std::setw(38) << d.message_id << std::setw(15) << d.type
                  << std::setw(26) << d.destination << std::setw(6) << d.attempts << d.reason_code << " ("
                  << d.cause << ")\n";
    std::cout << count_of(static_cast<std::int64_t>(list->size()), "dead letter", "dead letters") << "\n";
    return 0;
}

// For show and drop: one ID after the journal. Runs `act(journal, id)`, or
// returns the exit status of what was wrong before it.
int with_one_dead_letter(const std::vector<std::string>& argv,
                         const std::function<int(Journal&, std::int64_t)>& act) {
    Args a;
    if (!parse(argv, a) || a.rest.size() != 1) return std::cerr << kUsage, 2;
    auto id = dead_letter_id(a.rest[0]);
    if (!id) return 2;
    auto j = open(a.journal);
    if (!j) return 1;
    return act(*j, *id);
}

int show(Journal& j, std::int64_t id) {
    auto d = j.dead_letter(id);
    if (!d) return std::cerr << "govbus dlq: " << d.problem().to_string() << "\n", 1;
    if (!d->has_value()) return std::cerr << "govbus dlq: no dead letter with id " << id << "\n", 1;
    const DeadLetter& x = **d;
    std::cout << "id:           " << x.id << "\nmessage:      " << x.message_id << "\ntype:         " << x.type
              << "\ncase:         " << x.case_number << "\nsource:       " << x.source
              << "\ndestination:  " << x.destination << "\ncause:        " << x.cause
              << "\nreason:       " << x.reason_code << ": " << x.reason_text << "\nattempts:     " << x.attempts
              << "\naccepted:     " << time_text(x.accepted) << "\ndead since:   " << time_text(x.dead_since) << "\n";
    if (x.expires) std::cout << "expires:      " << time_text(*x.expires) << "\n";
    return 0;
}

int run_show(const std::vector<std::string>& argv) {
    return with_one_dead_letter(argv, show);
}

// Who runs `govbus dlq COMMAND`, for the node's `replayed` or `dropped`
// record in the exchange log: "user alice with govbus dlq replay".
std::string who_runs(const char* command) {
    const uid_t uid = ::geteuid();
    const passwd* pw = ::getpwuid(uid);
    return "user " + (pw ? std::string(pw->pw_name) : std::to_string(uid)) + " with govbus dlq " + command;
}

int run_replay(const std::vector<std::string>& argv) {
    Args a;
    if (!parse(argv, a) || (a.rest.size() != 1 && !a.all) || (a.all && !a.rest.empty()))
        return std::cerr << kUsage, 2;
    std::optional<std::int64_t> one;
    if (!a.all && !(one = dead_letter_id(a.rest[0]))) return 2;
    auto j = open(a.journal);
    if (!j) return 1;
    std::vector<std::int64_t> ids;
    if (a.all) {
        auto list = j->list_dead_letters(1000000);
        if (!list) return std::cerr << "govbus dlq: " << list.problem().to_string() << "\n", 1;
        for (const auto& d : *list) ids.push_back(d.id);
    } else {
        ids.push_back(*one);
    }
    const std::string by = who_runs("replay");
    int failures = 0;
    for (auto id : ids) {
        auto s = j->replay(id, std::chrono::system_clock::now(), by);
        if (!s) {
            std::cerr << "govbus dlq: " << id << ": " << s.problem().to_string() << "\n";
            ++failures;
        }
    }
    std::cout << count_of(static_cast<std::int64_t>(ids.size()) - failures, "dead letter", "dead letters")
              << " back in the outbox\n";
    return failures ? 1 : 0;
}

int run_drop(const std::vector<std::string>& argv) {
    return with_one_dead_letter(argv, [](Journal& j, std::int64_t id) {
        auto s = j.drop(id, who_runs("drop"));
        if (!s) return std::cerr << "govbus dlq: " << s.problem().to_string() << "\n", 1;
        std::cout << "dropped dead letter " << id << "\n";
        return 0;
    });
}

const bool registered = register_command({"dlq list", "list a node's dead letters", run_list}) &&
                        register_command({"dlq show", "show one dead letter", run_show}) &&
                        register_command({"dlq replay", "put dead letters back in the outbox", run_replay}) &&
                        register_command({"dlq drop", "remove a dead letter for good", run_drop});

}  // namespace
}  // namespace govbus::cli
