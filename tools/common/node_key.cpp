#include "tools/common/node_key.hpp"

#include "tools/common/child_process.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

namespace govbus::tools {

NodeKey make_node_key(const std::string& dir, const std::string& node_id) {
    namespace fs = std::filesystem;
    fs::create_directories(dir);
    NodeKey k{dir + "/" + node_id + ".key", dir + "/" + node_id + ".crt"};
    if (fs::exists(k.key) && fs::exists(k.cert)) return k;
    ChildProcess openssl({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                          "-nodes", "-keyout", k.key, "-out", k.cert, "-subj", "/CN=" + node_id, "-days", "365"},
                         dir + "/openssl.log");
    while (openssl.running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!fs::exists(k.cert)) throw std::runtime_error("openssl could not make a key for " + node_id + "; see " + dir + "/openssl.log");
    return k;
}

}  // namespace govbus::tools
