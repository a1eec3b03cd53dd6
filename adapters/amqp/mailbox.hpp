// A connection's door for work from other threads. Proton objects belong to
// the thread running their connection's events; node threads hand work in
// through the connection's work_queue, which dies with the connection. The
// mailbox is shared by everything that may post, and closes (under its lock)
// before the connection is freed, so a late post fails instead of touching
// freed memory.
#pragma once

#include <proton/work_queue.hpp>

#include <functional>
#include <mutex>

namespace govbus::amqp {

class Mailbox {
public:
    // On the connection's thread, once the connection exists.
    void open(proton::work_queue& queue) {
        std::lock_guard lock(mutex_);
        queue_ = &queue;
    }
    // On the connection's thread, when its transport has closed.
    void close() {
        std::lock_guard lock(mutex_);
        queue_ = nullptr;
    }
    // From any thread: false when the connection is gone (the work is dropped).
    bool post(std::function<void()> work) {
        std::lock_guard lock(mutex_);
        return queue_ && queue_->add(proton::work(std::move(work)));
    }

private:
    std::mutex mutex_;
    proton::work_queue* queue_ = nullptr;
};

}  // namespace govbus::amqp
