// Append-only segment files for large bodies (see body_store.hpp).
#include "bus/journal/body_store.hpp"

#include "bus/journal/directory_sync.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace govbus {

namespace {

constexpr std::string_view kSuffix = ".seg";

std::string errno_text(int e) { return std::strerror(e); }

Problem unwritable(const std::string& what, const std::string& path, int e) {
    return make_problem("journal.unwritable", "cannot " + what + " body segment " + path + ": " + errno_text(e));
}

// The segment number in `name` ("00000012.seg" -> 12), 0 when it is not one.
std::int64_t segment_number(const std::string& name) {
    if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return 0;
    const std::string digits = name.substr(0, name.size() - kSuffix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
    return std::stoll(digits);
}

Result<std::vector<std::int64_t>> segments_in(const std::string& dir) {
    std::vector<std::int64_t> out;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return out;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (auto n = segment_number(it->path().filename().string()); n > 0) out.push_back(n);
    }
    if (ec) return make_problem("journal.unreadable", "cannot list body segments in " + dir + ": " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
}

// Writes all of `bytes` at `offset`, through short writes and signals.
bool write_all(int fd, const char* bytes, std::size_t size, off_t offset) {
    while (size > 0) {
        const ssize_t n = ::pwrite(fd, bytes, size, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
        offset += n;
    }
    return true;
}

}  // namespace

Result<std::unique_ptr<BodyStore>> BodyStore::open(std::string dir, bool durable, std::int64_t segment_bytes,
                                                   std::int64_t named) {
    auto existing = segments_in(dir);
    if (!existing) return existing.problems();
    const std::int64_t next = std::max(existing->empty() ? 0 : existing->back(), named) + 1;
    return std::make_unique<BodyStore>(std::move(dir), durable, segment_bytes, next);
}

BodyStore::BodyStore(std::string dir, bool durable, std::int64_t segment_bytes, std::int64_t next_file)
    : dir_(std::move(dir)), durable_(durable), segment_bytes_(segment_bytes), next_file_(next_file) {}

BodyStore::~BodyStore() {
    for (const auto& r : rotated_) ::close(r.first);
    if (fd_ >= 0) ::close(fd_);
}

std::string BodyStore::path_of(std::int64_t file) const {
    char name[32];
    std::snprintf(name, sizeof name, "%08lld", static_cast<long long>(file));
    return dir_ + "/" + name + std::string(kSuffix);
}

Status BodyStore::start_segment() {
    if (current_ == 0) {
        std::error_code ec;
        if (std::filesystem::create_directories(dir_, ec); ec) {
            return make_problem("journal.unwritable",
                                "cannot create the body segment directory " + dir_ + ": " + ec.message());
        }
        ::chmod(dir_.c_str(), 0700);
    }
    const std::string path = path_of(next_file_);
    // O_EXCL: never append to a segment another run left, whose tail may be torn.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return unwritable("create", path, errno);
    if (fd_ >= 0) {
        if (unsynced_)
            rotated_.emplace_back(fd_, current_);
        else
            ::close(fd_);
    }
    fd_ = fd;
    current_ = next_file_++;
    end_ = 0;
    unsynced_ = false;
    directory_changed_ = true;
    return ok_status();
}

Result<BodyRef> BodyStore::append(std::string_view body) {
    if (fd_ < 0 || (end_ > 0 && end_ + static_cast<std::int64_t>(body.size()) > segment_bytes_)) {
        if (auto st = start_segment(); !st) return st.problems();
    }
    if (!write_all(fd_, body.data(), body.size(), static_cast<off_t>(end_))) {
        // Nothing refers to these bytes; the next append writes over them.
        return unwritable("write", path_of(current_), errno);
    }
    BodyRef ref{current_, end_, static_cast<std::int64_t>(body.size())};
    end_ += ref.size;
    unsynced_ = true;
    return ref;
}

Status BodyStore::sync() {
    Status synced = ok_status();
    const auto flush = [&](int fd, std::int64_t file) {
        if (synced && durable_ && ::fdatasync(fd) != 0) synced = unwritable("sync", path_of(file), errno);
    };
    for (const auto& [fd, file] : rotated_) {
        flush(fd, file);
        ::close(fd);
    }
    rotated_.clear();
    if (unsynced_) flush(fd_, current_);
    unsynced_ = false;
    if (!synced) {
        // After a failed fdatasync the kernel may have dropped the unwritten
        // pages and will not say so again: append nowhere near them. The
        // next append starts a segment.
        ::close(fd_);
        fd_ = -1;
        return synced;
    }
    if (directory_changed_ && durable_) {
        if (auto failed = sync_directory(dir_))
            return unwritable(std::string(failed->step) + " the directory of", dir_, failed->error);
    }
    directory_changed_ = false;
    return ok_status();
}

Result<std::string> BodyStore::read(const BodyRef& ref) const {
    const std::string path = path_of(ref.file);
    const auto unreadable = [&](const std::string& why) {
        return make_problem("journal.body_unreadable", "the message body (" + std::to_string(ref.size) +
                                                           " bytes at offset " + std::to_string(ref.offset) + " of " +
                                                           path + ") cannot be read: " + why);
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return unreadable(errno_text(errno));
    std::string body(static_cast<std::size_t>(ref.size), '\0');
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n = ::pread(fd, body.data() + done, body.size() - done, static_cast<off_t>(ref.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return unreadable(errno_text(e));
        }
        if (n == 0) {
            ::close(fd);
            return unreadable("the file ends at byte " + std::to_string(ref.offset + done));
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return body;
}

Result<std::vector<std::int64_t>> BodyStore::closed_segments() const {
    auto all = segments_in(dir_);
    if (!all) return all;
    std::erase_if(*all, [this](std::int64_t n) { return n == current_ || n >= next_file_; });
    return all;
}

Result<BodyStore::Usage> BodyStore::usage() const {
    auto all = segments_in(dir_);
    if (!all) return all.problems();
    Usage u;
    for (std::int64_t file : *all) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(path_of(file), ec);
        if (ec) continue;  // removed meanwhile
        ++u.segments;
        u.bytes += static_cast<std::int64_t>(size);
    }
    return u;
}

Status BodyStore::remove(std::int64_t file) const {
    const std::string path = path_of(file);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return ok_status();  // gone already
    if (fd < 0) return unwritable("open", path, errno);
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    const std::string zeros(std::size_t{1} << 20, '\0');
    for (off_t at = 0; ok && at < st.st_size; at += static_cast<off_t>(zeros.size())) {
        const auto n = std::min<off_t>(st.st_size - at, static_cast<off_t>(zeros.size()));
        ok = write_all(fd, zeros.data(), static_cast<std::size_t>(n), at);
    }
    if (ok) ok = ::fdatasync(fd) == 0;
    const int e = errno;
    ::close(fd);
    if (!ok) return unwritable("overwrite", path, e);
    if (::unlink(path.c_str()) != 0) return unwritable("delete", path, errno);
    return ok_status();
}

}  // namespace govbus
