// bench_adapters: messages/s and p50/p99 latency through one govbus node for
// each adapter, beside the AMQP adapter in the same run. Out: an AMQP sender
// sends case.apply messages that the node routes to an endpoint on the
// adapter under test, where a department program takes them. In: a
// department sends through the adapter under test and the node routes to an
// AMQP receiver. Each department does what the adapter's README tells one
// to do (HTTP push: a server answering 200; HTTP poll: GET then DELETE; file:
// read and delete; database: read govbus_outbox, insert into govbus_inbox).
//
//   bench_adapters [--messages N] [--window W] [--postgres CONNINFO] [--out FILE]
//
// Without --postgres the PostgreSQL rows are skipped; bench/adapters/
// with_postgres.py starts a throw-away server and passes it.
#include "bench/common/arrivals.hpp"
#include "bus/codec/codec.hpp"
#include "tools/common/bus_client.hpp"
#include "tools/common/child_process.hpp"
#include "tools/common/department_link.hpp"
#include "tools/common/node_key.hpp"
#include "tools/common/sample_messages.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/program_options.hpp>
#include <libpq-fe.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace govbus;
using bench::Arrivals;
using bench::Figures;

namespace {

constexpr auto kTimeout = std::chrono::seconds(180);

struct Setup {
    fs::path dir;
    int amqp_port = 0, http_port = 0, push_port = 0;
    std::string postgres;  // conninfo, or empty
    std::string amqp_url() const { return "amqp://127.0.0.1:" + std::to_string(amqp_port); }
    std::string http_base() const { return "http://127.0.0.1:" + std::to_string(http_port); }
    std::string pg(const char* schema) const { return postgres + " options='-csearch_path=" + schema + "'"; }
};

// The node: one endpoint per adapter and direction; case.apply for
// department "out-X" goes to out.X, for department "sink" to bench.sink.
std::string write_node(const Setup& s) {
    fs::create_directories(s.dir);
    std::ostringstream e;
    auto endpoint = [&](const std::string& id, bool sends, const std::string& adapter, const std::string& extra) {
        e << "  - { id: " << id << ", region: \"510100\", send: [" << (sends ? "case.apply" : "") << "], receive: ["
          << (sends ? "" : "case.apply") << "], adapter: " << adapter << extra << " }\n";
    };
    e << "endpoints:\n";
    endpoint("bench.sender", true, "amqp", "");
    endpoint("bench.sink", false, "amqp", "");
    endpoint("out.amqp", false, "amqp", "");
    endpoint("out.push", false, "http", ", url: \"http://127.0.0.1:" + std::to_string(s.push_port) + "/in\"");
    endpoint("out.poll", false, "http", "");
    endpoint("out.file", false, "file", ", options: { inbox: files/out/inbox, outbox: files/out/outbox }");
    endpoint("out.sqlite", false, "exchange-db", ", options: { backend: sqlite, path: out.db }");
    endpoint("in.http", true, "http", "");
    endpoint("in.file", true, "file", ", options: { inbox: files/in/inbox, outbox: files/in/outbox }");
    endpoint("in.sqlite", true, "exchange-db", ", options: { backend: sqlite, path: in.db }");
    if (!s.postgres.empty()) {
        endpoint("out.pg", false, "exchange-db", ", options: { backend: postgresql, conninfo: \"" + s.pg("bench_out") + "\" }");
        endpoint("in.pg", true, "exchange-db", ", options: { backend: postgresql, conninfo: \"" + s.pg("bench_in") + "\" }");
    }
    std::ofstream(s.dir / "endpoints.yaml") << e.str();
    std::ostringstream r;
    r << "version: 1\nrules:\n  - { name: sink, match: { type: case.apply, department: sink }, actions: { deliver: bench.sink } }\n";
    for (const char* out : {"amqp", "push", "poll", "file", "sqlite", "pg"})
        r << "  - { name: out-" << out << ", match: { type: case.apply, department: out-" << out
          << " }, actions: { deliver: out." << out << " } }\n";
    std::ofstream(s.dir / "routes.yaml") << r.str();
    auto key = tools::make_node_key((s.dir / "pki").string(), "city-510100");
    std::ofstream(s.dir / "node.yaml")
        << "node: { id: city-510100, level: city, region: \"510100\", data_dir: data, key: " << key.key
        << ", cert: " << key.cert << " }\nroutes: routes.yaml\nendpoints: endpoints.yaml\nadapters:\n"
        << "  amqp: { listen: \"127.0.0.1:" << s.amqp_port << "\", plain: true }\n"
        << "  http: { listen: \"127.0.0.1:" << s.http_port << "\", plain: true, max_in_flight: 16, queue: 1000 }\n"
        << "  file: { scan_ms: 20 }\n  exchange-db: { poll_ms: 20, batch: 200 }\nlog_level: warn\n";
    return (s.dir / "node.yaml").string();
}

// A department's HTTP server for push mode: answers 200 to every POST.
class PushServer {
public:
    PushServer(int port, std::atomic<Arrivals*>& target)
        : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}), target_(target) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~PushServer() {
        io_.stop();
        thread_.join();
    }

private:
    struct Session : std::enable_shared_from_this<Session> {
        Session(asio::ip::tcp::socket s, std::atomic<Arrivals*>& t) : socket(std::move(s)), target(t) {}
        void read() {
            req = {};
            bhttp::async_read(socket, buffer, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return;
                if (Arrivals* a = self->target) a->arrived(self->req.body());
                auto res = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::ok, self->req.version());
                res->keep_alive(self->req.keep_alive());
                res->prepare_payload();
                bhttp::async_write(self->socket, *res, [self, res](beast::error_code ec, std::size_t) {
                    if (!ec && res->keep_alive()) self->read();
                });
            });
        }
        asio::ip::tcp::socket socket;
        std::atomic<Arrivals*>& target;
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> req;
    };

    void accept() {
        acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;
            std::make_shared<Session>(std::move(socket), target_)->read();
            accept();
        });
    }

    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::atomic<Arrivals*>& target_;
    std::thread thread_;
};

// A department's PostgreSQL connection (libpq): reads govbus_outbox, inserts into govbus_inbox.
class PgDepartment {
public:
    explicit PgDepartment(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {}
    ~PgDepartment() { PQfinish(conn_); }
    bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
    std::string error() const { return PQerrorMessage(conn_); }
    bool exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        bool good = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        return good;
    }
    bool insert(const std::string& body) {
        const char* params[] = {body.c_str()};
        PGresult* r = PQexecParams(conn_, "INSERT INTO govbus_inbox (body) VALUES ($1)", 1, nullptr, params, nullptr, nullptr, 0);
        bool good = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        return good;
    }
    // Rows after `last`, oldest first; `last` moves on.
    std::vector<std::string> after(long long& last) {
        const std::string n = std::to_string(last);
        const char* params[] = {n.c_str()};
        PGresult* r = PQexecParams(conn_, "SELECT seq, body FROM govbus_outbox WHERE seq > $1::bigint ORDER BY seq LIMIT 500",
                                   1, nullptr, params, nullptr, nullptr, 0);
        std::vector<std::string> rows;
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            for (int i = 0; i < PQntuples(r); ++i) {
                last = std::stoll(PQgetvalue(r, i, 0));
                rows.emplace_back(PQgetvalue(r, i, 1));
            }
        PQclear(r);
        return rows;
    }

private:
    PGconn* conn_;
};

// Runs `body` on a thread until `stop`; for the polling departments.
class Poller {
public:
    explicit Poller(std::function<bool()> once) {
        thread_ = std::thread([this, once] {
            while (!stop_)
                if (!once()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        });
    }
    ~Poller() {
        stop_ = true;
        thread_.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

using Messages = std::vector<std::pair<std::string, std::string>>;  // id, bytes

Messages make_messages(const codec::Codec& codec, const std::string& source, const std::string& department,
                       std::size_t count, int& seq) {
    Messages out;
    for (std::size_t i = 0; i < count; ++i) {
        tools::CaseRequest r;
        r.source = source;
        r.region = "510104";
        r.department = department;
        r.sequence = seq++;
        Envelope e = tools::make_case_apply(r);
        e.content_type = "application/json";
        out.emplace_back(e.id, tools::encode(codec, e));
    }
    return out;
}

// Sends over AMQP as bench.sender with `window` messages unsettled.
void send_amqp(const Setup& s, const Messages& messages, std::size_t window, Arrivals& arrivals) {
    tools::BusClient sender({s.amqp_url(), "bench.sender", false, 0, {}, {}, {}});
    if (!sender.connect(std::chrono::seconds(20))) throw std::runtime_error("cannot connect to " + s.amqp_url());
    std::deque<std::future<tools::SendOutcome>> in_flight;
    for (const auto& [id, bytes] : messages) {
        arrivals.sent(id);
        in_flight.push_back(sender.send(bytes, "application/json"));
        while (in_flight.size() >= window) {
            in_flight.front().get();
            in_flight.pop_front();
        }
    }
    for (auto& f : in_flight) f.get();
    sender.close();
}

// Sends from `threads` threads, each calling `one` for its share of the messages.
void send_parallel(const Messages& messages, int threads, Arrivals& arrivals,
                   const std::function<void(int, const std::string&)>& one) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (std::size_t i = static_cast<std::size_t>(t); i < messages.size(); i += static_cast<std::size_t>(threads)) {
                arrivals.sent(messages[i].first);
                one(t, messages[i].second);
            }
        });
    for (auto& t : pool) t.join();
}

void write_file(const fs::path& inbox, const std::string& id, const std::string& bytes) {
    const fs::path tmp = inbox / (id + ".json.tmp");
    std::ofstream(tmp, std::ios::binary) << bytes;
    fs::rename(tmp, inbox / (id + ".json"));
}

// Takes every file in the outbox, oldest name first; true when it found some.
bool drain_outbox(const fs::path& outbox, Arrivals& arrivals) {
    std::error_code ec;
    bool found = false;
    for (const auto& f : fs::directory_iterator(outbox, ec)) {
        if (f.path().extension() != ".json") continue;
        std::ifstream in(f.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        arrivals.arrived(bytes);
        fs::remove(f.path(), ec);
        found = true;
    }
    return found;
}

std::string sibling(const std::string& name) {
    fs::path self = fs::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path().parent_path() / "tools" / name / name).string();
}

std::string row(const std::string& direction, const std::string& adapter, const std::string& department,
                const Figures& f, std::size_t expected) {
    std::ostringstream o;
    o << "| " << direction << " | " << adapter << " | " << department << " | " << std::fixed << std::setprecision(0)
      << f.per_second << " | " << std::setprecision(1) << f.p50_ms << " / " << f.p99_ms << " | " << f.delivered << "/"
      << expected << " |\n";
    return o.str();
}

}  // namespace

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    std::size_t count = 2000, window = 200;
    std::string out, postgres;
    po::options_description opts("bench_adapters");
    opts.add_options()("messages", po::value(&count), "messages per scenario")(
        "window", po::value(&window), "AMQP messages in flight")("postgres", po::value(&postgres),
                                                                 "libpq connection string of a PostgreSQL to use")(
        "out", po::value(&out), "append the table to this file");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);

    Setup s;
    s.dir = fs::temp_directory_path() / ("govbus-bench-adapters-" + std::to_string(::getpid()));
    s.amqp_port = tools::free_port();
    s.http_port = tools::free_port();
    s.push_port = tools::free_port();
    s.postgres = postgres;
    if (!postgres.empty()) {
        PgDepartment admin(postgres);
        if (!admin.ok()) {
            std::cerr << "bench_adapters: --postgres: " << admin.error();
            return 1;
        }
        admin.exec("SET client_min_messages = warning; DROP SCHEMA IF EXISTS bench_out CASCADE; DROP SCHEMA IF EXISTS bench_in CASCADE;"
                   "CREATE SCHEMA bench_out; CREATE SCHEMA bench_in;");
    }
    std::atomic<Arrivals*> current{nullptr};  // where the push server records arrivals
    PushServer push(s.push_port, current);
    const std::string config = write_node(s);
    tools::ChildProcess node({sibling("govbusd"), "--config", config}, (s.dir / "node.log").string());
    if (!tools::wait_for_port(s.amqp_port, std::chrono::seconds(20)) ||
        !tools::wait_for_port(s.http_port, std::chrono::seconds(20))) {
        std::cerr << "bench_adapters: govbusd did not start; see " << s.dir / "node.log" << "\n";
        return 1;
    }
    codec::Codec codec;
    int seq = 1;
    std::ostringstream table;
    table << "| direction | adapter | department side | msg/s | p50 / p99 ms | arrived |\n|---|---|---|---|---|---|\n";

    // Out: AMQP in, each adapter out.
    auto outbound = [&](const std::string& adapter, const std::string& dept, const std::string& what,
                        const std::function<std::shared_ptr<void>(Arrivals&)>& take) {
        Arrivals arrivals;
        auto keeper = take(arrivals);
        Messages m = make_messages(codec, "bench.sender", "out-" + dept, count, seq);
        send_amqp(s, m, window, arrivals);
        table << row("out", adapter, what, arrivals.wait(count, kTimeout), count);
        std::cerr << "." << std::flush;
    };
    outbound("amqp", "amqp", "receiver, credit 500", [&](Arrivals& a) {
        auto c = std::make_shared<tools::BusClient>(
            tools::BusClient::Options{s.amqp_url(), "out.amqp", true, 500, {}, {}, {}},
            [&a](const std::string& bytes, const std::string&) -> Status {
                a.arrived(bytes);
                return ok_status();
            });
        c->connect(std::chrono::seconds(20));
        return std::shared_ptr<void>(c);
    });
    outbound("http push", "push", "server answering 200", [&](Arrivals& a) {
        current = &a;
        return std::shared_ptr<void>(nullptr, [&current](void*) { current = nullptr; });  // stops recording
    });
    outbound("http poll", "poll", "one poller: GET, DELETE", [&](Arrivals& a) {
        auto link = tools::make_http_link(s.http_base(), "out.poll", {});
        std::shared_ptr<tools::DepartmentLink> l(std::move(link.value()));
        l->start([&a](const std::string& bytes) -> Status {
            a.arrived(bytes);
            return ok_status();
        });
        return std::shared_ptr<void>(l);
    });
    outbound("file", "file", "scan every 5 ms, read, delete", [&](Arrivals& a) {
        const fs::path outbox = s.dir / "files" / "out" / "outbox";
        return std::shared_ptr<void>(std::make_shared<Poller>([&a, outbox] { return drain_outbox(outbox, a); }));
    });
    outbound("exchange-db sqlite", "sqlite", "reads govbus_outbox", [&](Arrivals& a) {
        std::shared_ptr<tools::DepartmentLink> l(tools::make_exchange_db_link((s.dir / "out.db").string()));
        l->start([&a](const std::string& bytes) -> Status {
            a.arrived(bytes);
            return ok_status();
        });
        return std::shared_ptr<void>(l);
    });
    if (!postgres.empty())
        outbound("exchange-db postgresql", "pg", "reads govbus_outbox", [&](Arrivals& a) {
            auto dept = std::make_shared<PgDepartment>(s.pg("bench_out"));
            auto last = std::make_shared<long long>(0);
            auto poller = std::make_shared<Poller>([&a, dept, last] {
                auto rows = dept->after(*last);
                for (auto& r : rows) a.arrived(r);
                return !rows.empty();
            });
            return std::shared_ptr<void>(poller);
        });

    // In: each adapter in, AMQP out to bench.sink.
    Arrivals* sink_target = nullptr;
    std::mutex sink_mutex;
    tools::BusClient sink({s.amqp_url(), "bench.sink", true, 500, {}, {}, {}},
                          [&](const std::string& bytes, const std::string&) -> Status {
                              std::lock_guard lock(sink_mutex);
                              if (sink_target) sink_target->arrived(bytes);
                              return ok_status();
                          });
    sink.connect(std::chrono::seconds(20));
    auto inbound = [&](const std::string& adapter, const std::string& source, const std::string& what,
                       const std::function<void(const Messages&, Arrivals&)>& send) {
        Arrivals arrivals;
        {
            std::lock_guard lock(sink_mutex);
            sink_target = &arrivals;
        }
        Messages m = make_messages(codec, source, "sink", count, seq);
        send(m, arrivals);
        table << row("in", adapter, what, arrivals.wait(count, kTimeout), count);
        std::lock_guard lock(sink_mutex);
        sink_target = nullptr;
        std::cerr << "." << std::flush;
    };
    inbound("amqp", "bench.sender", "sender, window " + std::to_string(window),
            [&](const Messages& m, Arrivals& a) { send_amqp(s, m, window, a); });
    inbound("http", "in.http", "8 threads POSTing", [&](const Messages& m, Arrivals& a) {
        std::vector<std::unique_ptr<tools::DepartmentLink>> links;
        for (int t = 0; t < 8; ++t) links.push_back(std::move(tools::make_http_link(s.http_base(), "in.http", {}).value()));
        send_parallel(m, 8, a, [&](int t, const std::string& bytes) { links[static_cast<std::size_t>(t)]->send(bytes, "application/json"); });
    });
    inbound("file", "in.file", "writes .tmp, renames", [&](const Messages& m, Arrivals& a) {
        const fs::path inbox = s.dir / "files" / "in" / "inbox";
        for (const auto& [id, bytes] : m) {
            a.sent(id);
            write_file(inbox, id, bytes);
        }
    });
    inbound("exchange-db sqlite", "in.sqlite", "one INSERT per message", [&](const Messages& m, Arrivals& a) {
        auto link = tools::make_exchange_db_link((s.dir / "in.db").string());
        link->start([](const std::string&) { return ok_status(); });
        for (const auto& [id, bytes] : m) {
            a.sent(id);
            link->send(bytes, "application/json");
        }
    });
    if (!postgres.empty())
        inbound("exchange-db postgresql", "in.pg", "one INSERT per message", [&](const Messages& m, Arrivals& a) {
            PgDepartment dept(s.pg("bench_in"));
            for (const auto& [id, bytes] : m) {
                a.sent(id);
                dept.insert(bytes);
            }
        });
    sink.close();
    std::cerr << "\n";
    std::cout << table.str();
    if (!out.empty()) std::ofstream(out, std::ios::app) << table.str();
    node.stop();
    fs::remove_all(s.dir);
    return 0;
}
