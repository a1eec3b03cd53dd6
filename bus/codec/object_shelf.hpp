// Objects kept for reuse between messages (XML parsers and readers, whose
// set-up costs more than reading a small message). Thread-safe: an object is
// taken by one caller at a time and given back when it is done with.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace govbus::codec {

template <class T>
class ObjectShelf {
public:
    explicit ObjectShelf(std::size_t keep) : keep_(keep) {}

    // An idle object, or a new one from make().
    template <class Make>
    std::unique_ptr<T> take(Make&& make) {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto object = std::move(idle_.back());
                idle_.pop_back();
                return object;
            }
        }
        return make();
    }

    // Kept when fewer than `keep` are idle, else dropped.
    void give_back(std::unique_ptr<T> object) {
        std::lock_guard lock(mutex_);
        if (idle_.size() < keep_) idle_.push_back(std::move(object));
    }

private:
    std::size_t keep_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<T>> idle_;
};

}  // namespace govbus::codec
