#include "common/ThreadTeam.h"

#include "common/Error.h"

#include <omp.h>

#include <algorithm>

#include <cstdio>
#include <cstdlib>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ss {

namespace {

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

// About 10-20 microseconds of pause instructions: covers the hand-offs of a step when both
// cores are free, and is short enough not to matter when they are not.
constexpr int kSpinIterations = 512;

} // namespace

int teamThreadCount()
{
    static const int count = [] {
        const char* text = std::getenv("SPARSESCOPE_THREADS");
        if (text == nullptr || *text == '\0')
            return std::max(1, omp_get_max_threads());
        char* end = nullptr;
        const long value = std::strtol(text, &end, 10);
        if (*end != '\0' || value < 1 || value > 256) {
            std::fprintf(stderr, "sparsescope: SPARSESCOPE_THREADS=%s is not a count from 1 to 256: using %d\n", text,
                         std::max(1, omp_get_max_threads()));
            return std::max(1, omp_get_max_threads());
        }
        return static_cast<int>(value);
    }();
    return count;
}

ThreadTeam::ThreadTeam(int size)
    : m_size(size)
{
    if (size < 1)
        throw ConfigError("ThreadTeam: size must be >= 1, got " + std::to_string(size));
    m_helpers.reserve(static_cast<std::size_t>(size - 1));
    for (int member = 1; member < size; ++member)
        m_helpers.emplace_back([this, member] { helperLoop(member); });
}

ThreadTeam::~ThreadTeam()
{
    m_stop.store(true, std::memory_order_release);
    m_generation.fetch_add(1, std::memory_order_acq_rel);
    m_generation.notify_all();
    for (std::thread& helper : m_helpers)
        helper.join();
}

void ThreadTeam::waitWhileEqual(const std::atomic<unsigned>& value, unsigned old)
{
    for (int i = 0; i < kSpinIterations; ++i) {
        if (value.load(std::memory_order_acquire) != old)
            return;
        cpuRelax();
    }
    while (value.load(std::memory_order_acquire) == old)
        value.wait(old, std::memory_order_acquire);
}

void ThreadTeam::finish(int member, std::exception_ptr error)
{
    if (error) {
        const std::lock_guard<std::mutex> lock(m_errorMutex);
        if (!m_error)
            m_error = error;
    }
    if (member != 0 && m_remaining.fetch_sub(1, std::memory_order_acq_rel) == 1)
        m_remaining.notify_all();
}

void ThreadTeam::helperLoop(int member)
{
    unsigned seen = 0;
    for (;;) {
        waitWhileEqual(m_generation, seen);
        seen = m_generation.load(std::memory_order_acquire);
        if (m_stop.load(std::memory_order_acquire))
            return;
        std::exception_ptr error;
        invoke(member, error);
        finish(member, error);
    }
}

void ThreadTeam::invoke(int member, std::exception_ptr& error)
{
    try {
        m_call(m_task, member);
    } catch (...) {
        error = std::current_exception();
    }
}

void ThreadTeam::runErased(void* task, Trampoline call)
{
    m_error = nullptr;
    m_task = task;
    m_call = call;
    if (m_size > 1) {
        m_remaining.store(static_cast<unsigned>(m_size - 1), std::memory_order_release);
        m_generation.fetch_add(1, std::memory_order_acq_rel);
        m_generation.notify_all();
    }
    std::exception_ptr error;
    invoke(0, error);
    finish(0, error);
    for (;;) {
        const unsigned remaining = m_remaining.load(std::memory_order_acquire);
        if (remaining == 0)
            break;
        waitWhileEqual(m_remaining, remaining);
    }
    m_task = nullptr;
    m_call = nullptr;
    if (m_error)
        std::rethrow_exception(m_error);
}

void ThreadTeam::barrier()
{
    if (m_size == 1)
        return;
    const unsigned round = m_round.load(std::memory_order_acquire);
    if (m_arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<unsigned>(m_size)) {
        m_arrived.store(0, std::memory_order_relaxed);
        m_round.fetch_add(1, std::memory_order_acq_rel);
        m_round.notify_all();
        return;
    }
    waitWhileEqual(m_round, round);
}

} // namespace ss
