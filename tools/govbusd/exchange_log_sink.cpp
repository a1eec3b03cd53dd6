#include "tools/govbusd/exchange_log_sink.hpp"

#include "bus/core/log.hpp"

namespace govbus {

void ExchangeLogSink::record(const ExchangeEvent& e) {
    auto kind = audit::parse_event_kind(e.event);
    if (!kind) {
        GOVBUS_LOG(error, "exchange log: unknown event '" << e.event << "' for " << e.message_id);
        return;
    }
    audit::Event a;
    a.kind = *kind;
    a.message_id = e.message_id;
    a.case_number = e.case_number;
    a.type = e.type;
    a.source = e.source;
    a.destination = e.destination;
    a.region = e.region;
    a.size = e.size;
    a.suite = e.suite.empty() ? "intl" : e.suite;
    // The digest is of the message as received; later events of the same
    // message (routed, delivered) name it by id and carry no body. It is
    // taken here, on the calling (intake) thread, so the log's one writer
    // thread neither copies the message nor hashes it.
    if (!e.raw.empty()) {
        auto d = audit::message_digest(a.suite, e.raw);
        a.digest_alg = std::move(d.algorithm);
        a.digest_hex = std::move(d.hex);
        if (a.size == 0) a.size = static_cast<std::int64_t>(e.raw.size());
    }
    a.reason_code = e.reason_code;
    a.reason_text = e.reason_text;
    if (e.latency_ms >= 0) a.latency_ms = e.latency_ms;
    log_->record(std::move(a));
}

}  // namespace govbus
