// The exchange log's SQLite tables, shared by the live log and its archives.
// The log lives in its own file (never the journal's) in WAL mode.
#pragma once

#include "audit/checkpoint.hpp"
#include "audit/record.hpp"
#include "bus/core/sqlite.hpp"

#include <memory>
#include <optional>

#include <string>
#include <vector>

namespace govbus::audit {

using sqlite::Database;
using sqlite::Statement;

enum class LogAccess { read_only, read_write };
// Opens an exchange log or an archive of one, creating it when missing under
// read_write. Its SQL errors throw sqlite::StorageError (codes `audit.*`): the
// writer rolls its batch back on one, and the auditors' tools read straight
// through and stop with the message. Waits up to 5 s for another
// connection's lock (an auditor's tool beside the node's writer).
Result<std::unique_ptr<Database>> open_log(const std::string& path, LogAccess access);
// The meta(key, value) table: nullopt when the key or the table is missing.
std::optional<std::string> read_meta(Database& db, const std::string& key);
void write_meta(Database& db, const std::string& key, const std::string& value);

// Creates the tables and indexes when missing. `with_indexes` = false for
// archives, which are read whole.
void create_schema(Database& db, bool with_indexes);

// The conditions of the partial indexes on reason_code and event; a query
// that searches those columns repeats them so SQLite uses the index.
extern const char* const kHasReason;
extern const std::string kRareEvent;
bool is_everyday_event(const std::string& event);  // received, accepted, routed, delivered

// The column list every SELECT of a record uses, in Record field order.
extern const char* const kRecordColumns;
Record read_record(const Statement& s, int first_col = 0);
// Binds a record to the 18 parameters of insert_record_sql() from `first`
// on, without copying its text: `r` must outlive the statement's step and
// reset. The parameter after them is the record's key_ref, the
// message_keys row of its message id and case number (what a search by
// either goes through).
void bind_record(Statement& s, const Record& r, int first = 1);
// An INSERT of `rows` records, 19 parameters each (kRecordColumns, key_ref).
std::string insert_record_sql(const std::string& table = "records", int rows = 1);
// True when the records table has the key_ref column.
bool has_key_column(Database& db);
// True when the log has both the key_ref column and the message_keys table.
bool has_message_keys(Database& db);
// True when every record names its message key, so a search by message id or
// case number may go through message_keys. False for logs and archives
// written before the keys (and, safely, for one whose keys were cleared: the
// records' own columns are searched then).
bool files_message_keys(Database& db);

extern const char* const kCheckpointColumns;
Checkpoint read_checkpoint(const Statement& s);
void insert_checkpoint(Database& db, const Checkpoint& c);
std::vector<Checkpoint> read_checkpoints(Database& db);  // by number
void store_certificate(Database& db, const std::string& fingerprint, const std::string& pem);

}  // namespace govbus::audit
