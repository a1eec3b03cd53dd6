#include "bus/core/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace govbus {

namespace {

// The most the platform VFS writes in one call (os_unix.c keeps 17 bits of
// the length: more than a 64 KiB page and its header never comes its way).
// A commit larger than this goes in several writes.
constexpr std::size_t kBufferBytes = 0x1ffff;
constexpr int kWalHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;

std::atomic<unsigned long long> g_wal_writes{0};

sqlite3_vfs* g_base = nullptr;  // the platform's VFS underneath

// The bytes written but not yet in the file: one contiguous range.
struct Pending {
    std::vector<char> bytes;
    sqlite3_int64 offset = 0;
    bool commit_frame_next = false;  // the write after a commit frame's header is its page
};

// A WAL file: our methods, then the underlying file's own object.
struct BufferedFile {
    sqlite3_file base;  // first: SQLite sees this
    sqlite3_io_methods methods;
    Pending* pending;
    sqlite3_file* inner() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

BufferedFile* as_buffered(sqlite3_file* f) { return reinterpret_cast<BufferedFile*>(f); }

// The underlying file, for the methods that only pass the call on.
sqlite3_file* inner_of(sqlite3_file* f) { return as_buffered(f)->inner(); }

int flush(BufferedFile* f) {
    Pending& p = *f->pending;
    if (p.bytes.empty()) return SQLITE_OK;
    sqlite3_file* in = f->inner();
    const int rc = in->pMethods->xWrite(in, p.bytes.data(), static_cast<int>(p.bytes.size()), p.offset);
    ++g_wal_writes;
    p.bytes.clear();  // on failure too: SQLite rolls the transaction back and writes its frames again
    return rc;
}

int x_close(sqlite3_file* file) {
    auto* f = as_buffered(file);
    int rc = flush(f);
    sqlite3_file* in = f->inner();
    const int closed = in->pMethods->xClose(in);
    delete f->pending;
    f->pending = nullptr;
    return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    auto* f = as_buffered(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->inner()->pMethods->xRead(f->inner(), out, amount, offset);
}

std::uint32_t big_endian_32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    auto* f = as_buffered(file);
    Pending& p = *f->pending;
    const bool contiguous = !p.bytes.empty() && offset == p.offset + static_cast<sqlite3_int64>(p.bytes.size());
    if (!p.bytes.empty() && (!contiguous || p.bytes.size() + static_cast<std::size_t>(amount) > kBufferBytes)) {
        if (int rc = flush(f); rc != SQLITE_OK) return rc;
    }
    if (static_cast<std::size_t>(amount) >= kBufferBytes) {
        ++g_wal_writes;
        return f->inner()->pMethods->xWrite(f->inner(), data, amount, offset);
    }
    if (p.bytes.empty()) {
        if (p.bytes.capacity() < kBufferBytes) p.bytes.reserve(kBufferBytes);
        p.offset = offset;
    }
    const char* bytes = static_cast<const char*>(data);
    p.bytes.insert(p.bytes.end(), bytes, bytes + amount);
    if (p.commit_frame_next) {
        // The commit frame's page: the transaction's last frame is complete.
        p.commit_frame_next = false;
        return flush(f);
    }
    // A frame header says in bytes 4-7 the database's size in pages after
    // the commit, and zero for every other frame.
    if (amount == kFrameHeaderBytes && offset >= kWalHeaderBytes &&
        big_endian_32(static_cast<const unsigned char*>(data) + 4) != 0)
        p.commit_frame_next = true;
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    auto* f = as_buffered(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->inner()->pMethods->xTruncate(f->inner(), size);
}

int x_sync(sqlite3_file* file, int flags) {
    auto* f = as_buffered(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->inner()->pMethods->xSync(f->inner(), flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    auto* f = as_buffered(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->inner()->pMethods->xFileSize(f->inner(), size);
}

int x_lock(sqlite3_file* file, int level) { return inner_of(file)->pMethods->xLock(inner_of(file), level); }

int x_unlock(sqlite3_file* file, int level) { return inner_of(file)->pMethods->xUnlock(inner_of(file), level); }

int x_check_reserved_lock(sqlite3_file* file, int* out) {
    return inner_of(file)->pMethods->xCheckReservedLock(inner_of(file), out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
    auto* f = as_buffered(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->inner()->pMethods->xFileControl(f->inner(), op, arg);
}

int x_sector_size(sqlite3_file* file) { return inner_of(file)->pMethods->xSectorSize(inner_of(file)); }

int x_device_characteristics(sqlite3_file* file) {
    return inner_of(file)->pMethods->xDeviceCharacteristics(inner_of(file));
}

int x_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
    return inner_of(file)->pMethods->xShmMap(inner_of(file), page, size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    return inner_of(file)->pMethods->xShmLock(inner_of(file), offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) { inner_of(file)->pMethods->xShmBarrier(inner_of(file)); }

int x_shm_unmap(sqlite3_file* file, int remove) { return inner_of(file)->pMethods->xShmUnmap(inner_of(file), remove); }

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    auto* f = as_buffered(file);
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->inner()->pMethods->xFetch(f->inner(), offset, amount, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return inner_of(file)->pMethods->xUnfetch(inner_of(file), offset, page);
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    if (!(flags & SQLITE_OPEN_WAL)) return g_base->xOpen(g_base, name, file, flags, out_flags);
    auto* f = as_buffered(file);
    f->base.pMethods = nullptr;
    f->pending = nullptr;
    sqlite3_file* in = f->inner();
    const int rc = g_base->xOpen(g_base, name, in, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (in->pMethods) in->pMethods->xClose(in);
        return rc;
    }
    f->pending = new (std::nothrow) Pending;
    if (!f->pending) {
        in->pMethods->xClose(in);
        return SQLITE_NOMEM;
    }
    const int version = in->pMethods->iVersion;
    f->methods = sqlite3_io_methods{std::min(version, 3),
                                    x_close,
                                    x_read,
                                    x_write,
                                    x_truncate,
                                    x_sync,
                                    x_file_size,
                                    x_lock,
                                    x_unlock,
                                    x_check_reserved_lock,
                                    x_file_control,
                                    x_sector_size,
                                    x_device_characteristics,
                                    version >= 2 ? x_shm_map : nullptr,
                                    version >= 2 ? x_shm_lock : nullptr,
                                    version >= 2 ? x_shm_barrier : nullptr,
                                    version >= 2 ? x_shm_unmap : nullptr,
                                    version >= 3 ? x_fetch : nullptr,
                                    version >= 3 ? x_unfetch : nullptr};
    f->base.pMethods = &f->methods;
    return SQLITE_OK;
}

}  // namespace

const char* register_wal_write_buffer() {
    static const char* const name = [] {
        static sqlite3_vfs vfs;
        g_base = sqlite3_vfs_find(nullptr);
        if (!g_base) throw std::runtime_error("SQLite has no default VFS");
        vfs = *g_base;  // every other method is the platform's
        vfs.zName = "govbus-wal-buffer";
        vfs.szOsFile = static_cast<int>(sizeof(BufferedFile)) + g_base->szOsFile;
        vfs.xOpen = x_open;
        vfs.pNext = nullptr;
        if (int rc = sqlite3_vfs_register(&vfs, 1); rc != SQLITE_OK)
            throw std::runtime_error(std::string("cannot register the WAL write buffer: ") + sqlite3_errstr(rc));
        return vfs.zName;
    }();
    return name;
}

unsigned long long wal_write_calls() { return g_wal_writes.load(); }

}  // namespace govbus
