#include "tools/govbusd/allocator.hpp"

#ifdef GOVBUS_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace govbus {

std::string allocator_name() {
#ifdef GOVBUS_JEMALLOC
    // Asking jemalloc for its version also makes the link keep the library,
    // which the node otherwise only reaches through malloc and free.
    const char* version = nullptr;
    std::size_t size = sizeof(version);
    if (mallctl("version", &version, &size, nullptr, 0) == 0 && version) return std::string("jemalloc ") + version;
    return "jemalloc";
#else
    return "system malloc";
#endif
}

}  // namespace govbus
