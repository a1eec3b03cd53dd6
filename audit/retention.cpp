#include "audit/retention.hpp"

#include "audit/checkpoint.hpp"
#include "audit/exchange_log.hpp"
#include "audit/log_schema.hpp"

#include <map>

namespace govbus::audit {

Result<PruneResult> prune_log(const std::string& log_path, TimePoint before, TimePoint now) {
    auto opened = open_log(log_path, LogAccess::read_write);
    if (!opened) return opened.problems();
    Database& db = **opened;
    if (!db.has_table("records") || !db.has_table("archives"))
        return make_problem("audit.format", "'" + log_path + "' is not a govbus exchange log");
    int offset = std::stoi(read_meta(db, "utc_offset_minutes").value_or("480"));
    int days = std::max(kMinimumRetentionDays, std::stoi(read_meta(db, "retention_days").value_or("180")));
    auto oldest_allowed = now - std::chrono::hours(24) * days;
    if (before > oldest_allowed)
        return make_problem("audit.prune_too_young",
                            "refusing to prune records before " + format_rfc3339(before, offset) +
                                ": the log keeps records for " + std::to_string(days) +
                                " days, so nothing after " + format_rfc3339(oldest_allowed, offset) +
                                " may be pruned now; choose --before " + format_rfc3339(oldest_allowed, offset).substr(0, 10) +
                                " or earlier",
                            "--before");
    const std::int64_t before_ms = to_unix_ms(before);

    std::map<std::string, NodeCertificate> certs;
    {
        auto s = db.prepare("SELECT fingerprint, pem FROM certs");
        while (s.step())
            if (auto c = NodeCertificate::parse(s.column_text(1))) certs.emplace(s.column_text(0), std::move(*c));
    }
    PruneResult res;
    std::int64_t first = 0;
    {
        auto s = db.prepare("SELECT min(seq) FROM records");
        if (s.step() && !s.column_is_null(0)) first = s.column_int(0);
    }
    if (first == 0) {
        res.kept.push_back("the log holds no records");
        return res;
    }
    // Walk the archived months in order from the first record held; stop at the first that must stay.
    std::int64_t cut = 0;
    std::string cut_hash;
    std::int64_t cut_number = 0;
    auto months = db.prepare("SELECT month, first_seq, last_seq, seal_number FROM archives ORDER BY first_seq");
    std::int64_t next = first;
    while (months.step()) {
        std::string month = months.column_text(0);
        std::int64_t a = months.column_int(1), b = months.column_int(2), seal = months.column_int(3);
        if (b < next) continue;  // pruned before
        if (a != next) {
            res.kept.push_back("records from seq " + std::to_string(next) + " on are not in an archive; run `govbus audit archive`");
            break;
        }
        auto newest = db.prepare("SELECT max(time_ms) FROM records WHERE seq BETWEEN ? AND ?");
        newest.bind(1, a).bind(2, b);
        newest.step();
        if (newest.column_int(0) >= before_ms) {
            res.kept.push_back(month + " has records at or after the --before date");
            break;
        }
        auto cp = db.prepare(std::string("SELECT ") + kCheckpointColumns + " FROM checkpoints WHERE number = ?");
        cp.bind(1, seal);
        if (!cp.step()) {
            res.kept.push_back(month + ": its seal checkpoint #" + std::to_string(seal) + " is missing from the log");
            break;
        }
        Checkpoint c = read_checkpoint(cp);
        auto cert = certs.find(c.cert_fingerprint);
        if (c.seq != b || cert == certs.end() || !cert->second.verifies(c)) {
            res.kept.push_back(month + ": its seal checkpoint #" + std::to_string(seal) + " does not verify");
            break;
        }
        cut = b;
        cut_hash = c.chain_hash;
        cut_number = c.number;
        res.months.push_back(month);
        next = b + 1;
    }
    if (res.months.empty() && res.kept.empty()) res.kept.push_back("no month of the log has been archived yet");
    if (cut == 0) return res;
    db.exec("BEGIN IMMEDIATE");
    auto del = db.prepare("DELETE FROM records WHERE seq <= ?");
    del.bind(1, cut);
    res.removed = del.run();
    // The message keys no record is filed under any more go with them. The
    // node's writer remembers only keys it used within the last hour, which
    // have records far younger than any that can be pruned.
    if (has_message_keys(db))
        db.exec("DELETE FROM message_keys WHERE NOT EXISTS (SELECT 1 FROM records WHERE key_ref = message_keys.ref)");
    write_meta(db, "anchor_seq", std::to_string(cut));
    write_meta(db, "anchor_hash", cut_hash);
    write_meta(db, "anchor_checkpoint", std::to_string(cut_number));
    db.exec("COMMIT");
    res.anchor_seq = cut;
    return res;
}

}  // namespace govbus::audit
