#include "tools/govbusd/allocator.hpp"

#ifdef GOVBUS_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#ifdef GOVBUS_JEMALLOC
// jemalloc reads this string at start-up (MALLOC_CONF in the environment
// still overrides it). thp:always asks the kernel for 2 MiB pages for the
// heap (madvise, so it holds where the system's THP mode is "madvise"): a
// 64 KiB message's buffers are allocated fresh on one thread and freed on
// another, and with 4 KiB pages the node took about 20 000 page faults a
// second, each zeroing a page, at 2 000 such messages a second. With huge
// pages it takes about 1 000, and spends 7-10% less CPU per message, for
// some 30 MB more resident memory (bench/RESULTS.md).
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:auto";
}
#endif

namespace govbus {

std::string allocator_name() {
#ifdef GOVBUS_JEMALLOC
    // Asking jemalloc for its version also makes the link keep the library,
    // which the node otherwise only reaches through malloc and free.
    const char* version = nullptr;
    std::size_t size = sizeof(version);
    std::string name = "jemalloc";
    if (mallctl("version", &version, &size, nullptr, 0) == 0 && version) name += std::string(" ") + version;
    const char* thp = nullptr;
    size = sizeof(thp);
    if (mallctl("opt.thp", &thp, &size, nullptr, 0) == 0 && thp) name += std::string(", huge pages: ") + thp;
    return name;
#else
    return "system malloc";
#endif
}

}  // namespace govbus
