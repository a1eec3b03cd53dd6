#include "tools/govbusd/allocator.hpp"

#ifdef GOVBUS_JEMALLOC
#include <jemalloc/jemalloc.h>

// jemalloc reads this string at start-up (MALLOC_CONF in the environment
// still overrides it). thp:always asks the kernel for 2 MiB pages for the
// heap (madvise, so it holds where the system's THP mode is "madvise"): a
// 64 KiB message's buffers are allocated fresh on one thread and freed on
// another, and with 4 KiB pages the node took 20 000-35 000 page faults a
// second, each zeroing a page, at about 2 000 such messages a second. With
// huge pages it takes 1 600-2 500 and, with 64 KiB JSON messages, up to 17%
// less CPU per message, for 25-120 MB more resident memory (bench/RESULTS.md).
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:auto";
}
#endif

namespace govbus {

#ifdef GOVBUS_JEMALLOC
namespace {

// A string-valued jemalloc setting ("version", "opt.thp"); null when unknown.
const char* jemalloc_text(const char* name) {
    const char* value = nullptr;
    std::size_t size = sizeof(value);
    return mallctl(name, &value, &size, nullptr, 0) == 0 ? value : nullptr;
}

}  // namespace
#endif

std::string allocator_name() {
#ifdef GOVBUS_JEMALLOC
    // Asking jemalloc for its version also makes the link keep the library,
    // which the node otherwise only reaches through malloc and free.
    std::string name = "jemalloc";
    if (const char* version = jemalloc_text("version")) name += std::string(" ") + version;
    if (const char* thp = jemalloc_text("opt.thp")) name += std::string(", huge pages: ") + thp;
    return name;
#else
    return "system malloc";
#endif
}

}  // namespace govbus
