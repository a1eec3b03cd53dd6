// bench_node: messages/s and p50/p99 latency through one govbus node, JSON and
// XML, 1 KiB and 64 KiB, side by side with a bare Proton relay (receive and
// forward, no journal, no routing) in the same run. The node is a real
// govbusd process with its own journal; sender and receiver are endpoints.
// A second relay keeps each message in SQLite before forwarding it (the
// durable relay): what durability alone costs, beside the node.
//
//   bench_node [--messages N] [--rounds R] [--warmup W] [--window W] [--rate R] [--out FILE]
//              [--only SCENARIO] [--node-only]
//
// Each scenario first sends --warmup messages, unmeasured, through every
// target (a node's caches and heap grow in its first seconds), then runs
// --rounds rounds in which the targets take turns with the same messages;
// the table gives the medians over the rounds, and the node's ratio to the
// relay in each round, since the machine's speed drifts between them.
// --only json-1k|json-64k|xml-1k|xml-64k runs one scenario; --node-only
// drives the logged node alone (no relay, no unlogged node): both are for
// profiling one path with perf, not for the table. The window is also the
// link credit the node and the relay grant the sender, so neither caps the
// messages in flight below it. --rate offers R messages a second instead of
// as many as the window lets through: the latency of a node that keeps up.
#include "bench/common/arrivals.hpp"
#include "bench/node/bare_relay.hpp"
#include "bus/codec/codec.hpp"
#include "bus/core/uuid.hpp"
#include "tools/common/bus_client.hpp"
#include "tools/common/child_process.hpp"
#include "tools/common/node_key.hpp"
#include "tools/common/sample_messages.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <unistd.h>
#include <set>

namespace fs = std::filesystem;
using namespace govbus;
using bench::SteadyClock;
using bench::Figures;
using bench::first_uuid;

namespace {

// Sends every message, at most `window` unanswered at a time and, with a
// rate, no faster than `rate` a second (an offered load, for latency below
// saturation); 0: as fast as the window allows.
Figures drive(const std::string& url, const std::vector<std::pair<std::string, std::string>>& messages,
              const std::string& content_type, std::size_t window, double rate = 0) {
    std::mutex m;
    std::map<std::string, SteadyClock::time_point> sent_at;
    std::vector<double> latency;
    tools::BusClient receiver({url, "bench.receiver", true, 500, {}, {}, {}},
                              [&](const std::string& bytes, const std::string&) -> Status {
                                  auto now = SteadyClock::now();
                                  std::lock_guard lock(m);
                                  auto it = sent_at.find(first_uuid(bytes));
                                  if (it != sent_at.end())
                                      latency.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
                                  return ok_status();
                              });
    tools::BusClient sender({url, "bench.sender", false, 0, {}, {}, {}});
    if (!receiver.connect(std::chrono::seconds(20)) || !sender.connect(std::chrono::seconds(20))) {
        std::cerr << "bench_node: cannot connect to " << url << "\n";
        return {};
    }
    auto start = SteadyClock::now();
    std::deque<std::future<tools::SendOutcome>> in_flight;
    long refused = 0;
    std::size_t n = 0;
    for (const auto& [id, bytes] : messages) {
        if (rate > 0)
            std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                                      std::chrono::duration<double>(static_cast<double>(n) / rate)));
        ++n;
        {
            std::lock_guard lock(m);
            sent_at[id] = SteadyClock::now();
        }
        in_flight.push_back(sender.send(bytes, content_type));
        while (in_flight.size() >= window) {
            if (!in_flight.front().get().accepted) ++refused;
            in_flight.pop_front();
        }
    }
    for (auto& f : in_flight)
        if (!f.get().accepted) ++refused;
    auto deadline = SteadyClock::now() + std::chrono::seconds(120);
    while (SteadyClock::now() < deadline) {
        {
            std::lock_guard lock(m);
            if (latency.size() + refused >= messages.size()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    double secs = std::chrono::duration<double>(SteadyClock::now() - start).count();
    sender.close();
    receiver.close();
    std::lock_guard lock(m);
    if (refused) std::cerr << "bench_node: " << refused << " messages refused at " << url << "\n";
    Figures f;
    f.delivered = static_cast<long>(latency.size());
    f.per_second = static_cast<double>(latency.size()) / secs;
    std::sort(latency.begin(), latency.end());
    if (!latency.empty()) {
        f.p50_ms = latency[latency.size() / 2];
        f.p99_ms = latency[std::min(latency.size() - 1, latency.size() * 99 / 100)];
    }
    return f;
}

// One round of a scenario: every target carries the same messages in turn.
struct Round {
    Figures relay, node, unlogged, durable;
    double node_cpu_us = 0, driver_cpu_us = 0, relay_run_cpu_us = 0;
};

// The median of `of(round)` over the rounds (the mean of the middle two for an even count).
template <class Of>
double median(const std::vector<Round>& rounds, Of of) {
    std::vector<double> v;
    for (const auto& r : rounds) v.push_back(of(r));
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;  // fields 3..13
    double utime = 0, stime = 0;
    fields >> utime >> stime;                       // fields 14 and 15, in clock ticks
    return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// One node: a route table that delivers every case.apply to bench.receiver.
std::string write_node(const fs::path& dir, int port, std::size_t credit) {
    fs::create_directories(dir);
    std::ofstream(dir / "endpoints.yaml") << "endpoints:\n"
                                              "  - { id: bench.sender, region: \"510100\", send: [case.apply], receive: [] }\n"
                                              "  - { id: bench.receiver, region: \"510100\", send: [], receive: [case.apply] }\n";
    std::ofstream(dir / "routes.yaml") << "version: 1\nrules:\n  - name: all-to-receiver\n    match: { type: case.apply }\n"
                                           "    actions: { deliver: bench.receiver }\n";
    auto key = tools::make_node_key((dir / "pki").string(), "city-510100");
    std::ofstream(dir / "node.yaml") << "node: { id: city-510100, level: city, region: \"510100\", data_dir: data, key: "
                                     << key.key << ", cert: " << key.cert << " }\n"
                                        "routes: routes.yaml\nendpoints: endpoints.yaml\n"
                                        "adapters:\n  amqp: { listen: \"127.0.0.1:"
                                     << port << "\", plain: true, credit: " << credit << " }\nlog_level: warn\n";
    return (dir / "node.yaml").string();
}

std::string sibling(const std::string& name) {
    fs::path self = fs::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path().parent_path() / "tools" / name / name).string();
}

}  // namespace

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    std::size_t count = 2000, window = 200, warmup = 2000;
    int round_count = 3;
    double rate = 0;
    std::string out, only, ids = "time";
    bool node_only = false;
    po::options_description opts("bench_node");
    opts.add_options()("help", "this text")("messages", po::value(&count), "messages per scenario and round")(
        "rounds", po::value(&round_count), "rounds per scenario, the targets taking turns; the table gives medians")(
        "warmup", po::value(&warmup), "messages each target carries, unmeasured, before a scenario's rounds")(
        "window", po::value(&window), "messages in flight")(
        "rate", po::value(&rate), "messages a second offered (0: as many as the window lets through)")(
        "out", po::value(&out), "append the table to this file")("only", po::value(&only),
                                                                 "one scenario: json-1k, json-64k, xml-1k or xml-64k")(
        "node-only", po::bool_switch(&node_only), "drive only the node with its exchange log")(
        "ids", po::value(&ids),
        "message ids: time (version 7, as govbus makes them) or random (version 4, as some senders do)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "bench_node: " << e.what() << "\n" << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts;
        return 0;
    }
    const std::set<std::string> scenarios{"json-1k", "json-64k", "xml-1k", "xml-64k"};
    if (!only.empty() && !scenarios.count(only)) {
        std::cerr << "bench_node: --only must be one of json-1k, json-64k, xml-1k, xml-64k, not '" << only << "'\n";
        return 2;
    }
    if (round_count < 1) {
        std::cerr << "bench_node: --rounds must be 1 or more, not " << round_count << "\n";
        return 2;
    }
    if (rate < 0) {
        std::cerr << "bench_node: --rate must be 0 or more messages a second, not " << rate << "\n";
        return 2;
    }
    if (ids != "time" && ids != "random") {
        std::cerr << "bench_node: --ids must be time or random, not '" << ids << "'\n";
        return 2;
    }

    codec::Codec codec;
    fs::path dir = fs::temp_directory_path() / ("govbus-bench-node-" + std::to_string(::getpid()));
    int node_port = tools::free_port(), bare_port = tools::free_port(), relay_port = tools::free_port(),
        durable_port = tools::free_port();
    std::string config = write_node(dir / "logged", node_port, window);
    std::string bare_config = write_node(dir / "unlogged", bare_port, window);
    tools::ChildProcess node({sibling("govbusd"), "--config", config}, (dir / "node.log").string());
    // The same node without its exchange log, to measure what the log costs.
    tools::ChildProcess unlogged({sibling("govbusd"), "--config", bare_config, "--benchmark-without-exchange-log"},
                                 (dir / "unlogged.log").string());
    if (!tools::wait_for_port(node_port, std::chrono::seconds(20)) ||
        !tools::wait_for_port(bare_port, std::chrono::seconds(20))) {
        std::cerr << "bench_node: govbusd did not start; see " << dir << "\n";
        return 1;
    }
    bench::BareRelay relay(relay_port, static_cast<int>(window));
    bench::BareRelay durable(durable_port, static_cast<int>(window), (dir / "relay-store.db").string());
    tools::wait_for_port(relay_port, std::chrono::seconds(5));
    tools::wait_for_port(durable_port, std::chrono::seconds(5));

    std::ostringstream table;
    table << "| encoding | payload | relay msg/s | node msg/s | node/relay | node/relay by round | "
             "node without log msg/s | log on/off | durable relay msg/s | durable/relay | node/durable | "
             "relay p50/p99 ms | node p50/p99 ms | node CPU µs/msg | driver CPU µs/msg, relay run / node run |\n"
          << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    int seq = 1;
    for (std::string ct : {"application/json", "application/xml"}) {
        for (std::size_t padding : {std::size_t(0), std::size_t(63 * 1024)}) {
            std::string name = std::string(ct == "application/xml" ? "xml" : "json") + (padding ? "-64k" : "-1k");
            if (!only.empty() && only != name) continue;
            // Fresh messages for every drive: a node drops a message id it has
            // seen, so no two rounds may send the same ones.
            auto make_messages = [&](std::size_t n) {
                std::vector<std::pair<std::string, std::string>> messages;
                for (std::size_t i = 0; i < n; ++i) {
                    tools::CaseRequest r;
                    r.source = "bench.sender";
                    r.sequence = seq++;
                    r.form_padding = padding;
                    Envelope e = tools::make_case_apply(r);
                    e.content_type = ct;
                    if (ids == "random") e.id = new_random_uuid();
                    messages.emplace_back(e.id, tools::encode(codec, e));
                }
                return messages;
            };
            const std::string relay_url = "amqp://127.0.0.1:" + std::to_string(relay_port),
                              node_url = "amqp://127.0.0.1:" + std::to_string(node_port),
                              unlogged_url = "amqp://127.0.0.1:" + std::to_string(bare_port),
                              durable_url = "amqp://127.0.0.1:" + std::to_string(durable_port);
            std::vector<std::string> targets{node_url};
            if (!node_only) targets = {relay_url, node_url, unlogged_url, durable_url};
            if (warmup > 0)
                for (const auto& url : targets) drive(url, make_messages(warmup), ct, window);
            std::size_t size = 0;
            std::vector<Round> rounds;
            for (int k = 0; k < round_count; ++k) {
                const auto messages = make_messages(count);
                size = messages.front().second.size();
                Round r;
                // CPU per message of this process (the sender, the receiver and,
                // in the relay's run, the relay) and of the node.
                auto per_message_us = [&](double before, double after) {
                    return (after - before) * 1e6 / static_cast<double>(count);
                };
                if (!node_only) {
                    const double before = cpu_seconds(::getpid());
                    r.relay = drive(relay_url, messages, ct, window, rate);
                    r.relay_run_cpu_us = per_message_us(before, cpu_seconds(::getpid()));
                }
                const double cpu_before = cpu_seconds(node.pid()), own_before = cpu_seconds(::getpid());
                r.node = drive(node_url, messages, ct, window, rate);
                r.node_cpu_us = per_message_us(cpu_before, cpu_seconds(node.pid()));
                r.driver_cpu_us = per_message_us(own_before, cpu_seconds(::getpid()));
                if (!node_only) {
                    r.unlogged = drive(unlogged_url, messages, ct, window, rate);
                    r.durable = drive(durable_url, messages, ct, window, rate);
                }
                rounds.push_back(r);
                std::cerr << "." << std::flush;
            }
            auto ratio = [](const Figures& a, const Figures& b) { return b.per_second > 0 ? a.per_second / b.per_second : 0; };
            auto mid = [&](auto of) { return median(rounds, of); };
            std::ostringstream by_round;
            by_round << std::fixed << std::setprecision(2);
            for (std::size_t k = 0; k < rounds.size(); ++k) by_round << (k ? " " : "") << ratio(rounds[k].node, rounds[k].relay);
            table << std::fixed << std::setprecision(0) << "| " << (ct == "application/xml" ? "XML" : "JSON") << " | "
                  << (size < 4096 ? std::to_string(size) + " B" : std::to_string(size / 1024) + " KiB") << " | "
                  << mid([](const Round& r) { return r.relay.per_second; }) << " | "
                  << mid([](const Round& r) { return r.node.per_second; }) << " | " << std::setprecision(2)
                  << mid([&](const Round& r) { return ratio(r.node, r.relay); }) << " | " << by_round.str() << " | "
                  << std::setprecision(0) << mid([](const Round& r) { return r.unlogged.per_second; }) << " | "
                  << std::setprecision(2) << mid([&](const Round& r) { return ratio(r.node, r.unlogged); }) << " | "
                  << std::setprecision(0) << mid([](const Round& r) { return r.durable.per_second; }) << " | "
                  << std::setprecision(2) << mid([&](const Round& r) { return ratio(r.durable, r.relay); }) << " | "
                  << mid([&](const Round& r) { return ratio(r.node, r.durable); }) << " | " << std::setprecision(1)
                  << mid([](const Round& r) { return r.relay.p50_ms; }) << " / "
                  << mid([](const Round& r) { return r.relay.p99_ms; }) << " | "
                  << mid([](const Round& r) { return r.node.p50_ms; }) << " / "
                  << mid([](const Round& r) { return r.node.p99_ms; }) << " | " << std::setprecision(0)
                  << mid([](const Round& r) { return r.node_cpu_us; }) << " | "
                  << mid([](const Round& r) { return r.relay_run_cpu_us; }) << " / "
                  << mid([](const Round& r) { return r.driver_cpu_us; }) << " |\n";
        }
    }
    std::cerr << "\n";
    std::cout << table.str();
    if (!out.empty()) std::ofstream(out, std::ios::app) << table.str();
    node.stop();
    unlogged.stop();
    fs::remove_all(dir);
    return 0;
}
