#include "audit/chain_verifier.hpp"

#include "audit/checkpoint.hpp"
#include "audit/log_schema.hpp"
#include "bus/core/clock.hpp"

#include <algorithm>
#include <iterator>
#include <map>

namespace govbus::audit {

std::string to_string(BreakKind kind) {
    switch (kind) {
        case BreakKind::edited: return "edited";
        case BreakKind::deleted: return "deleted";
        case BreakKind::inserted: return "inserted";
        case BreakKind::reordered: return "reordered";
        case BreakKind::truncated: return "truncated";
        case BreakKind::rewritten: return "rewritten";
        case BreakKind::bad_signature: return "bad_signature";
        case BreakKind::checkpoint_missing: return "checkpoint_missing";
        case BreakKind::anchor_missing: return "anchor_missing";
        case BreakKind::misfiled: return "misfiled";
    }
    return "unknown";
}

namespace {

struct Row {
    std::int64_t rowid = 0;
    Record record;
};

std::string seq_range(std::int64_t a, std::int64_t b) {
    return a == b ? "record " + std::to_string(a) + " is" : "records " + std::to_string(a) + ".." + std::to_string(b) + " are";
}

bool chains(HashAlgorithm alg, const std::string& prev_raw, Record r, std::int64_t as_seq) {
    r.seq = as_seq;
    return to_hex(chain_step(alg, prev_raw, r)) == r.hash;
}

std::vector<Row> rows_after(Database& db, std::int64_t seq, int limit) {
    auto s = db.prepare(std::string("SELECT rowid, ") + kRecordColumns +
                        " FROM records WHERE seq > ? ORDER BY seq, rowid LIMIT ?");
    s.bind(1, seq).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Row> out;
    while (s.step()) out.push_back({s.column_int(0), read_record(s, 1)});
    return out;
}

// Searches by message id or case number go through message_keys: a record
// filed under another key, or none, would be missed by them while its chain
// stays intact. Names the first such record. Logs and archives written before
// the keys (no record filed) are searched by their own columns and pass.
std::optional<ChainBreak> misfiled_record(Database& db) {
    if (!has_message_keys(db)) return std::nullopt;
    {
        auto any = db.prepare("SELECT 1 FROM records WHERE key_ref IS NOT NULL LIMIT 1");
        if (!any.step()) return std::nullopt;
    }
    auto s = db.prepare(
        "SELECT r.seq, r.message_id, r.case_number, r.key_ref, k.message_id, k.case_number FROM records r "
        "LEFT JOIN message_keys k ON k.ref = r.key_ref WHERE k.ref IS NULL OR k.message_id <> r.message_id "
        "OR k.case_number <> r.case_number ORDER BY r.seq LIMIT 1");
    if (!s.step()) return std::nullopt;
    const std::int64_t seq = s.column_int(0);
    std::string where = s.column_is_null(3) ? "under no message key"
                        : s.column_is_null(4)
                            ? "under message key " + std::to_string(s.column_int(3)) + ", which does not exist"
                            : "under message '" + s.column_text(4) + "', case '" + s.column_text(5) + "'";
    return ChainBreak{BreakKind::misfiled, seq,
                      "record " + std::to_string(seq) + " (message '" + s.column_text(1) + "', case '" +
                          s.column_text(2) + "') is filed " + where +
                          ": a search by its message id or case number would miss it"};
}

// Record n (at its expected place) does not match its stored hash: was it
// changed in place, moved, or spliced in? Looks ahead for the record that
// does chain at n.
ChainBreak classify_mismatch(Database& db, HashAlgorithm alg, const std::string& prev_raw, const Row& row,
                             std::optional<std::int64_t> head) {
    const std::int64_t n = row.record.seq;
    auto later = rows_after(db, n, 512);
    for (std::size_t i = 0; i < later.size(); ++i) {
        if (!chains(alg, prev_raw, later[i].record, n)) continue;
        if (i == 0) {
            auto h = from_hex(later[0].record.hash).value_or("");
            if (chains(alg, h, row.record, n + 1))
                return {BreakKind::reordered, n,
                        "records " + std::to_string(n) + " and " + std::to_string(n + 1) +
                            " are swapped: the record stored at seq " + std::to_string(n + 1) + " belongs at seq " +
                            std::to_string(n)};
            return {BreakKind::inserted, n,
                    "the record at seq " + std::to_string(n) +
                        " is not part of the chain and the records after it were renumbered: the record now at seq " +
                        std::to_string(n + 1) + " is the original record " + std::to_string(n)};
        }
        return {BreakKind::reordered, n,
                "the record stored at seq " + std::to_string(later[i].record.seq) + " belongs at seq " +
                    std::to_string(n)};
    }
    if (head && n > *head)
        return {BreakKind::inserted, n,
                "record " + std::to_string(n) + " lies beyond the last seq the writer committed (" +
                    std::to_string(*head) + ") and does not chain: it was added afterwards"};
    std::string h = chain_step(alg, prev_raw, row.record);
    if (!later.empty() && later[0].record.seq == n + 1 && chains(alg, h, later[0].record, n + 1))
        return {BreakKind::edited, n, "the stored hash of record " + std::to_string(n) + " was changed"};
    return {BreakKind::edited, n,
            "record " + std::to_string(n) + " was changed after it was written: its content does not match its hash"};
}

}  // namespace

Result<VerifyReport> verify_log(const std::string& path, const VerifyOptions& options) {
    auto opened = open_log(path, LogAccess::read_only);
    if (!opened) return opened.problems();
    Database& db = **opened;
    if (!db.has_table("records") || !db.has_table("checkpoints"))
        return make_problem("audit.format", "'" + path + "' is not a govbus exchange log or archive");
    VerifyReport rep;
    rep.node_id = read_meta(db, "node_id").value_or("");
    auto month = read_meta(db, "archive_month");
    rep.archive = month.has_value();
    rep.month = month.value_or("");
    auto alg = parse_hash_algorithm(read_meta(db, "chain_algorithm").value_or("sha256"));
    if (!alg) return make_problem("audit.format", "'" + path + "' names an unknown chain algorithm");
    std::optional<std::int64_t> head;
    if (auto h = read_meta(db, "head_seq")) head = std::stoll(*h);

    // Checkpoints: signatures and numbering.
    std::optional<NodeCertificate> given;
    if (options.certificate_pem) {
        auto c = NodeCertificate::parse(*options.certificate_pem);
        if (!c) return c.problems();
        rep.certificate = "given certificate " + c->subject() + " (sha256 " + c->fingerprint() + ")";
        given = std::move(*c);
    } else {
        rep.certificate = "certificates stored in the file (pass --cert to check against one you hold)";
    }
    std::map<std::string, NodeCertificate> stored;
    {
        auto s = db.prepare("SELECT fingerprint, pem FROM certs");
        while (s.step())
            if (auto c = NodeCertificate::parse(s.column_text(1))) stored.emplace(s.column_text(0), std::move(*c));
    }
    auto checkpoints = read_checkpoints(db);
    rep.checkpoints = static_cast<std::int64_t>(checkpoints.size());
    std::multimap<std::int64_t, const Checkpoint*> valid;  // by seq
    std::int64_t expected_number = rep.archive && !checkpoints.empty() ? checkpoints.front().number : 1;
    for (const auto& c : checkpoints) {
        if (c.number != expected_number)
            rep.breaks.push_back({BreakKind::checkpoint_missing, c.seq,
                                  "checkpoint #" + std::to_string(expected_number) +
                                      (c.number > expected_number + 1 ? ".." + std::to_string(c.number - 1) : "") +
                                      " is missing before checkpoint #" + std::to_string(c.number) + " (seq " +
                                      std::to_string(c.seq) + ")"});
        expected_number = c.number + 1;
        const NodeCertificate* cert = nullptr;
        if (given) {
            cert = c.cert_fingerprint == given->fingerprint() ? &*given : nullptr;
        } else if (auto it = stored.find(c.cert_fingerprint); it != stored.end()) {
            cert = &it->second;
        }
        if (!cert || !cert->verifies(c)) {
            rep.breaks.push_back({BreakKind::bad_signature, c.seq,
                                  "checkpoint #" + std::to_string(c.number) + " (seq " + std::to_string(c.seq) + ") " +
                                      (cert ? "has a signature that does not verify: it was forged or altered"
                                            : "was not signed by the node certificate")});
            continue;
        }
        ++rep.checkpoints_valid;
        valid.emplace(c.seq, &c);
        rep.last_checkpoint_seq = std::max(rep.last_checkpoint_seq, c.seq);
    }

    // The anchor: genesis, or a signed checkpoint just before the first record.
    std::int64_t total = 0;
    {
        auto s = db.prepare("SELECT count(*), min(seq), max(seq) FROM records");
        s.step();
        total = s.column_int(0);
        rep.first_seq = s.column_int(1);
        rep.last_seq = s.column_int(2);
    }
    std::int64_t expect_first = 1;
    if (rep.archive)
        expect_first = std::stoll(read_meta(db, "first_seq").value_or("1"));
    else if (auto a = read_meta(db, "anchor_seq"))
        expect_first = std::stoll(*a) + 1;
    std::string prev_raw = genesis_hash();
    std::optional<ChainBreak> record_break;
    if (total > 0) {
        if (rep.first_seq > expect_first) {
            record_break = ChainBreak{BreakKind::deleted, expect_first,
                                      seq_range(expect_first, rep.first_seq - 1) + " missing at the start"};
        } else if (rep.first_seq > 1) {
            auto it = valid.find(rep.first_seq - 1);
            if (it == valid.end())
                record_break = ChainBreak{BreakKind::anchor_missing, rep.first_seq,
                                          "the records start at seq " + std::to_string(rep.first_seq) +
                                              " and no valid signed checkpoint covers seq " +
                                              std::to_string(rep.first_seq - 1) + " to anchor them"};
            else
                prev_raw = from_hex(it->second->chain_hash).value_or("");
            rep.anchor_seq = rep.first_seq - 1;
        }
    }

    // The walk, in seq order. Stops at the first break: what follows it cannot be trusted.
    std::int64_t expected = rep.first_seq;
    std::int64_t last_valid_cp = rep.anchor_seq;
    std::int64_t done = 0;
    if (total > 0 && !record_break) {
        auto s = db.prepare(std::string("SELECT rowid, ") + kRecordColumns + " FROM records ORDER BY seq, rowid");
        std::optional<Row> pending;
        bool more = s.step();
        if (more) pending = Row{s.column_int(0), read_record(s, 1)};
        while (pending && !record_break) {
            std::vector<Row> group{std::move(*pending)};
            pending.reset();
            while ((more = s.step())) {
                Row r{s.column_int(0), read_record(s, 1)};
                if (r.record.seq != group.front().record.seq) {
                    pending = std::move(r);
                    break;
                }
                group.push_back(std::move(r));
            }
            const std::int64_t n = group.front().record.seq;
            done += static_cast<std::int64_t>(group.size());
            if (options.progress && done % 20000 < static_cast<std::int64_t>(group.size())) options.progress(done, total);
            if (n > expected) {
                record_break = ChainBreak{BreakKind::deleted, expected,
                                          seq_range(expected, n - 1) + " missing (gap in seq)"};
                break;
            }
            if (group.size() > 1) {
                std::int64_t extra = group.front().rowid;
                for (const auto& g : group)
                    if (!chains(*alg, prev_raw, g.record, n)) extra = g.rowid;
                record_break = ChainBreak{BreakKind::inserted, n,
                                          std::to_string(group.size()) + " records carry seq " + std::to_string(n) +
                                              "; the one at rowid " + std::to_string(extra) + " is not in the chain"};
                break;
            }
            const Record& r = group.front().record;
            auto t = parse_rfc3339(r.time);
            if (!t || to_unix_ms(*t) != r.time_ms) {
                record_break = ChainBreak{BreakKind::edited, n,
                                          "record " + std::to_string(n) + " has a time_ms column that does not match its time"};
                break;
            }
            std::string h = chain_step(*alg, prev_raw, r);
            if (to_hex(h) != r.hash) {
                record_break = classify_mismatch(db, *alg, prev_raw, group.front(), head);
                break;
            }
            auto [lo, hi] = valid.equal_range(n);
            for (auto it = lo; it != hi && !record_break; ++it)
                if (it->second->chain_hash != r.hash)
                    record_break = ChainBreak{BreakKind::rewritten, last_valid_cp + 1,
                                              seq_range(last_valid_cp + 1, n) +
                                                  " rewritten with recomputed hashes: signed checkpoint #" +
                                                  std::to_string(it->second->number) + " holds chain hash " +
                                                  it->second->chain_hash.substr(0, 16) + "... at seq " +
                                                  std::to_string(n) + ", the records give " + r.hash.substr(0, 16) + "..."};
            if (lo != hi) last_valid_cp = n;
            prev_raw = std::move(h);
            expected = n + 1;
        }
        if (options.progress) options.progress(done, total);
    }
    if (record_break) rep.breaks.push_back(*record_break);
    rep.records = total;
    if (auto m = misfiled_record(db)) rep.breaks.push_back(*m);

    // The end: does anything signed (or the writer's head) reach past the last record?
    if (!record_break) {
        std::int64_t last = total > 0 ? rep.last_seq : rep.anchor_seq;
        if (total == 0) {
            if (auto a = read_meta(db, "anchor_seq")) last = std::stoll(*a);
            if (rep.archive) last = std::stoll(read_meta(db, "first_seq").value_or("1")) - 1;
        }
        if (rep.last_checkpoint_seq > last) {
            const Checkpoint* furthest = std::prev(valid.end())->second;
            rep.breaks.push_back({BreakKind::truncated, last + 1,
                                  seq_range(last + 1, rep.last_checkpoint_seq) +
                                      " missing at the end: signed checkpoint #" + std::to_string(furthest->number) +
                                      " covers seq " + std::to_string(furthest->seq)});
        } else if (!rep.archive && head && *head > last) {
            rep.breaks.push_back({BreakKind::truncated, last + 1,
                                  seq_range(last + 1, *head) +
                                      " missing at the end: the writer committed up to seq " + std::to_string(*head)});
        } else if (rep.archive) {
            auto last_cp = std::find_if(checkpoints.rbegin(), checkpoints.rend(), [](const Checkpoint& c) {
                return c.kind == "seal";
            });
            std::int64_t last_seq = std::stoll(read_meta(db, "last_seq").value_or("0"));
            if (last_cp == checkpoints.rend() || last_cp->seq != last_seq || last_cp->month != rep.month ||
                valid.find(last_seq) == valid.end())
                rep.breaks.push_back({BreakKind::truncated, last + 1,
                                      "the archive lacks a valid seal checkpoint for " + rep.month + " at seq " +
                                          std::to_string(last_seq)});
        } else if (last > rep.last_checkpoint_seq) {
            rep.notes.push_back(seq_range(rep.last_checkpoint_seq + 1, last) +
                                " after the last checkpoint: their chain is intact as stored, but a deletion of "
                                "them, or a rewrite with recomputed hashes, cannot be shown until a checkpoint covers "
                                "them; compare with a checkpoint held outside this node");
        }
    }
    std::stable_sort(rep.breaks.begin(), rep.breaks.end(),
                     [](const ChainBreak& a, const ChainBreak& b) { return a.seq < b.seq; });
    return rep;
}

}  // namespace govbus::audit
