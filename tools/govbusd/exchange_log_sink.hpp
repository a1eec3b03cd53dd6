// Connects the node's exchange events (bus/node/exchange_events.hpp) to the
// exchange log (audit/): every pipeline outcome becomes a hash-chained record.
#pragma once

#include "audit/exchange_log.hpp"
#include "bus/node/exchange_events.hpp"

#include <memory>

namespace govbus {

class ExchangeLogSink final : public ExchangeEvents {
public:
    explicit ExchangeLogSink(std::unique_ptr<audit::ExchangeLog> log) : log_(std::move(log)) {}
    void record(const ExchangeEvent& event) override;
    audit::ExchangeLog& log() { return *log_; }

private:
    std::unique_ptr<audit::ExchangeLog> log_;
};

}  // namespace govbus
