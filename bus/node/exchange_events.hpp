// What the node tells the exchange log. bus/ knows only this interface; the
// program (tools/govbusd) connects it to audit/ (DESIGN.md: every stage writes
// its outcome to the exchange log).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace govbus {

struct ExchangeEvent {
    std::string event;  // received, rejected, accepted, routed, delivered, retried, expired, dead_lettered,
                        // replayed, dropped
    std::string message_id;
    std::string case_number;
    std::string type;
    std::string source;
    std::string destination;
    std::string region;
    std::string suite;          // "intl" / "gm": picks the digest algorithm
    std::string_view raw;       // the message as received (for its digest), valid during record(); may be empty
    std::int64_t size = 0;
    std::string reason_code;
    std::string reason_text;
    std::int64_t latency_ms = -1;  // since this node received the message, when known
};

class ExchangeEvents {
public:
    virtual ~ExchangeEvents() = default;
    // Called from any node thread; must not block for long.
    virtual void record(const ExchangeEvent& event) = 0;
};

}  // namespace govbus
