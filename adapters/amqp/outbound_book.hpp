// The adapter's record of outgoing links and deliveries in flight, shared by
// node threads (capacity, deliver) and connection threads (credit, outcomes).
// It is what makes "every delivery gets exactly one DeliveryDone" hold: a
// pending delivery is taken out of the book exactly once, by its outcome, by
// its link's loss, or by a failed hand-over.
#pragma once

#include "adapters/amqp/mailbox.hpp"
#include "bus/node/adapter.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace govbus::amqp {

class AmqpConnection;

class OutboundBook {
public:
    // Where a claimed delivery goes: the link's connection and its mailbox.
    struct Claim {
        std::uint64_t key = 0;
        std::uint64_t link = 0;
        AmqpConnection* connection = nullptr;
        std::shared_ptr<Mailbox> mailbox;
    };

    // --- connection threads ---
    // A sending link to `destination` is open; returns its id.
    std::uint64_t open_link(const std::string& destination, AmqpConnection* connection,
                            std::shared_ptr<Mailbox> mailbox);
    // The link's credit as Proton reports it (after sends it made).
    void set_credit(std::uint64_t link, int credit);
    // A claimed delivery left the book's hands (sent or abandoned); `credit` as in set_credit.
    void unclaim(std::uint64_t link, int credit);
    // The link closed: forgets it and returns the outcomes still pending on it.
    std::vector<DeliveryDone> close_link(std::uint64_t link);
    std::string destination_of(std::uint64_t link) const;
    // Forgets every link and returns every pending outcome (after the container stopped).
    std::vector<DeliveryDone> close_all();

    // --- node threads ---
    // Credit free across the destination's links.
    std::size_t capacity(const std::string& destination) const;
    // Reserves one credit on the destination's link with the most free credit
    // and records `done`; nullopt (done untouched) when no link has credit.
    std::optional<Claim> claim(const std::string& destination, DeliveryDone& done);

    // --- any thread ---
    // Takes the outcome callback of a pending delivery, at most once.
    std::optional<DeliveryDone> take(std::uint64_t key);

private:
    struct Link {
        std::string destination;
        AmqpConnection* connection = nullptr;
        std::shared_ptr<Mailbox> mailbox;
        int credit = 0;   // Proton's view of the link credit
        int claimed = 0;  // claims handed to the connection but not yet sent
        int free() const { return credit > claimed ? credit - claimed : 0; }
    };
    struct Pending {
        std::uint64_t link = 0;
        DeliveryDone done;
    };

    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::uint64_t turn_ = 0;  // rotates the starting link so equal links share the load
    std::map<std::uint64_t, Link> links_;
    std::map<std::uint64_t, Pending> pending_;
};

}  // namespace govbus::amqp
