#include "audit/archive.hpp"

#include "audit/chain_verifier.hpp"
#include "audit/log_query.hpp"
#include "audit/log_schema.hpp"

#include <cstdio>
#include <filesystem>

namespace govbus::audit {

std::optional<std::pair<std::int64_t, std::int64_t>> month_bounds(const std::string& month, int offset) {
    int y = 0, m = 0;
    char tail = 0;
    if (month.size() != 7 || std::sscanf(month.c_str(), "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12)
        return std::nullopt;
    std::string off = utc_offset_text(offset);
    char a[40], b[40];
    std::snprintf(a, sizeof a, "%04d-%02d-01T00:00:00", y, m);
    std::snprintf(b, sizeof b, "%04d-%02d-01T00:00:00", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    auto ta = parse_rfc3339(a + off), tb = parse_rfc3339(b + off);
    if (!ta || !tb) return std::nullopt;
    return std::make_pair(to_unix_ms(*ta), to_unix_ms(*tb));
}

Result<ArchiveSummary> write_archive(const std::string& log_path, const std::string& month, const std::string& out_path,
                                     TimePoint now) {
    auto opened = open_log(log_path, LogAccess::read_write);
    if (!opened) return opened.problems();
    Database& db = **opened;
    if (!db.has_table("records"))
        return make_problem("audit.format", "'" + log_path + "' is not a govbus exchange log");
    int offset = std::stoi(read_meta(db, "utc_offset_minutes").value_or("480"));
    auto bounds = month_bounds(month, offset);
    if (!bounds) return make_problem("audit.usage", "--month must be YYYY-MM, e.g. 2026-10, not '" + month + "'", "--month");

    ArchiveSummary sum;
    sum.month = month;
    sum.file = out_path;
    {
        auto s = db.prepare("SELECT min(seq), max(seq), count(*) FROM records WHERE time_ms >= ? AND time_ms < ?");
        s.bind(1, bounds->first).bind(2, bounds->second);
        s.step();
        sum.records = s.column_int(2);
        sum.first_seq = s.column_int(0);
        sum.last_seq = s.column_int(1);
    }
    if (sum.records == 0)
        return make_problem("audit.archive_empty", "the log holds no records of " + month + " (already pruned, or none were written)");
    std::string prev_hash = to_hex(genesis_hash());
    if (sum.first_seq > 1) {
        auto s = db.prepare("SELECT chain_hash FROM checkpoints WHERE seq = ? ORDER BY number LIMIT 1");
        s.bind(1, sum.first_seq - 1);
        if (!s.step())
            return make_problem("audit.not_sealed", "no checkpoint covers seq " + std::to_string(sum.first_seq - 1) +
                                                         ", the record before " + month + "; archive the previous month's seal first");
        prev_hash = s.column_text(0);
    }
    {
        auto s = db.prepare("SELECT number FROM checkpoints WHERE kind = 'seal' AND month = ? AND seq = ? ORDER BY number LIMIT 1");
        s.bind(1, month).bind(2, sum.last_seq);
        if (!s.step())
            return make_problem("audit.not_sealed", month + " is not sealed yet: the node writes the seal checkpoint when it logs "
                                                        "the first record of the following month");
        sum.seal_number = s.column_int(0);
    }
    if (std::filesystem::exists(out_path))
        return make_problem("audit.archive_exists", "'" + out_path + "' already exists; archives are never overwritten", "--out");
    {
        auto out = open_log(out_path, LogAccess::read_write);
        if (!out) return out.problems();
        create_schema(**out, false);
    }
    auto attach = db.prepare("ATTACH DATABASE ? AS arc");
    attach.bind(1, out_path);
    attach.step();
    db.exec("BEGIN");
    // The month's records with their message keys (a log written before the
    // keys has none; its archive is searched by the records' own columns).
    const bool keyed = has_key_column(db);
    const std::string columns = std::string(kRecordColumns) + (keyed ? ", key_ref" : "");
    auto copy_records = db.prepare("INSERT INTO arc.records(" + columns + ") SELECT " + columns +
                                   " FROM main.records WHERE seq BETWEEN ? AND ? ORDER BY seq, rowid");
    copy_records.bind(1, sum.first_seq).bind(2, sum.last_seq);
    copy_records.step();
    if (keyed) {
        auto copy_keys = db.prepare(
            "INSERT INTO arc.message_keys(ref, message_id, case_number) SELECT ref, message_id, case_number "
            "FROM main.message_keys WHERE ref IN (SELECT key_ref FROM main.records WHERE seq BETWEEN ? AND ?) ORDER BY ref");
        copy_keys.bind(1, sum.first_seq).bind(2, sum.last_seq);
        copy_keys.step();
    }
    auto copy_cps = db.prepare(std::string("INSERT INTO arc.checkpoints(") + kCheckpointColumns + ") SELECT " +
                               kCheckpointColumns + " FROM main.checkpoints WHERE seq BETWEEN ? AND ? AND number <= ? ORDER BY number");
    copy_cps.bind(1, sum.first_seq - 1).bind(2, sum.last_seq).bind(3, sum.seal_number);
    copy_cps.step();
    db.exec("INSERT INTO arc.certs SELECT * FROM main.certs");
    auto meta = db.prepare("INSERT INTO arc.meta(key, value) VALUES(?, ?)");
    auto put = [&](const std::string& k, const std::string& v) {
        meta.reset();
        meta.bind(1, k).bind(2, v);
        meta.step();
    };
    put("format", "govbus-audit-archive-1");
    put("node_id", read_meta(db, "node_id").value_or(""));
    put("chain_algorithm", read_meta(db, "chain_algorithm").value_or("sha256"));
    put("utc_offset_minutes", std::to_string(offset));
    put("archive_month", month);
    put("first_seq", std::to_string(sum.first_seq));
    put("last_seq", std::to_string(sum.last_seq));
    put("prev_hash", prev_hash);
    put("created", format_rfc3339(now, offset));
    db.exec("COMMIT");
    db.exec("DETACH DATABASE arc");

    // An archive that does not verify is worse than none: check before noting it.
    auto check = verify_log(out_path);
    if (!check || !check->ok()) {
        std::filesystem::remove(out_path);
        std::string why = check ? to_string(check->breaks.front().kind) + " at seq " +
                                      std::to_string(check->breaks.front().seq) + ": " + check->breaks.front().message
                                : check.problem().message;
        return make_problem("audit.chain_broken", "the records of " + month + " do not verify (" + why +
                                                      "); no archive was written, run `govbus audit verify`");
    }
    auto note = db.prepare("INSERT INTO archives(month, first_seq, last_seq, seal_number, file, created) VALUES(?,?,?,?,?,?) "
                           "ON CONFLICT(month) DO UPDATE SET file=excluded.file, created=excluded.created");
    note.bind(1, month).bind(2, sum.first_seq).bind(3, sum.last_seq).bind(4, sum.seal_number);
    note.bind(5, std::filesystem::absolute(out_path).string()).bind(6, format_rfc3339(now, offset));
    note.step();
    return sum;
}

}  // namespace govbus::audit
