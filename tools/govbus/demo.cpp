// govbus demo: a national node, the Sichuan provincial node (510000) and two
// city nodes (510100 Chengdu, 510700 Mianyang) on loopback, with simulated
// departments. The portal at the province pushes N cases down; each
// department accepts, processes and returns a result, which comes back up the
// path the case came down. Then a Chengdu window asks the national population
// library a question the city cannot answer. Ends with a table and stops
// every process it started.
#include "bus/codec/codec.hpp"
#include "tools/common/bus_client.hpp"
#include "tools/common/envelope_signer.hpp"
#include "tools/common/child_process.hpp"
#include "tools/common/sample_messages.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/command_options.hpp"
#include "tools/govbus/demo_topology.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace govbus::cli {

namespace po = boost::program_options;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct CaseTrack {
    SteadyClock::time_point sent;
    bool accepted = false, processed = false, resulted = false;
    double round_trip_ms = 0;
    int results = 0;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

int run(const std::vector<std::string>& args) {
    int cases = 1000, delay_ms = 20, timeout_s = 300;
    std::string dir;
    bool keep = false, plain = false;
    po::options_description opts("govbus demo options");
    opts.add_options()("help,h", "show this help")("cases,n", po::value(&cases)->default_value(1000), "cases to push down")(
        "delay-ms", po::value(&delay_ms)->default_value(20), "department think time between answers")(
        "dir", po::value(&dir), "run directory (default: ./demo-run)")(
        "timeout", po::value(&timeout_s)->default_value(300), "seconds to wait for all results")(
        "keep", po::bool_switch(&keep), "leave the nodes running until Enter is pressed")(
        "plain", po::bool_switch(&plain), "no PKI, TLS or signatures (to compare; the default is secure)");
    if (auto exit = parse_command_options("demo", args, opts)) return *exit;
    auto codec = std::make_unique<codec::Codec>();

    DemoTopology topo = make_demo_topology(dir.empty() ? "demo-run" : dir, !plain);
    std::cout << "govbus demo: 4 nodes on 127.0.0.1 (national :" << topo.port("national") << ", province-510000 :"
              << topo.port("province-510000") << ", city-510100 :" << topo.port("city-510100")
              << ", city-510700 :" << topo.port("city-510700") << "), run directory " << topo.dir << "\n";

    std::vector<tools::ChildProcess> nodes, departments;
    for (const auto& n : topo.nodes) {
        nodes.emplace_back(std::vector<std::string>{topo.govbusd, "--config", n.config}, topo.dir + "/" + n.id + ".log");
        if (!tools::wait_for_port(n.port, std::chrono::seconds(20))) {
            std::cerr << "govbus demo: node " << n.id << " did not start; see " << topo.dir << "/" << n.id << ".log\n";
            return 1;
        }
    }
    for (const auto& d : topo.departments) {
        std::vector<std::string> argv{topo.govbus, "dept-sim", "--endpoint", d.endpoint, "--delay-ms",
                                      std::to_string(delay_ms)};
        if (d.adapter == "http")
            argv.insert(argv.end(), {"--http", std::string(topo.secure ? "https://localhost:" : "http://127.0.0.1:") +
                                                   std::to_string(topo.http_port)});
        else if (d.adapter == "exchange-db")
            argv.insert(argv.end(), {"--exchange-db", topo.exchange_db});
        else
            argv.insert(argv.end(), {"--url", topo.url(d.node)});
        const DemoIdentity id = topo.identity(d.endpoint);
        if (topo.secure && d.adapter != "exchange-db")
            argv.insert(argv.end(), {"--ca", id.ca, "--cert", id.tls_cert, "--key", id.tls_key});
        if (topo.secure) argv.insert(argv.end(), {"--sign-key", id.sign_key, "--sign-cert", id.sign_cert});
        departments.emplace_back(argv, topo.dir + "/" + d.endpoint + ".log");
    }

    // The provincial portal: sends cases, collects what comes back.
    std::mutex mutex;
    std::map<std::string, CaseTrack> track;  // by case number
    auto on_portal_message = [&](const std::string& bytes, const std::string&) -> Status {
        auto env = codec->decode(bytes);
        if (!env) return env.problems();
        std::lock_guard lock(mutex);
        auto it = track.find(env->case_number);
        if (it == track.end()) return ok_status();
        if (env->type == "case.accept") it->second.accepted = true;
        if (env->type == "case.process") it->second.processed = true;
        if (env->type == "case.result") {
            if (!it->second.resulted)
                it->second.round_trip_ms =
                    std::chrono::duration<double, std::milli>(SteadyClock::now() - it->second.sent).count();
            it->second.resulted = true;
            ++it->second.results;
        }
        return ok_status();
    };
    const DemoIdentity portal_id = topo.identity("sc.portal");
    std::shared_ptr<const tools::EnvelopeSigner> portal_signer;
    if (topo.secure) portal_signer = tools::EnvelopeSigner::load(portal_id.sign_key, portal_id.sign_cert).value();
    tools::BusClient portal({topo.url("province-510000"), "sc.portal", true, 500, portal_id.ca, portal_id.tls_cert,
                             portal_id.tls_key},
                            on_portal_message);
    if (auto st = portal.connect(std::chrono::seconds(20)); !st)
        return std::cerr << "govbus demo: portal: " << st.problem().to_string() << "\n", 1;

    auto started = SteadyClock::now();
    std::vector<std::future<tools::SendOutcome>> sends;
    int rejected = 0;
    for (int i = 0; i < cases; ++i) {
        tools::CaseRequest r;
        r.sequence = i + 1;
        bool chengdu = i % 2 == 0;
        r.region = chengdu ? "510104" : "510703";
        r.department = (i / 2) % 2 == 0 ? "market" : "civil";
        Envelope e = tools::make_case_apply(r);
        if (i % 4 == 3) e.content_type = "application/xml";  // both encodings travel together
        {
            std::lock_guard lock(mutex);
            track[e.case_number].sent = SteadyClock::now();
        }
        sends.push_back(portal.send(tools::maybe_sign(portal_signer, tools::encode(*codec, e)).value(), e.content_type));
    }
    for (auto& f : sends) {
        auto o = f.get();
        if (!o.accepted) {
            if (rejected++ < 3) std::cerr << "  rejected: " << o.condition << ": " << o.description << "\n";
        }
    }

    auto deadline = started + std::chrono::seconds(timeout_s);
    int accepted = 0, processed = 0, results = 0, duplicates = 0;
    while (true) {
        {
            std::lock_guard lock(mutex);
            accepted = processed = results = duplicates = 0;
            for (const auto& [k, t] : track) {
                accepted += t.accepted;
                processed += t.processed;
                results += t.resulted;
                duplicates += std::max(0, t.results - 1);
            }
        }
        if (isatty(1))
            std::cout << "\r  sent " << cases << "  accepted " << accepted << "  in process " << processed
                      << "  results " << results << std::flush;
        if (results + rejected >= cases || SteadyClock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (isatty(1)) std::cout << "\n";
    double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();

    std::vector<double> rtt;
    std::string sample_case;
    {
        std::lock_guard lock(mutex);
        for (const auto& [k, t] : track)
            if (t.resulted) {
                rtt.push_back(t.round_trip_ms);
                if (sample_case.empty()) sample_case = k;
            }
    }

    // A query the city cannot answer: Chengdu's window asks the national population library.
    std::string query_line = "no reply";
    {
        std::promise<Envelope> reply;
        auto reply_future = reply.get_future();
        std::once_flag once;
        const DemoIdentity window_id = topo.identity("cd.window");
        std::shared_ptr<const tools::EnvelopeSigner> window_signer;
        if (topo.secure) window_signer = tools::EnvelopeSigner::load(window_id.sign_key, window_id.sign_cert).value();
        tools::BusClient window({topo.url("city-510100"), "cd.window", true, 10, window_id.ca, window_id.tls_cert,
                                 window_id.tls_key},
                                [&](const std::string& bytes, const std::string&) -> Status {
                                    auto env = codec->decode(bytes);
                                    if (!env) return env.problems();
                                    std::call_once(once, [&] { reply.set_value(*env); });
                                    return ok_status();
                                });
        if (window.connect(std::chrono::seconds(10))) {
            Envelope q = tools::make_data_query("cd.window", "510104", "population", "510104199001011230");
            auto t0 = SteadyClock::now();
            auto o = window.send_and_wait(tools::maybe_sign(window_signer, tools::encode(*codec, q)).value(),
                                          q.content_type, std::chrono::seconds(10));
            if (!o.accepted) {
                query_line = "rejected: " + o.condition + " " + o.description;
            } else if (reply_future.wait_for(std::chrono::seconds(20)) == std::future_status::ready) {
                Envelope r = reply_future.get();
                double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
                std::string path;
                for (const auto& h : r.hops) path += (path.empty() ? "" : " -> ") + h.node;
                std::ostringstream os;
                os << "data.reply from " << r.source << " in " << std::fixed << std::setprecision(1) << ms
                   << " ms via " << path;
                query_line = os.str();
            }
        }
        window.close();
    }
    portal.close();

    int lost = cases - results - rejected;
    std::cout << "\n  cases sent              " << cases << "\n"
              << "  rejected at the portal  " << rejected << "\n"
              << "  accepted (case.accept)  " << accepted << "\n"
              << "  results returned        " << results << "\n"
              << "  duplicate results       " << duplicates << "\n"
              << "  lost                    " << lost << "\n"
              << std::fixed << std::setprecision(1) << "  round trip p50          " << percentile(rtt, 0.50)
              << " ms\n"
              << "  round trip p99          " << percentile(rtt, 0.99) << " ms\n"
              << "  wall time               " << seconds << " s (" << std::setprecision(0)
              << (seconds > 0 ? results / seconds : 0) << " cases/s)\n"
              << "  national data query     " << query_line << "\n"
              << "  departments             cd.civil over HTTP" << (topo.secure ? "S" : "") << " (long poll), my.civil through its exchange database, "
                 "the others over AMQP\n"
              << "  security                "
              << (topo.secure ? "mutual TLS, every message signed and verified at every node; my.market and "
                                "my.civil sign with SM2/SM3 (gm), the others with ECDSA P-256 (intl); PKI in " +
                                    topo.pki + " and " + topo.pki_gm
                              : std::string("off (--plain)"))
              << "\n";
    if (!sample_case.empty())
        std::cout << "\n  trace one case:  " << topo.govbus << " trace " << sample_case << topo.trace_flags() << "\n";

    if (keep) {
        std::cout << "\nnodes keep running; press Enter to stop them\n";
        std::string line;
        std::getline(std::cin, line);
    }
    for (auto& d : departments) d.stop();
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) it->stop();
    std::cout << "stopped " << nodes.size() << " nodes and " << departments.size() << " departments\n";
    return lost == 0 && rejected == 0 && query_line.rfind("data.reply", 0) == 0 ? 0 : 1;
}

const bool registered = register_command({"demo", "run a four-node exchange on loopback", run});

}  // namespace
}  // namespace govbus::cli
