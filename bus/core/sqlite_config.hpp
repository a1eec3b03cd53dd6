// SQLite settings for the whole process, made once before its first
// connection (sqlite3_config is refused after SQLite has initialised). Both
// SQLite users (the journal and the exchange log) call it when they open.
#pragma once

#include "bus/core/wal_write_buffer.hpp"

#include <sqlite3.h>

namespace govbus {

inline void configure_sqlite_once() {
    static const bool configured = [] {
        // Memory statistics take a process-wide mutex on every allocation;
        // govbus never reads them.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        // WAL frames go to the file a transaction at a time (wal_write_buffer.hpp).
        register_wal_write_buffer();
        return true;
    }();
    (void)configured;
}

}  // namespace govbus
