// Large message bodies, kept beside the journal's database in append-only
// segment files. SQLite writes a body twice (into the WAL, then into the
// database at the checkpoint), a 4 KiB page at a time with two system calls
// each; a segment takes it in one write. The journal syncs the segments before
// the transaction that refers to them commits, so a committed row never points
// at bytes a crash could lose.
#pragma once

#include "bus/core/problem.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govbus {

// Where a body is: segment `file` (1, 2, ...; 0 means "in the database"),
// `size` bytes from `offset`.
struct BodyRef {
    std::int64_t file = 0;
    std::int64_t offset = 0;
    std::int64_t size = 0;
};

// One writer (the journal's, under its write lock); reads from any thread.
// Segments are named 00000001.seg, 00000002.seg, ... A store appends only to a
// segment it created itself, so the torn tail a crash may leave in the last one
// is never written after.
class BodyStore {
public:
    // `dir` is created at the first append. `durable`: sync() flushes to the
    // disk (fdatasync); otherwise the page cache, which survives kill -9, is
    // enough. A segment takes bodies until the next would carry it past
    // `segment_bytes`. New segments are numbered past those on disk and past
    // `named`, the highest number a stored message refers to: a segment that
    // was lost is never created again under its name for other bodies.
    static Result<std::unique_ptr<BodyStore>> open(std::string dir, bool durable, std::int64_t segment_bytes,
                                                   std::int64_t named = 0);

    BodyStore(std::string dir, bool durable, std::int64_t segment_bytes, std::int64_t next_file);
    ~BodyStore();
    BodyStore(const BodyStore&) = delete;
    BodyStore& operator=(const BodyStore&) = delete;

    // Writes `body` at the end of the current segment; durable after sync().
    Result<BodyRef> append(std::string_view body);
    // Makes every append since the last sync durable, with the directory
    // entries of segments created meanwhile. No-op when nothing was appended.
    Status sync();
    // The body at `ref`; journal.body_unreadable naming the file otherwise.
    Result<std::string> read(const BodyRef& ref) const;
    // Segments on disk that this store is not appending to, oldest first.
    Result<std::vector<std::int64_t>> closed_segments() const;
    // How many segments there are on disk and their bytes, the current one included.
    struct Usage {
        std::int64_t segments = 0;
        std::int64_t bytes = 0;
    };
    Result<Usage> usage() const;
    // Overwrites the segment (bodies carry personal data) and deletes it;
    // done when it is gone already. Safe beside append(), which never writes
    // to a closed segment.
    Status remove(std::int64_t file) const;

    std::string path_of(std::int64_t file) const;

private:
    Status start_segment();

    std::string dir_;
    bool durable_;
    std::int64_t segment_bytes_;
    std::int64_t next_file_;    // the number the next segment gets
    std::int64_t current_ = 0;  // 0: none yet
    int fd_ = -1;
    std::int64_t end_ = 0;                               // bytes written to the current segment
    bool unsynced_ = false;                              // the current segment has appends not yet synced
    std::vector<std::pair<int, std::int64_t>> rotated_;  // earlier segments (fd, number) to sync, then close
    bool directory_changed_ = false;                     // a segment was created since the last sync
};

}  // namespace govbus
