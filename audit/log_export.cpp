#include "audit/log_export.hpp"

#include "audit/checkpoint.hpp"
#include "audit/log_query.hpp"
#include "audit/log_schema.hpp"
#include "audit/record_format.hpp"

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>

namespace govbus::audit {

namespace {

const char* kReadme = R"(# govbus exchange-log export

This directory holds records of one govbus node's exchange log, as the
node wrote them, for an inspector.

| file | content |
|---|---|
| `manifest.json` | node id, chain algorithm, first and last seq, `prev_hash` (the chain hash before the first record) |
| `records.jsonl` | one record per line, in seq order; `hash` is the chain hash h_seq |
| `checkpoints.jsonl` | every checkpoint: `seq`, `chain_hash`, `signature_hex`, and `signed_bytes_hex`, the exact bytes signed |
| `certs/<sha256>.pem` | the node certificates, named by the SHA-256 of their DER |

## How to verify

1. Check the certificate is the node's: compare its fingerprint
   (`openssl x509 -in certs/F.pem -noout -fingerprint -sha256`) with the one
   the node operator registered with you.
2. Check each checkpoint's signature with that certificate, e.g. for ECDSA/RSA:

       jq -r 'select(.number==N) | .signed_bytes_hex' checkpoints.jsonl | xxd -r -p > cp.bin
       jq -r 'select(.number==N) | .signature_hex' checkpoints.jsonl | xxd -r -p > cp.sig
       openssl x509 -in certs/F.pem -pubkey -noout > node.pub
       openssl dgst -sha256 -verify node.pub -signature cp.sig cp.bin

   (SM2 certificates: `openssl dgst -sm3 -verify node.pub -sigopt distid:1234567812345678 ...`.)
   `signed_bytes_hex` must also decode to the fields shown beside it (the
   encoding below, tag `govbus-audit-checkpoint-1`).
3. Recompute the chain: h = `prev_hash` from the manifest; for each record in
   order, h = H(h || E(record)) where H is the manifest's `chain_algorithm`
   and E is the canonical encoding: the tag `govbus-audit-record-1` and the
   fields seq, time, node_id, event, message_id, case_number, type, source,
   destination, size, digest_alg, digest, reason_code, reason_text,
   latency_ms, region, each as a 4-byte big-endian length followed by its
   UTF-8 bytes (integers in decimal, a null latency as the empty string).
   Each record's `hash` must equal h, and each checkpoint's `chain_hash` must
   equal h at its `seq`.
4. Or, with govbus at hand: `govbus audit verify --archive FILE --cert node.crt`
   on a monthly archive of the same node.

Records after the last checkpoint in this export are not yet covered by a
signature. Personal data (ID numbers, mobile numbers, names) was masked
before the node wrote the records.
)";

void write_json_line(std::ofstream& out, const boost::json::object& o) { out << boost::json::serialize(o) << "\n"; }

}  // namespace

Result<ExportSummary> export_log(const std::string& log_path, const std::string& dir, std::optional<std::int64_t> from_ms,
                                 std::optional<std::int64_t> to_ms,
                                 const std::function<void(std::int64_t, std::int64_t)>& progress) {
    namespace fs = std::filesystem;
    auto reader = LogReader::open(log_path);
    if (!reader) return reader.problems();
    std::error_code ec;
    if (fs::exists(dir) && !fs::is_empty(dir, ec))
        return make_problem("audit.export_exists", "'" + dir + "' exists and is not empty; export into a new directory", "--out");
    fs::create_directories(fs::path(dir) / "certs", ec);
    if (ec) return make_problem("audit.export", "cannot create '" + dir + "': " + ec.message(), "--out");
    Database& db = reader->database();

    ExportSummary sum;
    Query q;
    q.from_ms = from_ms;
    q.to_ms = to_ms;
    std::int64_t total = reader->count(q);
    std::ofstream records(fs::path(dir) / "records.jsonl");
    std::string first_hash_before;
    reader->for_each(q, [&](const Record& r) {
        if (sum.records == 0) sum.first_seq = r.seq;
        sum.last_seq = r.seq;
        write_json_line(records, record_to_json(r));
        ++sum.records;
        if (progress && sum.records % 20000 == 0) progress(sum.records, total);
        return true;
    });
    if (progress) progress(sum.records, total);
    records.close();

    // The chain hash before the first exported record: the previous record's, else a checkpoint's, else genesis.
    std::string prev = to_hex(genesis_hash());
    std::string prev_source = "genesis";
    if (sum.first_seq > 1) {
        auto s = db.prepare("SELECT hash FROM records WHERE seq = ? ORDER BY rowid LIMIT 1");
        s.bind(1, sum.first_seq - 1);
        auto c = db.prepare("SELECT chain_hash, number FROM checkpoints WHERE seq = ? ORDER BY number LIMIT 1");
        c.bind(1, sum.first_seq - 1);
        if (c.step()) {
            prev = c.column_text(0);
            prev_source = "checkpoint #" + std::to_string(c.column_int(1)) + " (signed)";
        } else if (s.step()) {
            prev = s.column_text(0);
            prev_source = "record " + std::to_string(sum.first_seq - 1) + " (not signed: check it against a later checkpoint)";
        }
    }

    std::ofstream cps(fs::path(dir) / "checkpoints.jsonl");
    for (const auto& c : read_checkpoints(db)) {
        boost::json::object o;
        o["number"] = c.number;
        o["seq"] = c.seq;
        o["chain_hash"] = c.chain_hash;
        o["time"] = c.time;
        o["kind"] = c.kind;
        o["month"] = c.month;
        o["node_id"] = c.node_id;
        o["cert_fingerprint"] = c.cert_fingerprint;
        o["signature_hex"] = to_hex(c.signature);
        o["signed_bytes_hex"] = to_hex(checkpoint_signed_bytes(c));
        write_json_line(cps, o);
        ++sum.checkpoints;
    }
    auto certs = db.prepare("SELECT fingerprint, pem FROM certs");
    while (certs.step()) {
        std::ofstream(fs::path(dir) / "certs" / (certs.column_text(0) + ".pem")) << certs.column_text(1);
        ++sum.certificates;
    }
    boost::json::object m;
    m["format"] = "govbus-audit-export-1";
    m["node_id"] = reader->node_id();
    m["chain_algorithm"] = read_meta(db, "chain_algorithm").value_or("sha256");
    m["records"] = sum.records;
    m["first_seq"] = sum.first_seq;
    m["last_seq"] = sum.last_seq;
    m["prev_hash"] = prev;
    m["prev_hash_from"] = prev_source;
    std::ofstream(fs::path(dir) / "manifest.json") << boost::json::serialize(m) << "\n";
    std::ofstream(fs::path(dir) / "README.md") << kReadme;
    return sum;
}

}  // namespace govbus::audit
