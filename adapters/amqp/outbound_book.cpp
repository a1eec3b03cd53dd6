#include "adapters/amqp/outbound_book.hpp"

namespace govbus::amqp {

std::uint64_t OutboundBook::open_link(const std::string& destination, AmqpConnection* connection,
                                      std::shared_ptr<Mailbox> mailbox) {
    std::lock_guard lock(mutex_);
    auto id = next_id_++;
    links_[id] = Link{destination, connection, std::move(mailbox), 0, 0};
    return id;
}

void OutboundBook::set_credit(std::uint64_t link, int credit) {
    std::lock_guard lock(mutex_);
    if (auto it = links_.find(link); it != links_.end()) it->second.credit = credit;
}

void OutboundBook::unclaim(std::uint64_t link, int credit) {
    std::lock_guard lock(mutex_);
    if (auto it = links_.find(link); it != links_.end()) {
        if (it->second.claimed > 0) --it->second.claimed;
        it->second.credit = credit;
    }
}

std::vector<DeliveryDone> OutboundBook::close_link(std::uint64_t link) {
    std::vector<DeliveryDone> lost;
    std::lock_guard lock(mutex_);
    links_.erase(link);
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.link == link) {
            lost.push_back(std::move(it->second.done));
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    return lost;
}

std::vector<DeliveryDone> OutboundBook::close_all() {
    std::vector<DeliveryDone> lost;
    std::lock_guard lock(mutex_);
    links_.clear();
    for (auto& [key, p] : pending_) lost.push_back(std::move(p.done));
    pending_.clear();
    return lost;
}

std::string OutboundBook::destination_of(std::uint64_t link) const {
    std::lock_guard lock(mutex_);
    auto it = links_.find(link);
    return it == links_.end() ? std::string() : it->second.destination;
}

std::size_t OutboundBook::capacity(const std::string& destination) const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& [id, l] : links_)
        if (l.destination == destination) total += static_cast<std::size_t>(l.free());
    return total;
}

std::optional<OutboundBook::Claim> OutboundBook::claim(const std::string& destination, DeliveryDone& done) {
    std::lock_guard lock(mutex_);
    std::vector<std::map<std::uint64_t, Link>::iterator> candidates;
    for (auto it = links_.begin(); it != links_.end(); ++it)
        if (it->second.destination == destination && it->second.free() > 0) candidates.push_back(it);
    if (candidates.empty()) return std::nullopt;
    // Most free credit wins; among equals the rotating turn decides, so
    // several links of one endpoint share the deliveries.
    auto start = turn_++ % candidates.size();
    auto best = candidates[start];
    for (std::size_t i = 1; i < candidates.size(); ++i) {
        auto c = candidates[(start + i) % candidates.size()];
        if (c->second.free() > best->second.free()) best = c;
    }
    ++best->second.claimed;
    Claim claim{next_id_++, best->first, best->second.connection, best->second.mailbox};
    pending_[claim.key] = Pending{best->first, std::move(done)};
    return claim;
}

std::optional<DeliveryDone> OutboundBook::take(std::uint64_t key) {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(key);
    if (it == pending_.end()) return std::nullopt;
    auto done = std::move(it->second.done);
    pending_.erase(it);
    return done;
}

}  // namespace govbus::amqp
