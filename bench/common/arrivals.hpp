// What the throughput benchmarks measure on the receiving side: when each
// message (known by its header id) was sent and when it first arrived.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace govbus::bench {

using SteadyClock = std::chrono::steady_clock;

// The first UUID in a message is its header id, in both encodings.
inline std::string first_uuid(const std::string& s) {
    for (std::size_t i = 0; i + 36 <= s.size(); ++i) {
        if (s[i + 8] == '-' && s[i + 13] == '-' && s[i + 18] == '-' && s[i + 23] == '-' &&
            std::isxdigit(static_cast<unsigned char>(s[i])) && std::isxdigit(static_cast<unsigned char>(s[i + 35])))
            return s.substr(i, 36);
    }
    return {};
}

struct Figures {
    double per_second = 0, p50_ms = 0, p99_ms = 0;
    long delivered = 0;
};

// Thread-safe: senders call sent(), receivers arrived(); a repeat arrival
// (a redelivery) is counted once.
class Arrivals {
public:
    void sent(const std::string& id) {
        std::lock_guard lock(mutex_);
        sent_at_[id] = SteadyClock::now();
        if (!started_) start_ = SteadyClock::now(), started_ = true;
    }
    void arrived(const std::string& bytes) {
        const auto now = SteadyClock::now();
        std::lock_guard lock(mutex_);
        auto it = sent_at_.find(first_uuid(bytes));
        if (it == sent_at_.end() || !seen_.insert(it->first).second) return;
        latency_.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
        last_ = now;
    }
    std::size_t count() {
        std::lock_guard lock(mutex_);
        return latency_.size();
    }
    // Waits until `expected` arrived or `timeout` passed; the rate is over first send to last arrival.
    Figures wait(std::size_t expected, std::chrono::seconds timeout) {
        const auto deadline = SteadyClock::now() + timeout;
        while (count() < expected && SteadyClock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::lock_guard lock(mutex_);
        Figures f;
        f.delivered = static_cast<long>(latency_.size());
        if (latency_.empty()) return f;
        f.per_second = static_cast<double>(latency_.size()) / std::chrono::duration<double>(last_ - start_).count();
        std::vector<double> sorted = latency_;
        std::sort(sorted.begin(), sorted.end());
        f.p50_ms = sorted[sorted.size() / 2];
        f.p99_ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
        return f;
    }

private:
    std::mutex mutex_;
    std::map<std::string, SteadyClock::time_point> sent_at_;
    std::set<std::string> seen_;
    std::vector<double> latency_;
    SteadyClock::time_point start_{}, last_{};
    bool started_ = false;
};

}  // namespace govbus::bench
