// The values the journal takes and gives: accepts, deliveries, dead letters,
// statistics and options.
#pragma once

#include "bus/core/clock.hpp"
#include "bus/core/problem.hpp"
#include "bus/journal/backoff.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace govbus {

// A message to journal, with the destinations routing chose for it.
struct Accept {
    std::string message_id;    // de-duplication key (envelope id)
    std::string case_number;   // empty: not a case message, delivered unordered
    std::string type;          // message type, e.g. "case.apply"
    std::string source;        // sending endpoint id
    std::string body;          // raw message bytes as received, hops included
    std::string content_type;  // "application/xml" or "application/json"
    std::string region;        // the envelope's region code ("" when it has none)
    TimePoint created{};
    std::optional<TimePoint> expires;  // none: never expires
    int priority = 4;                  // 0 (lowest) .. 9; higher leaves first
    // Destination keys, one delivery (outbox row) each, e.g.
    // "endpoint:cd.market" or "node:city-510100".
    std::vector<std::string> destinations;
    // When both are set, remembered in the same transaction as where
    // `path_key` came from: a case number (a case coming down) or "reply:"
    // and a query's id (a query going out). The first record of a key wins.
    std::string path_key;
    std::string path_origin;
};

// The two kinds of path an accept may record (Accept::path_key).
enum class PathKind {
    case_path,   // a case number: where the case came down from
    reply_path,  // "reply:" and a query's id: where its reply goes
};

enum class AcceptOutcome {
    accepted,   // durable now; its deliveries are in the outboxes
    duplicate,  // the message id was journaled before: ack again, route nothing
};
// Failure: Problem codes journal.invalid, journal.closed, journal.storage,
// journal.disk_full, journal.busy, journal.corrupt, journal.unwritable.
using AcceptResult = Result<AcceptOutcome>;
// Called on the journal's writer thread, once, after the commit. Must be
// quick and must not throw; hand the result to your own thread.
using AcceptCallback = std::function<void(AcceptResult)>;

// One delivery handed out by take_ready(): in flight until its outcome is
// recorded with delivered(), failed() or rejected().
// Why a delivery whose message expired while it waited became a dead letter.
Problem expired_reason();
// The reason code a dead letter put back in the outbox by an operator
// carries until take_ready() hands it out again (Delivery::replayed).
inline constexpr const char* kReplayedCode = "journal.replayed";
// The reason code of the exchange-log record of a dropped dead letter.
inline constexpr const char* kDroppedCode = "journal.dropped";


struct Delivery {
    std::int64_t id = 0;  // delivery id: pass back with the outcome
    std::string destination;
    std::string message_id;
    std::string case_number;
    std::string type;
    std::string source;
    std::string content_type;
    std::string region;
    std::string body;
    TimePoint created{};
    std::optional<TimePoint> expires;
    int priority = 4;
    TimePoint accepted{};
    int attempt = 1;  // this is attempt number `attempt` (1 = first try)
    // Set on the first hand-out after an operator replayed the dead letter:
    // who and when (Journal::replay), reason journal.replayed.
    std::optional<std::string> replayed;
    // Set when the body, kept in a segment file, could not be read
    // (journal.body_unreadable): `body` is empty and the attempt counts as
    // failed, so it is retried and, if the file stays lost, dead-lettered.
    std::optional<Problem> unreadable;
};

// A dead letter an operator dropped (Journal::drop), as take_dropped() gives
// it to the node for its exchange log: the delivery without its body, and
// who dropped it and when.
struct DroppedDelivery {
    Delivery delivery;
    std::string note;
};

// Where the journal hands fresh deliveries once they are durable
// (Journal::set_hand_out): the dispatcher, which sends them at once. A
// delivery handed out this way is in flight from its accept on, as if
// take_ready() had given it, and its outcome is recorded the same way.
struct HandOut {
    // How many more deliveries `destination` can take now. Called on the
    // journal's writer thread, during the accept transaction.
    std::function<std::size_t(const std::string& destination)> room;
    // Takes one accept's deliveries, on the writer thread, after that
    // accept's AcceptCallback has run.
    std::function<void(std::vector<Delivery>)> take;
};

// What failed() decided.
struct RetryDecision {
    bool dead_lettered = false;  // true: moved to the dead letters, no more attempts
    int attempts = 0;            // failed attempts so far
    TimePoint next_attempt{};    // when it is due again (when not dead-lettered)
};

struct DeadLetter {
    std::int64_t id = 0;  // the delivery id; replay() and drop() take it
    std::string destination;
    std::string message_id;
    std::string case_number;
    std::string type;
    std::string source;
    std::string cause;        // "max_attempts", "expired" or "rejected"
    std::string reason_code;  // the last failure's reason code, or journal.expired
    std::string reason_text;
    int attempts = 0;
    TimePoint accepted{};
    std::optional<TimePoint> last_attempt;
    TimePoint dead_since{};
    std::optional<TimePoint> expires;
};

struct DestinationStats {
    std::string destination;
    std::int64_t pending = 0;  // waiting, due now or backing off
    std::int64_t in_flight = 0;
    std::int64_t dead_letters = 0;
    std::optional<TimePoint> oldest_waiting;  // accept time of the oldest pending or in flight
};

struct JournalStats {
    std::vector<DestinationStats> destinations;  // sorted by destination
    std::int64_t messages_held = 0;              // rows in messages: waiting, dead or kept for de-duplication
    std::optional<TimePoint> oldest_held;        // accept time of the oldest of them
    std::int64_t case_paths_held = 0;            // case paths kept for return-up
    std::int64_t reply_paths_held = 0;           // reply paths of queries kept for their replies
    std::int64_t body_segments = 0;              // segment files of large bodies, and their bytes
    std::int64_t body_segment_bytes = 0;
    // Counters since open():
    std::uint64_t commits = 0;     // accept transactions (group commits)
    std::uint64_t accepted = 0;    // AcceptOutcome::accepted
    std::uint64_t duplicates = 0;  // AcceptOutcome::duplicate
    std::uint64_t failed = 0;      // accepts that failed
    std::uint64_t largest_batch = 0;  // most accepts in one commit
    std::uint64_t flushes = 0;        // WAL flushes after accept commits (0: each commit flushed itself)
};

// What "accepted" survives. See journal.hpp for the reasoning.
enum class Durability {
    power_loss,     // synchronous=FULL: the WAL is fsynced before the ack (default)
    process_crash,  // synchronous=NORMAL: survives kill -9, not an OS crash (benchmarks)
};

struct JournalOptions {
    Durability durability = Durability::power_loss;
    std::size_t max_batch = 512;             // accepts per group commit, at most
    std::size_t max_batch_bytes = 16u << 20;  // body bytes per group commit (one accept always fits)
    int max_attempts = 10;                   // failed attempts before a dead letter
    BackoffOptions backoff;
    std::chrono::milliseconds busy_timeout{10000};  // another process holding the file
    // On open, put deliveries a crash left in flight back to pending. Only the
    // node that owns the journal does this; tools that open it beside a
    // running node (govbus dlq) must not take the node's deliveries from it.
    bool recover_in_flight = true;
    // Checkpoint the WAL from a thread of its own (WalCheckpointer) rather
    // than in the group commit. Tools that write a few rows beside a running
    // node leave it to the node.
    bool checkpoint_in_background = true;
    // With Durability::power_loss: commit accept batches without flushing
    // and flush the WAL on a thread of its own before the senders are
    // answered (WalFlusher), so the next batch is written while the disk
    // flushes. Off: each accept commit flushes inside COMMIT (synchronous=FULL).
    bool flush_beside_writer = true;
    // Bodies of this many bytes or more are kept in segment files beside the
    // database (its -bodies directory, body_store.hpp), written once instead
    // of into the WAL and again at the checkpoint; 0: every body in the
    // database. Bodies already journaled stay where they were written.
    std::size_t segment_body_bytes = 4u << 10;
    std::int64_t body_segment_bytes = std::int64_t{64} << 20;  // bodies per segment file, at most
};

}  // namespace govbus
