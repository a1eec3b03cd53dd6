// Names the calling thread, as `top -H`, `ps -L`, perf and /proc show it.
// Linux takes names of up to 15 bytes (a longer one is refused and the
// thread keeps its name); a thread starts with its creator's name, which is
// how the AMQP container's and the intake pool's own threads get theirs.
#pragma once

#include <pthread.h>

#include <string>

namespace govbus {

inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

inline std::string this_thread_name() {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    return name;
}

// Names the calling thread for as long as it lives, then gives the old name
// back: threads created meanwhile keep the scope's name.
class ThreadNameScope {
public:
    explicit ThreadNameScope(const char* name) : previous_(this_thread_name()) { name_this_thread(name); }
    ~ThreadNameScope() { name_this_thread(previous_.c_str()); }
    ThreadNameScope(const ThreadNameScope&) = delete;
    ThreadNameScope& operator=(const ThreadNameScope&) = delete;

private:
    std::string previous_;
};

}  // namespace govbus
