// AMQP 1.0 dispositions with an error condition (AMQP 1.0 §3.4.2 "rejected"
// carries an error with a symbolic name and a description). Proton C++ offers
// delivery::reject() without a condition and no accessor for the remote one,
// so these reach the underlying pn_delivery_t. govbus condition names are
// "govbus:<reason code>".
#pragma once

#include <proton/delivery.hpp>
#include <proton/tracker.hpp>

#include <string>

namespace govbus::amqp {

// Rejects and settles `d` with condition `name` and `description`.
void reject(proton::delivery& d, const std::string& name, const std::string& description);

struct RemoteCondition {
    std::string name;
    std::string description;
};
// The error condition the peer attached to its disposition of `t` (empty when none).
RemoteCondition remote_condition(const proton::tracker& t);

}  // namespace govbus::amqp
