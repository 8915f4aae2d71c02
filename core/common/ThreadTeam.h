#pragma once
// A small team of persistent threads for the training step: run() gives every member the
// same task and returns when all have finished; barrier() lets the members meet inside it.
// Waiting members spin for a few microseconds and then sleep (futex, via std::atomic::wait),
// where OpenMP's default keeps spinning for up to milliseconds: when other programs (or the
// app's GUI thread) share the cores, a spinning partner burns the very time slice the
// member it waits for needs, and a 2-thread step then ran 6x SLOWER than one thread.

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ss {

// How many members the thread teams of the training step and the evaluator have:
// SPARSESCOPE_THREADS when set (1 to 256), else OpenMP's count (OMP_NUM_THREADS). Apart from
// OpenMP so that a run can keep OpenMP to one thread (ThreadSanitizer cannot see inside
// libgomp) while the teams still run two.
int teamThreadCount();

class ThreadTeam {
public:
    // size >= 1 members: the calling thread is member 0, size - 1 helper threads are started.
    explicit ThreadTeam(int size);
    ~ThreadTeam();
    ThreadTeam(const ThreadTeam&) = delete;
    ThreadTeam& operator=(const ThreadTeam&) = delete;

    int size() const { return m_size; }

    // Runs task(member) for every member, member 0 on the calling thread, and returns when all
    // are done. The first exception a task throws is rethrown here (after all have finished).
    // Not reentrant: call it from one thread at a time, and not from inside a task. The task
    // is held by reference (no std::function, which may allocate for a large capture: this
    // runs in the training step loop, which must not allocate).
    template <typename Task>
    void run(Task& task)
    {
        runErased(&task, [](void* object, int member) { (*static_cast<Task*>(object))(member); });
    }

    // Inside a task: waits until every member has reached the barrier. Every member must
    // call it the same number of times.
    void barrier();

private:
    using Trampoline = void (*)(void* task, int member);
    void runErased(void* task, Trampoline call);
    void invoke(int member, std::exception_ptr& error);
    void helperLoop(int member);
    void finish(int member, std::exception_ptr error);
    static void waitWhileEqual(const std::atomic<unsigned>& value, unsigned old);

    int m_size;
    std::vector<std::thread> m_helpers;
    void* m_task = nullptr;
    Trampoline m_call = nullptr;
    std::atomic<unsigned> m_generation{0}; // bumped to start a run (and to stop: see m_stop)
    std::atomic<unsigned> m_remaining{0};  // helpers still working on the current run
    std::atomic<bool> m_stop{false};
    // Barrier: arrivals in the current round and the round number.
    std::atomic<unsigned> m_arrived{0};
    std::atomic<unsigned> m_round{0};
    std::mutex m_errorMutex;
    std::exception_ptr m_error;
};

} // namespace ss
