// A small two-node scenario for the query, trace and CLI tests: a province
// node and a city node log the same cases as they pass them on.
#pragma once

#include "audit/exchange_log.hpp"
#include "test_node_keys.hpp"

namespace govbus::audit::testing {

struct TwoNodeLogs {
    TempDir dir;
    NodeKeyFiles province_keys = make_node_key(dir, "province-510000");
    NodeKeyFiles city_keys = make_node_key(dir, "city-510100");
    std::string province = dir.file("province.db");
    std::string city = dir.file("city.db");

    // Case C-1: portal -> province (routed after 10 ms) -> city (received 15 ms later) -> market bureau
    // (delivered 45 ms after the city's receipt; the province's delivery is logged at 40 ms).
    // Case C-2: rejected at the province for a bad signature. Cases C-3..C-12: delivered at the province.
    explicit TwoNodeLogs(const char* start = "2026-10-05T09:00:00+08:00") {
        auto t0 = *parse_rfc3339(start);
        auto open = [&](const std::string& path, const std::string& node, const NodeKeyFiles& k) {
            Options o;
            o.node_id = node;
            o.signing_key_path = k.key;
            o.certificate_path = k.cert;
            o.checkpoint_every = 5;
            o.clock = std::make_shared<ManualClock>(t0);
            return std::move(*ExchangeLog::open(path, o));
        };
        auto p = open(province, "province-510000", province_keys);
        auto c = open(city, "city-510100", city_keys);
        auto ev = [&](EventKind k, const char* msg, const char* cs, const char* from, const char* to, int at_ms,
                      std::optional<std::int64_t> latency = std::nullopt) {
            Event e;
            e.kind = k;
            e.message_id = msg;
            e.case_number = cs;
            e.type = "case.apply";
            e.source = from;
            e.destination = to;
            e.region = "510100";
            e.size = 2048;
            e.latency_ms = latency;
            e.time = t0 + std::chrono::milliseconds(at_ms);
            return e;
        };
        // As nodes log it: the province routes to "node:city-510100" and logs
        // the delivery once the city has accepted, after the city's receipt.
        p->record(ev(EventKind::received, "m-1", "C-1", "sc.portal", "", 0));
        p->record(ev(EventKind::accepted, "m-1", "C-1", "sc.portal", "", 5, 5));
        p->record(ev(EventKind::routed, "m-1", "C-1", "sc.portal", "node:city-510100", 10, 10));
        c->record(ev(EventKind::received, "m-1", "C-1", "sc.portal", "", 25));
        c->record(ev(EventKind::routed, "m-1", "C-1", "sc.portal", "endpoint:cd.market", 30));
        p->record(ev(EventKind::delivered, "m-1", "C-1", "sc.portal", "node:city-510100", 40, 40));
        c->record(ev(EventKind::delivered, "m-1", "C-1", "sc.portal", "endpoint:cd.market", 70, 45));
        auto bad = ev(EventKind::rejected, "m-2", "C-2", "sc.portal", "", 100);
        bad.reason_code = "signature.bad";
        bad.reason_text = "signature of 13812345678's application does not verify";
        p->record(ev(EventKind::received, "m-2", "C-2", "sc.portal", "", 90));
        p->record(bad);
        for (int i = 3; i <= 12; ++i) {
            std::string m = "m-" + std::to_string(i), cs = "C-" + std::to_string(i);
            int at = 3600000 * (i % 2) + 1000 * i;  // two hours
            p->record(ev(EventKind::received, m.c_str(), cs.c_str(), "sc.portal", "", at));
            p->record(
                ev(EventKind::delivered, m.c_str(), cs.c_str(), "sc.portal", "endpoint:cd.tax", at + 10 * i, 10 * i));
        }
        p->flush();
        c->flush();
    }
};

}  // namespace govbus::audit::testing
