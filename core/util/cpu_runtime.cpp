#include "util/cpu_runtime.h"

#include <dlfcn.h>
#include <malloc.h>

#include <mutex>

namespace posenc::core {

namespace {
// glibc caps the mmap threshold at half its per-thread heap (32 MB on 64-bit); blocks at or below it come
// from the heaps. Freed memory stays mapped until 512 MB of it is free at a heap's top.
constexpr int kMmapThreshold = 32 * 1024 * 1024;
constexpr int kTrimThreshold = 512 * 1024 * 1024;
} // namespace

bool setBlasThreads(int threads) {
    using SetFn = void (*)(int);
    static const auto set = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (!set)
        return false;
    set(threads);
    return true;
}

int blasThreads() {
    using GetFn = int (*)();
    static const auto get = reinterpret_cast<GetFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return get ? get() : 0;
}

void keepFreedMemory() {
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
        mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
    });
}

} // namespace posenc::core
