// Capped exponential backoff with optional jitter.
#include "bus/journal/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace govbus {

BackoffPolicy::BackoffPolicy(BackoffOptions options)
    : options_(options), random_(options.seed != 0 ? options.seed : std::random_device{}()) {
    options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
    options_.factor = std::max(options_.factor, 1.0);
}

std::chrono::milliseconds BackoffPolicy::delay(int failures) {
    const double cap = static_cast<double>(options_.cap.count());
    double d = static_cast<double>(options_.initial.count()) *
               std::pow(options_.factor, static_cast<double>(std::max(failures, 1) - 1));
    // pow overflows to inf for large failure counts; min() brings it back to the cap.
    d = std::min(d, cap);
    if (options_.jitter > 0.0) {
        std::lock_guard lock(mutex_);
        std::uniform_real_distribution<double> take(0.0, options_.jitter);
        d -= d * take(random_);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(d)));
}

}  // namespace govbus
