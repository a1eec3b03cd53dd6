// govbus dept-sim: a simulated department business system. It connects to a
// node as one endpoint; for every case.apply it receives it sends case.accept
// at once, case.process after --delay-ms and case.result after twice that; for
// every data.query it answers with a data.reply. Messages are de-duplicated by
// id, as docs/integrator.md asks of every endpoint.
#include "bus/codec/codec.hpp"
#include "tools/common/bus_client.hpp"
#include "tools/common/envelope_signer.hpp"
#include "tools/common/sample_messages.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/command_options.hpp"
#include "tools/common/department_link.hpp"

#include <boost/program_options.hpp>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace govbus::cli {

using tools::DepartmentLink;
using tools::make_exchange_db_link;
using tools::make_http_link;

namespace po = boost::program_options;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// Sends envelopes at their due time, in order, one at a time.
class Outbox {
public:
    using Clock = std::chrono::steady_clock;
    void add(Clock::time_point due, Envelope e) {
        std::lock_guard lock(mutex_);
        queue_.emplace(std::make_pair(due, seq_++), std::move(e));
        cv_.notify_one();
    }
    // Waits for the next due envelope; nullopt when stopping.
    std::optional<Envelope> next() {
        std::unique_lock lock(mutex_);
        while (!g_stop) {
            if (!queue_.empty() && queue_.begin()->first.first <= Clock::now()) {
                Envelope e = std::move(queue_.begin()->second);
                queue_.erase(queue_.begin());
                return e;
            }
            auto wait = queue_.empty() ? Clock::now() + std::chrono::milliseconds(200) : queue_.begin()->first.first;
            cv_.wait_until(lock, std::min(wait, Clock::now() + std::chrono::milliseconds(200)));
        }
        return std::nullopt;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::pair<Clock::time_point, std::uint64_t>, Envelope> queue_;
    std::uint64_t seq_ = 0;
};

int run(const std::vector<std::string>& args) {
    std::string url, endpoint, ca, cert, key, sign_key, sign_cert, http_base, exchange_db;
    int delay_ms = 100;
    po::options_description opts("govbus dept-sim options");
    opts.add_options()("help,h", "show this help")("url", po::value(&url), "node address, amqp://HOST:PORT")(
        "http", po::value(&http_base), "instead of AMQP: the node's HTTP adapter, http://HOST:PORT (poll mode)")(
        "exchange-db", po::value(&exchange_db), "instead of AMQP: the department's exchange database (SQLite file)")(
        "endpoint", po::value(&endpoint)->required(), "endpoint id this department acts as")(
        "delay-ms", po::value(&delay_ms)->default_value(100), "time between accept, process and result")(
        "ca", po::value(&ca), "CA certificate (TLS)")("cert", po::value(&cert), "client certificate (TLS)")(
        "key", po::value(&key), "client key (TLS)")("sign-key", po::value(&sign_key),
                                                     "private key that signs what it sends (else it sends unsigned)")(
        "sign-cert", po::value(&sign_cert), "certificate of the signing key");
    if (auto exit = parse_command_options("dept-sim", args, opts)) return *exit;
    auto codec = std::make_unique<codec::Codec>();
    std::shared_ptr<const tools::EnvelopeSigner> signer;
    if (!sign_key.empty()) {
        auto loaded = tools::EnvelopeSigner::load(sign_key, sign_cert);
        if (!loaded) {
            std::cerr << "govbus dept-sim: " << loaded.problem().to_string() << "\n";
            return 1;
        }
        signer = *loaded;
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);

    Outbox outbox;
    std::mutex seen_mutex;
    std::set<std::string> seen;
    std::atomic<long> cases{0}, queries{0}, duplicates{0};
    auto on_message = [&](const std::string& bytes, const std::string&) -> Status {
        auto env = codec->decode(bytes);
        if (!env) return env.problems();
        {
            std::lock_guard lock(seen_mutex);
            if (!seen.insert(env->id).second) {
                ++duplicates;
                return ok_status();
            }
        }
        auto now = Outbox::Clock::now();
        auto delay = std::chrono::milliseconds(delay_ms);
        if (env->type == "case.apply") {
            ++cases;
            outbox.add(now, tools::make_case_accept(*env, endpoint));
            outbox.add(now + delay, tools::make_case_process(*env, endpoint));
            outbox.add(now + 2 * delay, tools::make_case_result(*env, endpoint));
        } else if (env->type == "data.query") {
            ++queries;
            outbox.add(now, tools::make_data_reply(*env, endpoint));
        }
        return ok_status();
    };
    std::unique_ptr<DepartmentLink> link;
    std::unique_ptr<tools::BusClient> client;
    if (!http_base.empty() || !exchange_db.empty()) {
        if (http_base.empty()) {
            link = make_exchange_db_link(exchange_db);
        } else {
            auto made = make_http_link(http_base, endpoint, {ca, cert, key});
            if (!made) {
                std::cerr << "govbus dept-sim: " << made.problem().to_string() << "\n";
                return 2;
            }
            link = std::move(made.value());
        }
        if (auto st = link->start([&](const std::string& bytes) { return on_message(bytes, {}); }); !st) {
            std::cerr << "govbus dept-sim: " << st.problem().to_string() << "\n";
            return 1;
        }
    } else {
        if (url.empty()) {
            std::cerr << "govbus dept-sim: give --url (AMQP), --http or --exchange-db\n";
            return 2;
        }
        client = std::make_unique<tools::BusClient>(tools::BusClient::Options{url, endpoint, true, 200, ca, cert, key},
                                                    on_message);
        if (auto st = client->connect(std::chrono::seconds(30)); !st) {
            std::cerr << "govbus dept-sim: " << st.problem().to_string() << "\n";
            return 1;
        }
    }
    const std::string where = !http_base.empty() ? http_base : !exchange_db.empty() ? exchange_db : url;
    std::cerr << "dept-sim " << endpoint << ": connected to " << where << "\n";
    while (auto e = outbox.next()) {
        auto bytes = tools::maybe_sign(signer, tools::encode(*codec, *e));
        if (!bytes) {
            std::cerr << "dept-sim " << endpoint << ": cannot sign: " << bytes.problem().to_string() << "\n";
            continue;
        }
        if (link) {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
            while (!link->send(*bytes, e->content_type) && !g_stop && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
        }
        auto outcome = client->send_and_wait(*bytes, e->content_type, std::chrono::seconds(120));
        if (!outcome.accepted)
            std::cerr << "dept-sim " << endpoint << ": " << e->type << " for case " << e->case_number
                      << " not accepted: " << outcome.condition << " " << outcome.description << "\n";
    }
    if (link) link->stop();
    if (client) client->close();
    std::cerr << "dept-sim " << endpoint << ": " << cases << " cases, " << queries << " queries, " << duplicates
              << " duplicates ignored\n";
    return 0;
}

const bool registered =
    register_command({"dept-sim", "simulate a department system that answers cases and queries", run});

}  // namespace
}  // namespace govbus::cli
