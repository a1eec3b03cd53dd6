// Flushes a database's WAL file to the disk from outside SQLite.
//
// The journal commits its accept batches with synchronous=NORMAL (the WAL
// is written, not flushed) and acknowledges them only after this flush,
// which runs on a thread of its own while the next batch is written. Frames
// are in the file before COMMIT returns, so one fdatasync() after it makes
// every batch committed until then as durable as synchronous=FULL would.
// SQLite never replaces the WAL file while a connection holds it open (it
// truncates and reuses it), so the descriptor opened at the first flush
// stays valid for the journal's life.
#pragma once

#include "bus/core/problem.hpp"

#include <string>

namespace govbus {

class WalFlusher {
public:
    // `database`: the database file; its WAL is `database` + "-wal".
    explicit WalFlusher(std::string database);
    ~WalFlusher();
    WalFlusher(const WalFlusher&) = delete;
    WalFlusher& operator=(const WalFlusher&) = delete;

    // Everything written to the WAL before this call is on the disk when it
    // returns ok. The first call also flushes the directory, which holds the
    // WAL's name. One thread at a time.
    Status flush();

private:
    std::string wal_;
    int fd_ = -1;
};

}  // namespace govbus
