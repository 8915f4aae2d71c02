#pragma once
// Counts the heap allocations a test makes: replaces malloc and friends for the whole process
// (the executable's definitions take precedence over glibc's). Include it in one file per
// test executable. Under AddressSanitizer or ThreadSanitizer, which own malloc themselves,
// nothing is replaced and kCounting is false.

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <vector>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

inline void noteAllocation()
{
    if (g_counting.load(std::memory_order_relaxed))
        g_allocations.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);

void* malloc(std::size_t size)
{
    noteAllocation();
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size)
{
    noteAllocation();
    return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size)
{
    noteAllocation();
    return __libc_realloc(pointer, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size)
{
    noteAllocation();
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size)
{
    noteAllocation();
    *result = __libc_memalign(alignment, size);
    return *result ? 0 : ENOMEM;
}
}
constexpr bool kCounting = true;
#else
constexpr bool kCounting = false;
#endif

namespace {
// What the counter sees of one new and delete of a vector of 100 ints: at least 2 (the
// object and its buffer) when it works.
inline long allocationsOfAProbe()
{
    g_allocations = 0;
    g_counting = true;
    std::vector<int>* probe = new std::vector<int>(100);
    g_counting = false;
    delete probe;
    return g_allocations.load();
}
} // namespace
