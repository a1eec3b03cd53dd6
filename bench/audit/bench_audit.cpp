// bench_audit: how fast the exchange log takes records (group commit through
// the writer thread), and how long auditors wait for search, stats and verify
// on a log of a million records.
//   bench_audit [--records N] [--dir DIR] [--sync full|normal]   (default 1000000, a temp directory, full)
#include "audit/exchange_log.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

using namespace govbus;
using namespace govbus::audit;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

// A throw-away EC P-256 node key and self-signed certificate.
void make_key(const std::string& key_path, const std::string& cert_path) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                                                           EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    X509_set_version(x.get(), 2);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400L * 365);
    X509_set_pubkey(x.get(), key.get());
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("bench-node"), -1, -1, 0);
    X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
    X509_sign(x.get(), key.get(), EVP_sha256());
    std::unique_ptr<FILE, decltype(&std::fclose)> k(std::fopen(key_path.c_str(), "w"), std::fclose);
    PEM_write_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::unique_ptr<FILE, decltype(&std::fclose)> c(std::fopen(cert_path.c_str(), "w"), std::fclose);
    PEM_write_X509(c.get(), x.get());
}

const char* kEndpoints[] = {"cd.market", "cd.tax", "cd.police", "my.market", "sc.portal", "cd.health", "cd.civil", "my.tax"};
const char* kTypes[] = {"case.apply", "case.accept", "case.process", "case.result", "data.query", "data.reply"};
const char* kRegions[] = {"510100", "510700", "510104", "510000"};

Event event_for(int i) {
    Event e;
    int m = i / 4;  // four events per message: received, accepted, routed, delivered
    static const EventKind kinds[] = {EventKind::received, EventKind::accepted, EventKind::routed, EventKind::delivered};
    e.kind = kinds[i % 4];
    if (m % 50 == 7 && e.kind == EventKind::delivered) {
        e.kind = EventKind::rejected;
        e.reason_code = "signature.bad";
        e.reason_text = "signature does not verify";
    }
    e.message_id = "m-" + std::to_string(m);
    e.case_number = "C-" + std::to_string(m / 3);
    e.type = kTypes[m % 6];
    e.source = "sc.portal";
    e.destination = kEndpoints[m % 8];
    e.region = kRegions[m % 4];
    e.size = 1024 + (m % 4096);
    e.digest_alg = "sha256";
    e.digest_hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    if (e.kind != EventKind::received) e.latency_ms = 5 + (m * 7) % 200;
    return e;
}

}  // namespace

int main(int argc, char** argv) {
    int records = 1000000;
    bool power_loss_safe = true;
    std::string dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--records") records = std::stoi(argv[i + 1]);
        else if (a == "--dir") dir = argv[i + 1];
        else if (a == "--sync") power_loss_safe = std::string(argv[i + 1]) != "normal";
    }
    bool temp = dir.empty();
    if (temp) dir = (std::filesystem::temp_directory_path() / ("bench-audit-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    std::string key = dir + "/node.key", cert = dir + "/node.crt", path = dir + "/exchange.db";
    std::filesystem::remove(path);
    make_key(key, cert);

    // Times advance 50 ms per record so the log spans days (1M records: ~14 hours of traffic).
    auto clock = std::make_shared<ManualClock>(*parse_rfc3339("2026-10-05T00:00:00+08:00"));
    Options o;
    o.node_id = "bench-node";
    o.signing_key_path = key;
    o.certificate_path = cert;
    o.checkpoint_every = 1000;
    o.clock = clock;
    o.power_loss_safe = power_loss_safe;
    auto start = Steady::now();
    {
        auto log = ExchangeLog::open(path, o);
        if (!log) {
            std::cerr << log.problem().to_string() << "\n";
            return 1;
        }
        for (int i = 0; i < records; ++i) {
            Event e = event_for(i);
            e.time = clock->now() + std::chrono::milliseconds(50LL * i);
            (*log)->record(std::move(e));
        }
        auto queued = seconds_since(start);
        if (!(*log)->flush().ok()) return 1;
        auto total = seconds_since(start);
        std::printf("| append %d records (record() calls) | %.2f s | %.0f records/s queued |\n", records, queued,
                    records / queued);
        std::printf("| append %d records, committed (flush), synchronous=%s | %.2f s | %.0f records/s |\n", records,
                    power_loss_safe ? "FULL" : "NORMAL", total, records / total);
    }
    std::printf("| log file size | %.1f MB | |\n", std::filesystem::file_size(path) / 1e6);

    auto reader = LogReader::open(path);
    auto time_query = [&](const char* what, Query q) {
        auto t = Steady::now();
        auto n = reader->search(q).size();
        std::printf("| search %s | %.3f s | %zu records |\n", what, seconds_since(t), n);
    };
    Query by_case;
    by_case.case_number = "C-4242";
    time_query("--case C-4242", by_case);
    Query by_reason;
    by_reason.reason = "signature.bad";
    time_query("--reason signature.bad", by_reason);
    Query by_endpoint;
    by_endpoint.endpoint = "cd.tax";
    by_endpoint.from_ms = *parse_time_bound("2026-10-05T06:00:00+08:00");
    by_endpoint.to_ms = *parse_time_bound("2026-10-05T07:00:00+08:00");
    time_query("--endpoint cd.tax, one hour", by_endpoint);
    Query by_endpoint_all;
    by_endpoint_all.endpoint = "cd.tax";
    time_query("--endpoint cd.tax (all)", by_endpoint_all);

    for (auto [group, name] : {std::pair{StatsGroup::endpoint, "endpoint"}, std::pair{StatsGroup::type, "type"}}) {
        auto t = Steady::now();
        auto rows = compute_stats(*reader, group, StatsPeriod::hour, std::nullopt, std::nullopt);
        std::printf("| stats --by %s --period hour (all records) | %.2f s | %zu rows |\n", name, seconds_since(t),
                    rows.size());
    }
    auto t = Steady::now();
    auto rep = verify_log(path);
    std::printf("| verify (chain + %lld checkpoint signatures) | %.2f s | %s |\n",
                static_cast<long long>(rep ? rep->checkpoints : 0), seconds_since(t),
                rep && rep->ok() ? "intact" : "BROKEN");
    if (temp) std::filesystem::remove_all(dir);
    return rep && rep->ok() ? 0 : 1;
}
