// The file-drop adapter (adapters/file/README.md): a department writes
// NAME.tmp into its inbox directory and renames it; the adapter hands each
// file to the node and moves it to done/ once the journal holds it, or to
// error/ beside NAME.reason. Messages for the department are written
// atomically into its outbox directory.
#pragma once

#include "bus/node/adapter.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace govbus::file {

struct Drop {
    std::string endpoint;  // endpoint id: the peer identity of what its inbox holds
    std::string inbox;
    std::string outbox;
};

class FileAdapter : public Adapter {
public:
    FileAdapter(std::vector<Drop> drops, std::size_t max_bytes, std::chrono::milliseconds scan_every);
    ~FileAdapter() override;

    Status start(AdapterHost& host) override;
    void stop() override;
    std::size_t capacity(const std::string& destination) override;
    void deliver(OutboundMessage message, DeliveryDone done) override;

private:
    void run();
    void scan(const Drop& drop);
    void finish(const Drop& drop, const std::string& name, const Status& verdict);

    std::vector<Drop> drops_;
    std::size_t max_bytes_;
    std::chrono::milliseconds scan_every_;
    AdapterHost* host_ = nullptr;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::set<std::string> in_flight_;  // inbox paths handed to the node, verdict pending
    std::thread thread_;
};

Result<std::unique_ptr<Adapter>> make_file_adapter(const AdapterConfig& config);

}  // namespace govbus::file
