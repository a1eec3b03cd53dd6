// The exchange log (DESIGN.md "exchange log"): every pipeline outcome as an
// append-only, hash-chained record, with signed checkpoints, in its own SQLite
// file. The node calls record() from any thread; a writer thread commits in
// batches (group commit). Readers, verifier, archives and queries for the
// auditor tools are in the headers included at the end.
#pragma once

#include "audit/record.hpp"
#include "bus/core/clock.hpp"
#include "bus/core/problem.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace govbus::audit {

// What the pipeline tells the log. Strings are copied; personal data in any
// of them is masked before the record is written.
struct Event {
    EventKind kind = EventKind::received;
    std::string message_id;
    std::string case_number;
    std::string type;
    std::string source;
    std::string destination;
    std::string region;
    std::int64_t size = 0;        // bytes; taken from raw when 0 and raw is given
    std::string suite;            // "intl" (sha256) or "gm" (sm3): the message digest's algorithm
    std::string raw;              // the message as received: its digest is computed by the writer
    std::string digest_alg;       // or a digest the caller already has ("sha256"/"sm3" + hex)
    std::string digest_hex;
    std::string reason_code;      // stable reason code, e.g. "signature.bad"
    std::string reason_text;      // free text: ID numbers, mobile numbers and personal_names get masked
    std::optional<std::int64_t> latency_ms;  // since this node received the message
    std::vector<std::string> personal_names; // names known to appear in the free text
    std::optional<TimePoint> time;           // when it happened; default: the log's clock at record()
};

struct Options {
    std::string node_id;
    std::string signing_key_path;   // PEM private key: EC P-256, RSA or SM2
    std::string certificate_path;   // PEM certificate of that key; stored in the log's certs table
    std::size_t checkpoint_every = 1000;               // records between checkpoints
    std::chrono::seconds checkpoint_interval{60};      // or this long, whichever comes first
    int retention_days = 180;                          // at least 180 (GB/T 22239-2019: six months)
    std::shared_ptr<const Clock> clock;                // default: the system clock
    std::string chain_algorithm = "sha256";            // "sha256" or "sm3"; fixed at creation
    int utc_offset_minutes = 480;                      // records' offset and month boundaries (+08:00)
    // true: SQLite synchronous=FULL, each group commit is fsynced and survives a
    // power loss; false: synchronous=NORMAL, survives a process crash (kill -9)
    // but a power loss can drop the last commits.
    bool power_loss_safe = true;
    // The writer commits at most once per interval while records keep coming
    // (the first record after a quiet spell goes at once): a commit rewrites
    // the pages at the end of the table and of every index, so fewer, larger
    // commits write less. Nothing waits on the log: a message is acknowledged
    // by the journal, and flush(), checkpoint() and closing cut the wait short.
    std::chrono::milliseconds batch_interval{20};
};

// The least retention a log may be configured with.
constexpr int kMinimumRetentionDays = 180;

class ExchangeLog {
public:
    // Opens (creating if needed) the log at `path`. Refuses a retention below
    // 180 days (audit.retention_too_short), a key that does not match the
    // certificate (audit.key), or a log of another node (audit.node_mismatch).
    static Result<std::unique_ptr<ExchangeLog>> open(const std::string& path, Options options);

    // Drains the queue and writes a closing checkpoint over the last records.
    ~ExchangeLog();
    ExchangeLog(const ExchangeLog&) = delete;
    ExchangeLog& operator=(const ExchangeLog&) = delete;

    // Queues one event; never blocks on I/O. Thread-safe.
    void record(Event event);
    // Waits until everything queued before the call is committed. Returns the
    // writer's first failure, if any (the batch that failed is not in the log).
    Status flush();
    // Writes a checkpoint over the last record now (kind "manual") and waits for it.
    Status checkpoint();

    std::int64_t last_seq() const;

private:
    struct Impl;
    explicit ExchangeLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace govbus::audit

#include "audit/archive.hpp"
#include "audit/chain_verifier.hpp"
#include "audit/log_query.hpp"
#include "audit/case_trace.hpp"
#include "audit/log_export.hpp"
#include "audit/log_stats.hpp"
#include "audit/retention.hpp"
