#include "audit/exchange_log.hpp"

#include "audit/checkpoint.hpp"
#include "audit/log_schema.hpp"
#include "audit/personal_data_scrubber.hpp"
#include "bus/core/thread_name.hpp"
#include "bus/core/wal_checkpointer.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace govbus::audit {

namespace {

// The chain position the writer extends; copied before a batch so a failed
// transaction leaves it as it was.
struct ChainState {
    std::int64_t seq = 0;
    std::string hash_raw = genesis_hash();
    std::string month;  // of record `seq`
    std::int64_t last_time_ms = 0;
    std::int64_t checkpoint_number = 0;
    std::int64_t checkpoint_seq = 0;
    std::int64_t checkpoint_time_ms = 0;
};

std::string month_of(std::int64_t time_ms, int offset) {
    return format_rfc3339(from_unix_ms(time_ms), offset).substr(0, 7);
}

}  // namespace

struct ExchangeLog::Impl {
    Options options;
    HashAlgorithm algorithm = HashAlgorithm::sha256;
    std::unique_ptr<Database> db;
    std::unique_ptr<WalCheckpointer> checkpointer;  // after db: stops before db closes
    NodeSigner signer;
    // Records wait in `pending` until the end of their batch, then go in
    // kInsertRows to a statement: each statement execution opens a cursor on
    // the table and on every index, which for one row cost about as much as
    // the insert itself.
    static constexpr int kInsertRows = 32;
    Statement insert;       // one record
    Statement insert_many;  // kInsertRows records
    std::vector<std::pair<Record, std::int64_t>> pending;  // with its key_ref
    Statement insert_key;
    Statement find_key;
    ChainState state;
    // message id and case number -> message_keys.ref, for the records of
    // messages seen lately (a message's records arrive within seconds or
    // minutes of each other). Two generations: new keys go into `key_refs`;
    // when it is full it becomes `older_key_refs` and the oldest generation
    // goes, so the newest keys are always at hand (one map emptied when full
    // lost them all at once) and at most 32 768 keys are held. A key found
    // in neither is read from message_keys. Both are emptied when a batch
    // fails, and every hour, so they never name a key that `audit prune`
    // could have removed: a key is pruned only with the last record filed
    // under it, months old.
    static constexpr std::size_t kKeyRefGeneration = 16384;
    std::unordered_map<std::string, std::int64_t> key_refs;
    std::unordered_map<std::string, std::int64_t> older_key_refs;
    std::chrono::steady_clock::time_point key_refs_since = std::chrono::steady_clock::now();
    std::string key_buffer;  // the key being looked up, kept to spare an allocation per record

    mutable std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable done;
    std::deque<Event> queue;
    std::uint64_t enqueued = 0;
    std::uint64_t written = 0;
    std::uint64_t flush_target = 0;  // flush() waits until `written` reaches it
    bool gathering = false;          // the writer lets a batch gather: record() need not wake it
    std::uint64_t checkpoint_requests = 0;
    std::uint64_t checkpoints_done = 0;
    std::optional<TimePoint> checkpoint_time;
    bool stopping = false;
    std::optional<Problem> failure;
    std::atomic<std::int64_t> committed_seq{0};
    std::thread writer;

    void run();
    void write_batch(std::deque<Event>& batch, std::optional<TimePoint> manual, bool closing);
    void write_event(Event& e);
    void insert_pending();
    void write_checkpoint(const std::string& kind, const std::string& month, std::int64_t time_ms);
    std::int64_t key_ref(const std::string& message_id, const std::string& case_number);
};

ExchangeLog::ExchangeLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
    impl_->writer = std::thread([this] { impl_->run(); });
}

Result<std::unique_ptr<ExchangeLog>> ExchangeLog::open(const std::string& path, Options options) {
    if (options.retention_days < kMinimumRetentionDays)
        return make_problem("audit.retention_too_short",
                            "exchange-log retention of " + std::to_string(options.retention_days) +
                                " days is below the required " + std::to_string(kMinimumRetentionDays) +
                                " days (GB/T 22239-2019: six months); set retention_days to 180 or more",
                            "retention_days");
    if (options.node_id.empty()) return make_problem("audit.config", "the exchange log needs the node id", "node_id");
    if (options.checkpoint_every == 0) options.checkpoint_every = 1;
    auto algorithm = parse_hash_algorithm(options.chain_algorithm);
    if (!algorithm)
        return make_problem("audit.config", "chain_algorithm must be sha256 or sm3, not '" + options.chain_algorithm + "'",
                            "chain_algorithm");
    if (!options.clock) options.clock = std::make_shared<SystemClock>();
    auto signer = NodeSigner::load(options.signing_key_path, options.certificate_path);
    if (!signer) return signer.problems();
    auto db = open_log(path, LogAccess::read_write);
    if (!db) return db.problems();

    auto impl = std::make_unique<Impl>();
    impl->options = std::move(options);
    impl->db = std::move(*db);
    impl->signer = std::move(*signer);
    Database& d = *impl->db;
    // WAL: readers (the auditor tools) never block the writer. FULL fsyncs each
    // group commit (one fsync per batch, not per record); NORMAL keeps the file
    // consistent across crashes but a power loss can cost the last commits.
    // A page cache of 32 MiB keeps the search indexes' hot pages in memory: their keys
    // (message ids, case numbers) arrive in no order, so each record touches pages all over them.
    d.exec("PRAGMA cache_size=-32768");
    d.exec(std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
           (impl->options.power_loss_safe ? "FULL;" : "NORMAL;"));
    create_schema(d, true);
    auto checkpointer = WalCheckpointer::start(d.handle(), path);
    if (!checkpointer) return checkpointer.problems();
    impl->checkpointer = std::move(*checkpointer);
    auto node = read_meta(d, "node_id");
    if (node && *node != impl->options.node_id)
        return make_problem("audit.node_mismatch", "the exchange log '" + path + "' belongs to node '" + *node +
                                                       "', not '" + impl->options.node_id + "'; each node keeps its own log");
    auto stored_alg = read_meta(d, "chain_algorithm");
    if (stored_alg && *stored_alg != impl->options.chain_algorithm)
        return make_problem("audit.config", "the exchange log '" + path + "' chains with " + *stored_alg +
                                                "; the chain algorithm cannot change", "chain_algorithm");
    impl->algorithm = *algorithm;
    d.exec("BEGIN");
    write_meta(d, "format", "govbus-audit-1");
    write_meta(d, "node_id", impl->options.node_id);
    write_meta(d, "chain_algorithm", impl->options.chain_algorithm);
    write_meta(d, "retention_days", std::to_string(impl->options.retention_days));
    write_meta(d, "utc_offset_minutes", std::to_string(impl->options.utc_offset_minutes));
    store_certificate(d, impl->signer.fingerprint(), impl->signer.certificate_pem());
    d.exec("COMMIT");

    // Resume the chain from the last stored record and checkpoint.
    auto last = d.prepare("SELECT seq, hash, time_ms FROM records ORDER BY seq DESC, rowid DESC LIMIT 1");
    if (last.step()) {
        impl->state.seq = last.column_int(0);
        impl->state.hash_raw = from_hex(last.column_text(1)).value_or(genesis_hash());
        impl->state.last_time_ms = last.column_int(2);
        impl->state.month = month_of(impl->state.last_time_ms, impl->options.utc_offset_minutes);
    } else if (auto anchor = read_meta(d, "anchor_seq")) {
        // Every record was pruned: continue from the signed anchor.
        impl->state.seq = std::stoll(*anchor);
        impl->state.hash_raw = from_hex(read_meta(d, "anchor_hash").value_or("")).value_or(genesis_hash());
    }
    auto cp = d.prepare("SELECT number, seq, time FROM checkpoints ORDER BY number DESC LIMIT 1");
    if (cp.step()) {
        impl->state.checkpoint_number = cp.column_int(0);
        impl->state.checkpoint_seq = cp.column_int(1);
        auto t = parse_rfc3339(cp.column_text(2));
        impl->state.checkpoint_time_ms = t ? to_unix_ms(*t) : 0;
    }
    impl->committed_seq = impl->state.seq;
    impl->insert = d.prepare(insert_record_sql());
    impl->insert_many = d.prepare(insert_record_sql("records", Impl::kInsertRows));
    impl->insert_key = d.prepare("INSERT INTO message_keys(message_id, case_number) VALUES(?, ?) ON CONFLICT DO NOTHING");
    impl->find_key = d.prepare("SELECT ref FROM message_keys WHERE message_id = ? AND case_number = ?");
    return std::unique_ptr<ExchangeLog>(new ExchangeLog(std::move(impl)));
}

ExchangeLog::~ExchangeLog() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        impl_->checkpoint_time = impl_->options.clock->now();
    }
    impl_->wake.notify_all();
    if (impl_->writer.joinable()) impl_->writer.join();
}

void ExchangeLog::record(Event event) {
    std::lock_guard lock(impl_->mutex);
    // Stamped under the lock so record times never go backwards along seq.
    if (!event.time) event.time = impl_->options.clock->now();
    impl_->queue.push_back(std::move(event));
    ++impl_->enqueued;
    if (!impl_->gathering) impl_->wake.notify_one();
}

Status ExchangeLog::flush() {
    std::unique_lock lock(impl_->mutex);
    auto target = impl_->enqueued;
    impl_->flush_target = std::max(impl_->flush_target, target);
    impl_->wake.notify_one();
    impl_->done.wait(lock, [&] { return impl_->written >= target || impl_->stopping; });
    if (impl_->failure) return *impl_->failure;
    return ok_status();
}

Status ExchangeLog::checkpoint() {
    std::unique_lock lock(impl_->mutex);
    auto target = ++impl_->checkpoint_requests;
    impl_->checkpoint_time = impl_->options.clock->now();
    impl_->wake.notify_one();
    impl_->done.wait(lock, [&] { return impl_->checkpoints_done >= target || impl_->stopping; });
    if (impl_->failure) return *impl_->failure;
    return ok_status();
}

std::int64_t ExchangeLog::last_seq() const { return impl_->committed_seq.load(); }

void ExchangeLog::Impl::run() {
    name_this_thread("exchange-log");
    auto last_commit = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_batch{};  // when the last batch was taken from the queue
    for (;;) {
        std::deque<Event> batch;
        std::optional<TimePoint> manual;
        bool closing = false;
        std::uint64_t requests = 0;
        {
            std::unique_lock lock(mutex);
            auto asked = [&] { return stopping || checkpoint_requests > checkpoints_done || flush_target > written; };
            wake.wait_for(lock, std::chrono::seconds(1), [&] { return asked() || !queue.empty(); });
            if (!queue.empty() && !asked()) {
                gathering = true;
                wake.wait_until(lock, last_batch + options.batch_interval, asked);
                gathering = false;
            }
            batch.swap(queue);
            if (!batch.empty()) last_batch = std::chrono::steady_clock::now();
            closing = stopping;
            requests = checkpoint_requests;
            if (requests > checkpoints_done || closing) manual = checkpoint_time;
        }
        // An idle node still checkpoints its last records once the interval has passed.
        bool idle_due = batch.empty() && !manual && state.seq > state.checkpoint_seq &&
                        std::chrono::steady_clock::now() - last_commit >= options.checkpoint_interval;
        if (idle_due) manual = options.clock->now();
        auto count = batch.size();
        if (count > 0 || manual) {
            write_batch(batch, manual, closing);
            last_commit = std::chrono::steady_clock::now();
        }
        {
            std::lock_guard lock(mutex);
            written += count;
            checkpoints_done = requests;
        }
        done.notify_all();
        if (closing) {
            std::lock_guard lock(mutex);
            if (queue.empty()) return;
        }
    }
}

void ExchangeLog::Impl::write_batch(std::deque<Event>& batch, std::optional<TimePoint> manual, bool closing) {
    ChainState before = state;
    try {
        db->exec("BEGIN IMMEDIATE");
        for (auto& e : batch) write_event(e);
        insert_pending();
        if (manual && state.seq > state.checkpoint_seq)
            write_checkpoint(closing ? "close" : "manual", "", to_unix_ms(*manual));
        write_meta(*db, "head_seq", std::to_string(state.seq));
        db->exec("COMMIT");
        committed_seq = state.seq;
    } catch (const std::exception& ex) {
        try {
            db->exec("ROLLBACK");
        } catch (const std::exception&) {
        }
        state = before;
        pending.clear();
        key_refs.clear();  // may name keys the rollback took away
        older_key_refs.clear();
        std::lock_guard lock(mutex);
        if (!failure)
            failure = make_problem("audit.write", std::string("the exchange log could not commit ") +
                                                      std::to_string(batch.size()) + " records: " + ex.what());
    }
}

void ExchangeLog::Impl::write_event(Event& e) {
    std::int64_t time_ms = to_unix_ms(*e.time);
    std::string time = format_rfc3339(*e.time, options.utc_offset_minutes);
    std::string month = time.substr(0, 7);  // as month_of(time_ms): YYYY-MM at the log's offset
    // The first record of a new month seals the previous one: archives end on a signed checkpoint.
    if (state.seq > 0 && !state.month.empty() && month != state.month)
        write_checkpoint("seal", state.month, time_ms);

    // The interval runs from the first record of a log that has no checkpoint yet.
    if (state.checkpoint_number == 0 && state.checkpoint_time_ms == 0) state.checkpoint_time_ms = time_ms;
    const auto& names = e.personal_names;
    Record r;
    r.seq = state.seq + 1;
    r.time = std::move(time);
    r.time_ms = time_ms;
    r.node_id = options.node_id;
    r.event = std::string(to_string(e.kind));
    r.message_id = scrub_personal_data(e.message_id, names);
    r.case_number = scrub_personal_data(e.case_number, names);
    r.type = scrub_personal_data(e.type, names);
    r.source = scrub_personal_data(e.source, names);
    r.destination = scrub_personal_data(e.destination, names);
    r.size = e.size == 0 ? static_cast<std::int64_t>(e.raw.size()) : e.size;
    if (!e.raw.empty()) {
        auto d = message_digest(e.suite, e.raw);
        r.digest_alg = std::move(d.algorithm);
        r.digest = std::move(d.hex);
    } else {
        r.digest_alg = e.digest_alg;
        r.digest = e.digest_hex;
    }
    r.reason_code = scrub_personal_data(e.reason_code, names);
    r.reason_text = scrub_personal_data(e.reason_text, names);
    r.latency_ms = e.latency_ms;
    r.region = e.region;
    std::string h = chain_step(algorithm, state.hash_raw, r);
    r.hash = to_hex(h);
    const std::int64_t ref = key_ref(r.message_id, r.case_number);
    const std::int64_t seq = r.seq;
    pending.emplace_back(std::move(r), ref);

    state.seq = seq;
    state.hash_raw = std::move(h);
    state.month = std::move(month);
    state.last_time_ms = time_ms;
    if (static_cast<std::size_t>(state.seq - state.checkpoint_seq) >= options.checkpoint_every)
        write_checkpoint("count", "", time_ms);
    else if (time_ms - state.checkpoint_time_ms >=
             std::chrono::duration_cast<std::chrono::milliseconds>(options.checkpoint_interval).count())
        write_checkpoint("interval", "", time_ms);
}

void ExchangeLog::Impl::insert_pending() {
    constexpr std::size_t chunk = kInsertRows;
    std::size_t i = 0;
    for (; pending.size() - i >= chunk; i += chunk) {
        insert_many.reset();
        for (std::size_t k = 0; k < chunk; ++k) {
            const int first = static_cast<int>(k) * 19 + 1;
            bind_record(insert_many, pending[i + k].first, first);
            insert_many.bind(first + 18, pending[i + k].second);
        }
        insert_many.step();
        insert_many.reset();  // before the records it points to go
    }
    for (; i < pending.size(); ++i) {
        insert.reset();
        bind_record(insert, pending[i].first);
        insert.bind(19, pending[i].second);
        insert.step();
        insert.reset();
    }
    pending.clear();
}

std::int64_t ExchangeLog::Impl::key_ref(const std::string& message_id, const std::string& case_number) {
    std::string& key = key_buffer;
    key.assign(message_id).push_back('\0');
    key.append(case_number);
    const auto now = std::chrono::steady_clock::now();
    if (now - key_refs_since >= std::chrono::hours(1)) {
        key_refs.clear();
        older_key_refs.clear();
        key_refs_since = now;
    }
    if (auto it = key_refs.find(key); it != key_refs.end()) return it->second;
    if (auto it = older_key_refs.find(key); it != older_key_refs.end()) return it->second;
    if (key_refs.size() >= kKeyRefGeneration) {
        older_key_refs.swap(key_refs);
        key_refs.clear();
    }
    insert_key.reset();
    insert_key.bind(1, message_id).bind(2, case_number);
    insert_key.step();
    std::int64_t ref = 0;
    if (db->changes() == 1) {
        ref = db->last_insert_rowid();
    } else {
        find_key.reset();
        find_key.bind(1, message_id).bind(2, case_number);
        if (!find_key.step()) throw std::runtime_error("message key vanished for message '" + message_id + "'");
        ref = find_key.column_int(0);
        find_key.reset();
    }
    key_refs.emplace(key, ref);
    return ref;
}

void ExchangeLog::Impl::write_checkpoint(const std::string& kind, const std::string& month, std::int64_t time_ms) {
    Checkpoint c;
    c.number = state.checkpoint_number + 1;
    c.seq = state.seq;
    c.chain_hash = to_hex(state.hash_raw);
    c.time = format_rfc3339(from_unix_ms(time_ms), options.utc_offset_minutes);
    c.kind = kind;
    c.month = month;
    c.node_id = options.node_id;
    c.cert_fingerprint = signer.fingerprint();
    c.signature = signer.sign(checkpoint_signed_bytes(c));
    insert_checkpoint(*db, c);
    state.checkpoint_number = c.number;
    state.checkpoint_seq = c.seq;
    state.checkpoint_time_ms = time_ms;
}

}  // namespace govbus::audit
