// One node per data directory. Two govbusd processes on the same journal and
// exchange log would each deliver what the other delivers and fork the log's
// hash chain; the second one is refused at start instead.
//
// An exclusive flock(2) on <data_dir>/govbusd.lock, held as long as the
// DataDirLock lives. The kernel lets go of it when the process ends however
// it ends (kill -9 included), so a restart after a crash finds it free. The
// file holds the holder's pid, for the refusal's message. The operator
// commands (govbus dlq, status) do not take it: they work beside a running
// node.
#pragma once

#include "bus/core/problem.hpp"

#include <memory>
#include <string>

namespace govbus {

class DataDirLock {
public:
    // node.data_dir_in_use when another process holds it (its pid in the
    // message), node.data_dir_lock when the lock file cannot be opened.
    static Result<std::unique_ptr<DataDirLock>> acquire(const std::string& data_dir);
    ~DataDirLock();
    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;

    const std::string& path() const { return path_; }

private:
    DataDirLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_;
    std::string path_;
};

}  // namespace govbus
