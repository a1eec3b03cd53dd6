// Test fixtures for the AMQP adapter: a recording AdapterHost whose verdicts
// follow a rule (or are held back), and a scripted Python peer
// (amqp_peer.py) run as a child process whose JSON lines the test reads.
#pragma once

#include "adapters/amqp/amqp_adapter.hpp"
#include "bus/node/adapter.hpp"
#include "tests/support/eventually.hpp"

#include <boost/json.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace govbus::amqp::testing {

using namespace std::chrono_literals;

using govbus::test::eventually;

class FakeHost : public AdapterHost {
public:
    // Verdict for a message: a Status to answer at once, nullopt to hold it.
    using Rule = std::function<std::optional<Status>(const InboundMessage&)>;
    void set_rule(Rule rule) {
        std::lock_guard lock(mutex_);
        rule_ = std::move(rule);
    }
    // Holds every message until release().
    void hold_all() {
        set_rule([](const InboundMessage&) -> std::optional<Status> { return std::nullopt; });
    }

    void inbound(InboundMessage message, InboundDone done) override {
        Rule rule;
        {
            std::lock_guard lock(mutex_);
            rule = rule_;
        }
        std::optional<Status> verdict = rule(message);
        {
            std::lock_guard lock(mutex_);
            received_.push_back(message);
            ++outstanding_;
            max_outstanding_ = std::max(max_outstanding_, outstanding_);
            if (!verdict) held_[message.bytes] = std::move(done);
        }
        if (verdict) answer(done, *verdict);
    }
    void wake(const std::string& destination) override {
        std::lock_guard lock(mutex_);
        wakes_.push_back(destination);
    }

    // Answers a held message.
    bool release(const std::string& bytes, const Status& verdict) {
        InboundDone done;
        {
            std::lock_guard lock(mutex_);
            auto it = held_.find(bytes);
            if (it == held_.end()) return false;
            done = std::move(it->second);
            held_.erase(it);
        }
        answer(done, verdict);
        return true;
    }
    std::vector<InboundMessage> received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    std::size_t held() const {
        std::lock_guard lock(mutex_);
        return held_.size();
    }
    int max_outstanding() const {
        std::lock_guard lock(mutex_);
        return max_outstanding_;
    }
    std::size_t wakes(const std::string& destination) const {
        std::lock_guard lock(mutex_);
        return static_cast<std::size_t>(std::count(wakes_.begin(), wakes_.end(), destination));
    }

private:
    void answer(const InboundDone& done, const Status& verdict) {
        {
            std::lock_guard lock(mutex_);
            --outstanding_;
        }
        done(verdict);
    }

    mutable std::mutex mutex_;
    Rule rule_ = [](const InboundMessage&) -> std::optional<Status> { return ok_status(); };
    std::vector<InboundMessage> received_;
    std::map<std::string, InboundDone> held_;
    std::vector<std::string> wakes_;
    int outstanding_ = 0;
    int max_outstanding_ = 0;
};

// amqp_peer.py as a child process; its JSON lines are collected as they come.
class PythonPeer {
public:
    explicit PythonPeer(std::vector<std::string> args) {
        args.insert(args.begin(), GOVBUS_SOURCE_DIR "/tests/adapters/amqp/amqp_peer.py");
        args.insert(args.begin(), "/usr/bin/python3");
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("cannot start python3");
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        reader_ = std::thread([this, fd = fds[0]] { read_lines(fd); });
    }
    ~PythonPeer() {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        reader_.join();
    }
    PythonPeer(const PythonPeer&) = delete;
    PythonPeer& operator=(const PythonPeer&) = delete;

    std::vector<boost::json::object> events() const {
        std::lock_guard lock(mutex_);
        return events_;
    }
    // Events named `name`, in order.
    std::vector<boost::json::object> events(const std::string& name) const {
        std::vector<boost::json::object> out;
        for (auto& e : events())
            if (e.at("event").as_string() == name) out.push_back(e);
        return out;
    }
    bool wait_for(const std::string& name, std::size_t count = 1, std::chrono::milliseconds timeout = 20s) const {
        return eventually([&] { return events(name).size() >= count; }, timeout);
    }
    std::string transcript() const {
        std::string out;
        for (auto& e : events()) out += boost::json::serialize(e) + "\n";
        return out;
    }

private:
    void read_lines(int fd) {
        FILE* in = fdopen(fd, "r");
        char* line = nullptr;
        size_t size = 0;
        while (getline(&line, &size, in) > 0) {
            boost::system::error_code ec;
            auto v = boost::json::parse(line, ec);
            if (ec || !v.is_object()) continue;
            std::lock_guard lock(mutex_);
            events_.push_back(v.as_object());
        }
        free(line);
        fclose(in);
    }

    pid_t pid_ = 0;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::vector<boost::json::object> events_;
};

// An adapter on 127.0.0.1 with a free port, plain transport.
inline std::unique_ptr<AmqpAdapter> plain_adapter(const std::string& node_id, int credit = 200,
                                                  std::vector<PeerAddress> peers = {}, int port = 0) {
    AdapterConfig config;
    config.name = "amqp";
    config.node_id = node_id;
    config.options = YAML::Load("{listen: \"127.0.0.1:" + std::to_string(port) +
                                "\", plain: true, credit: " + std::to_string(credit) + ", reconnect_max_seconds: 1}");
    config.peers = std::move(peers);
    auto made = make_adapter(config);
    if (!made) throw std::runtime_error(made.problem().to_string());
    return std::unique_ptr<AmqpAdapter>(dynamic_cast<AmqpAdapter*>(made.value().release()));
}

inline std::string url_of(const AmqpAdapter& a) { return "amqp://127.0.0.1:" + std::to_string(a.port()); }

}  // namespace govbus::amqp::testing
