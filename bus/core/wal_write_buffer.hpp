// A SQLite VFS that gathers a transaction's writes to a WAL file into a few
// large writes.
//
// SQLite appends each WAL frame with two write calls (the 24-byte frame
// header, then the page), so a commit of 50 pages costs 100 system calls; on
// a virtual machine each call costs several times the copying it does. This
// VFS wraps the platform's default one and, for WAL files only, keeps
// contiguous writes in a buffer that goes to the file in one call (up to
// 128 KiB, the most the platform VFS writes at once):
//
// - when the commit frame is complete (a frame header whose "database size
//   after commit" field is not zero, WAL format: https://sqlite.org/fileformat2.html#walformat),
//   so a transaction's frames are in the file before SQLite publishes them
//   in the WAL index, whatever the synchronous setting;
// - before the file is synced, read, truncated, sized, closed or given a
//   file control, and when a write is not contiguous or the buffer is full.
//
// Durability is unchanged: SQLite counts a transaction committed only after
// the frames are written (and, with synchronous=FULL, synced), and every
// byte is in the file by then. Other files (databases, rollback journals)
// pass straight through.
#pragma once

namespace govbus {

// Registers the VFS once as the process's default (the name it returns);
// configure_sqlite_once() calls it before the first connection opens.
const char* register_wal_write_buffer();

// Write calls made to WAL files through the VFS since the process started
// (after buffering), for the tests.
unsigned long long wal_write_calls();

}  // namespace govbus
