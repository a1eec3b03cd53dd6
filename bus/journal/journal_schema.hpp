// The journal's tables and their migrations, versioned with PRAGMA user_version.
#pragma once

#include "bus/core/problem.hpp"
#include "bus/core/sqlite.hpp"

namespace govbus::journal_schema {

// The schema version this build writes. A database with a higher version was
// written by a newer govbus and is refused rather than misread.
inline constexpr int kVersion = 7;

// deliveries.state values. A delivered row is deleted, so it has no state.
inline constexpr int kPending = 0;
inline constexpr int kInFlight = 1;
inline constexpr int kDead = 2;

// A pending delivery may go when no earlier delivery of its case to the same
// destination is pending or in flight (DESIGN.md "Per-case order is kept").
// Delivery ids grow with accept order, so "earlier" is "smaller id".
// `e.case_number <> ''` is spelled as the partial index deliveries_case is,
// so that index serves the lookup (destination, case, then id, which the
// index holds as its rowid); `e.state < 2`, "pending (0) or in flight (1)",
// is read from the row: dead letters stay in the index.
#define GOVBUS_HEAD_OF_CASE                                                                    \
    "(d.case_number = '' OR NOT EXISTS (SELECT 1 FROM deliveries e WHERE "                   \
    "e.destination = d.destination AND e.case_number = d.case_number AND e.case_number <> '' " \
    "AND e.state < 2 AND e.id < d.id))"

// Whether take_ready(destination, now) would hand anything out: ?1 the
// destination, ?2 now in ms. (A literal: Database::cached() keys on it.)
inline constexpr const char* kFirstReady =
    "SELECT 1 FROM deliveries d INDEXED BY deliveries_outbox WHERE d.destination = ?1 AND d.state = 0 AND "
    "d.next_attempt_ms <= ?2 AND " GOVBUS_HEAD_OF_CASE " LIMIT 1";

// Brings the database up to kVersion, one migration per transaction.
Status migrate(sqlite::Database& db);

}  // namespace govbus::journal_schema
