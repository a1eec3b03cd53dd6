// Shared by the router tests: route tables written to temporary files, and
// envelopes built by hand (no codec involved).
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/router/route_table.hpp"

#include <boost/json/parse.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace govbus::router::testing {

// A YAML file under the system temp directory, removed when it goes out of scope.
class TempTable {
public:
    explicit TempTable(const std::string& yaml) {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("govbus-route-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".yaml");
        std::ofstream(path_) << yaml;
    }
    ~TempTable() { std::filesystem::remove(path_); }
    TempTable(const TempTable&) = delete;
    TempTable& operator=(const TempTable&) = delete;
    std::string path() const { return path_.string(); }
    Result<RouteTable> load() const { return RouteTable::load(path()); }

private:
    std::filesystem::path path_;
};

inline RouteTable table_of(const std::string& yaml) {
    TempTable file(yaml);
    auto t = file.load();
    if (!t) {
        std::string all;
        for (const auto& p : t.problems()) all += p.message + "\n";
        throw std::runtime_error("test table does not load:\n" + all);
    }
    return std::move(t.value());
}

inline Envelope message(std::string type, std::string source, std::string region) {
    Envelope e;
    e.id = "6f1c2c38-4a59-4c1e-9d4e-0d3c1f6b2a10";
    e.type = std::move(type);
    e.schema_version = "1.0";
    e.source = std::move(source);
    e.region = std::move(region);
    e.created = "2025-05-22T10:00:00+08:00";
    e.content_type = "application/json";
    return e;
}

inline Envelope with_payload(Envelope e, const char* json) {
    e.payload = boost::json::parse(json);
    return e;
}

// The province of the demo topology: parent national, children Chengdu and Mianyang.
inline Topology province() {
    Topology t;
    t.node = "province-510000";
    t.level = Level::province;
    t.region = "510000";
    t.parent = "national";
    t.children = {{"city-510100", "510100"}, {"city-510700", "510700"}};
    return t;
}

inline Topology national() {
    Topology t;
    t.node = "national";
    t.level = Level::national;
    t.region = "100000";
    t.children = {{"province-510000", "510000"}};
    return t;
}

inline Topology city(const std::string& region) {
    Topology t;
    t.node = "city-" + region;
    t.level = Level::city;
    t.region = region;
    t.parent = "province-510000";
    return t;
}

}  // namespace govbus::router::testing
