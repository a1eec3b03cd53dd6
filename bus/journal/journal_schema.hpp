// The journal's tables and their migrations, versioned with PRAGMA user_version.
#pragma once

#include "bus/core/problem.hpp"
#include "bus/journal/sqlite.hpp"

namespace govbus::journal_schema {

// The schema version this build writes. A database with a higher version was
// written by a newer govbus and is refused rather than misread.
inline constexpr int kVersion = 3;

// deliveries.state values. A delivered row is deleted, so it has no state.
inline constexpr int kPending = 0;
inline constexpr int kInFlight = 1;
inline constexpr int kDead = 2;

// Brings the database up to kVersion, one migration per transaction.
Status migrate(sqlite::Database& db);

}  // namespace govbus::journal_schema
