// Which malloc govbusd runs on, for its start-up line and --version.
#pragma once

#include <string>

namespace govbus {

// "jemalloc 5.3.0-..., huge pages: always" when the node is linked with
// jemalloc (every build but the sanitizer and fuzz builds, whose runtimes
// bring their own malloc), else "system malloc".
std::string allocator_name();

}  // namespace govbus
