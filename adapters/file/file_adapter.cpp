#include "adapters/file/file_adapter.hpp"

#include "bus/core/file_text.hpp"
#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"
#include "bus/node/adapter_options.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace govbus::file {

namespace fs = std::filesystem;

namespace {

// fsync a file or directory by path, so a rename is durable (POSIX leaves it
// in the page cache otherwise).
bool sync_path(const fs::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// A name in `dir` not taken yet: NAME, else NAME.1, NAME.2, ...
fs::path free_name(const fs::path& dir, const std::string& name) {
    fs::path p = dir / name;
    for (int i = 1; fs::exists(p); ++i) p = dir / (name + "." + std::to_string(i));
    return p;
}

std::string reason_text(const Problems& problems) {
    std::ostringstream s;
    for (const auto& p : problems)
        s << p.code << "\t" << (p.line ? std::to_string(p.line) + ":" + std::to_string(p.column) : "-") << "\t"
          << (p.field.empty() ? "-" : p.field) << "\t" << p.message << "\n";
    return s.str();
}

}  // namespace

FileAdapter::FileAdapter(std::vector<Drop> drops, std::size_t max_bytes, std::chrono::milliseconds scan_every)
    : drops_(std::move(drops)), max_bytes_(max_bytes), scan_every_(scan_every) {}

FileAdapter::~FileAdapter() { stop(); }

Status FileAdapter::start(AdapterHost& host) {
    host_ = &host;
    for (const auto& d : drops_) {
        std::error_code ec;
        for (const auto& dir : {fs::path(d.inbox), fs::path(d.inbox) / "done", fs::path(d.inbox) / "error", fs::path(d.outbox)}) {
            fs::create_directories(dir, ec);
            if (ec) return make_problem("file.directory", "cannot create " + dir.string() + ": " + ec.message());
        }
    }
    thread_ = std::thread([this] { run(); });
    GOVBUS_LOG(info, "file: watching " << drops_.size() << " inbox director" << (drops_.size() == 1 ? "y" : "ies"));
    return ok_status();
}

void FileAdapter::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FileAdapter::run() {
    name_this_thread("file-adapter");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        for (const auto& d : drops_) scan(d);
        lock.lock();
        cv_.wait_for(lock, scan_every_, [this] { return stopping_; });
    }
}

// Files are taken in name order. A file still in the inbox after a crash is
// read again: the journal de-duplicates by message id, so it is delivered once.
void FileAdapter::scan(const Drop& drop) {
    std::vector<fs::path> ready;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(drop.inbox, ec)) {
        const std::string name = e.path().filename().string();
        if (!e.is_regular_file() || name.ends_with(".tmp") || name.starts_with(".")) continue;
        ready.push_back(e.path());
    }
    std::sort(ready.begin(), ready.end());
    for (const auto& path : ready) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_ || !in_flight_.insert(path.string()).second) continue;
        }
        const std::string name = path.filename().string();
        if (fs::file_size(path, ec) > max_bytes_) {
            finish(drop, name, make_problem("message.too_large", "the file has more than " + std::to_string(max_bytes_) +
                                                                    " bytes; it was not read"));
            continue;
        }
        auto bytes = read_whole_file(path.string());
        if (!bytes) {
            finish(drop, name, make_problem("file.unreadable", "the file could not be read; it was not taken in"));
            continue;
        }
        host_->inbound(InboundMessage{std::move(*bytes), drop.endpoint, "file"},
                       [this, drop, name](const Status& verdict) { finish(drop, name, verdict); });
    }
}

void FileAdapter::finish(const Drop& drop, const std::string& name, const Status& verdict) {
    const fs::path from = fs::path(drop.inbox) / name;
    const fs::path to_dir = fs::path(drop.inbox) / (verdict ? "done" : "error");
    const fs::path to = free_name(to_dir, name);
    std::error_code ec;
    if (!verdict) {
        std::ofstream(to.string() + ".reason") << reason_text(verdict.problems());
        GOVBUS_LOG(info, "file: " << drop.endpoint << "/" << name << " refused: " << verdict.problem().to_string());
    }
    fs::rename(from, to, ec);
    if (ec) GOVBUS_LOG(error, "file: cannot move " << from << " to " << to << ": " << ec.message());
    sync_path(drop.inbox);
    std::lock_guard lock(mutex_);
    in_flight_.erase(from.string());
}

std::size_t FileAdapter::capacity(const std::string&) { return 64; }

void FileAdapter::deliver(OutboundMessage m, DeliveryDone done) {
    const std::string id = m.destination.rfind("endpoint:", 0) == 0 ? m.destination.substr(9) : m.destination;
    const Drop* drop = nullptr;
    for (const auto& d : drops_)
        if (d.endpoint == id) drop = &d;
    if (!drop) {
        done({DeliveryResult::Kind::refused, make_problem("file.unknown_endpoint", "no outbox for " + m.destination)});
        return;
    }
    // Written under a temporary name, synced, renamed, and the directory
    // synced: the department never sees half a file, and a crash loses none.
    const std::string ext = m.content_type == "application/xml" ? ".xml" : ".json";
    const fs::path final_path = fs::path(drop->outbox) / (m.message_id + ext);
    const fs::path tmp = final_path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << m.bytes;
        out.flush();
        if (!out) {
            done({DeliveryResult::Kind::retry, make_problem("file.write", "cannot write " + tmp.string())});
            return;
        }
    }
    std::error_code ec;
    if (!sync_path(tmp) || (fs::rename(tmp, final_path, ec), ec) || !sync_path(drop->outbox)) {
        done({DeliveryResult::Kind::retry,
              make_problem("file.write", "cannot complete " + final_path.string() + (ec ? ": " + ec.message() : ""))});
        return;
    }
    done({DeliveryResult::Kind::delivered, {}});
}

Result<std::unique_ptr<Adapter>> make_file_adapter(const AdapterConfig& config) {
    ConfigReader registry(registry_source(config));  // the endpoints' options
    ConfigReader block(block_source(config));        // the adapter's own block
    std::vector<Drop> drops;
    for (const auto& peer : config.peers) {
        if (peer.destination.rfind("endpoint:", 0) != 0) continue;
        const std::string id = peer.destination.substr(9);
        const std::string path = "/endpoints/" + id + "/options";
        if (!peer.options.IsDefined() || peer.options.IsNull()) {
            registry.error(peer.options, path, "the file adapter needs options: {inbox: DIR, outbox: DIR}");
            continue;
        }
        if (!registry.expect_map(peer.options, path, {"inbox", "outbox"})) continue;
        auto inbox = registry.text(peer.options, "inbox", path, true);
        auto outbox = registry.text(peer.options, "outbox", path, true);
        if (inbox && outbox)
            drops.push_back({id, resolve_config_path(*inbox, config.config_dir), resolve_config_path(*outbox, config.config_dir)});
    }
    long long max_bytes = 10 << 20, scan_ms = 200;
    const YAML::Node& n = config.options;
    if (n.IsDefined() && !n.IsNull() && block.expect_map(n, "/adapters/file", {"max_bytes", "scan_ms"})) {
        max_bytes = block.integer_or(n, "max_bytes", "/adapters/file", 10 << 20, 1024, 1LL << 30);
        scan_ms = block.integer_or(n, "scan_ms", "/adapters/file", 200, 10, 600000);
    }
    Problems problems = registry.problems();
    append_problems(problems, block.problems());
    if (!problems.empty()) return problems;
    return std::unique_ptr<Adapter>(std::make_unique<FileAdapter>(std::move(drops), static_cast<std::size_t>(max_bytes),
                                                                  std::chrono::milliseconds(scan_ms)));
}

namespace {
const bool registered = register_adapter("file", make_file_adapter);
}

}  // namespace govbus::file
