// When a failed delivery is tried again: capped exponential backoff with
// optional jitter, seeded so tests are deterministic.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace govbus {

struct BackoffOptions {
    std::chrono::milliseconds initial{1000};  // delay after the first failure
    double factor = 2.0;                      // growth per further failure
    std::chrono::milliseconds cap{60000};     // no delay is longer than this
    // Fraction of each delay that is random, 0 (none) .. 1: the delay is drawn
    // from [d*(1-jitter), d]. Spreads retries of many deliveries to one peer
    // that came back, so they do not all arrive in the same second.
    double jitter = 0.0;
    std::uint64_t seed = 0;  // jitter's random seed; 0 picks one from the system
};

class BackoffPolicy {
public:
    explicit BackoffPolicy(BackoffOptions options);

    // The delay before the next attempt after `failures` failed attempts (>= 1):
    // min(cap, initial * factor^(failures-1)), less jitter. Thread-safe.
    std::chrono::milliseconds delay(int failures);

    const BackoffOptions& options() const { return options_; }

private:
    BackoffOptions options_;
    std::mutex mutex_;
    std::mt19937_64 random_;
};

}  // namespace govbus
