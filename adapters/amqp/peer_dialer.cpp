#include "adapters/amqp/peer_dialer.hpp"

#include "bus/core/log.hpp"

#include <proton/duration.hpp>
#include <proton/error.hpp>

namespace govbus::amqp {

namespace {
constexpr std::chrono::milliseconds kFirstDelay{100};
}

PeerDialer::PeerDialer(proton::container& container, std::string destination, std::string url,
                       proton::connection_options options, std::chrono::milliseconds max_delay, MakeConnection make)
    : container_(container),
      destination_(std::move(destination)),
      url_(std::move(url)),
      options_(std::move(options)),
      max_delay_(max_delay),
      make_(std::move(make)) {}

void PeerDialer::dial() {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    AmqpConnection& handler = make_(destination_, [this](bool opened) { closed(opened); });
    proton::connection_options options(options_);
    options.handler(handler);
    try {
        container_.connect(url_, options);
    } catch (const proton::error& e) {
        // The container is stopping, or the url is unusable; the latter is
        // retried so an operator sees the warning repeat.
        GOVBUS_LOG(warn, "amqp: cannot dial " << destination_ << " at " << url_ << ": " << e.what());
        if (!stopped_) {
            container_.schedule(proton::duration(delay_.count()), [this] { dial(); });
            delay_ = std::min(delay_ * 2, max_delay_);
        }
    }
}

void PeerDialer::closed(bool opened) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    if (opened) delay_ = kFirstDelay;
    GOVBUS_LOG(info, "amqp: " << destination_ << " at " << url_ << " unreachable; dialling again in " << delay_.count()
                              << " ms");
    container_.schedule(proton::duration(delay_.count()), [this] { dial(); });
    delay_ = std::min(delay_ * 2, max_delay_);
}

void PeerDialer::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
}

}  // namespace govbus::amqp
