#include "bus/node/amqp_disposition.hpp"

#include <proton/condition.h>
#include <proton/delivery.h>
#include <proton/disposition.h>

// Proton C++ declares internal::factory<T> a friend of its wrappers and keeps
// the definition private. These specialisations use their own member names,
// so nothing clashes with the library's; they only reach the raw pointer.
namespace proton::internal {
template <>
class factory<proton::delivery> {
public:
    static pn_delivery_t* raw_delivery(const proton::delivery& d) { return d.pn_object(); }
};
template <>
class factory<proton::tracker> {
public:
    static pn_delivery_t* raw_delivery(const proton::tracker& t) { return t.pn_object(); }
};
}  // namespace proton::internal

namespace govbus::amqp {

void reject(proton::delivery& d, const std::string& name, const std::string& description) {
    pn_delivery_t* raw = proton::internal::factory<proton::delivery>::raw_delivery(d);
    if (!raw) return;
    pn_condition_t* cond = pn_disposition_condition(pn_delivery_local(raw));
    pn_condition_set_name(cond, name.c_str());
    pn_condition_set_description(cond, description.c_str());
    pn_delivery_update(raw, PN_REJECTED);
    pn_delivery_settle(raw);
}

RemoteCondition remote_condition(const proton::tracker& t) {
    RemoteCondition out;
    pn_delivery_t* raw = proton::internal::factory<proton::tracker>::raw_delivery(t);
    if (!raw) return out;
    pn_condition_t* cond = pn_disposition_condition(pn_delivery_remote(raw));
    if (!cond || !pn_condition_is_set(cond)) return out;
    if (const char* n = pn_condition_get_name(cond)) out.name = n;
    if (const char* d = pn_condition_get_description(cond)) out.description = d;
    return out;
}

}  // namespace govbus::amqp
