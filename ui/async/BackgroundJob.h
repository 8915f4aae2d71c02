#pragma once
// One computation off the GUI thread at a time, for a widget: the work runs on a thread
// pool with a cancel flag and a progress value, and its result (or what went wrong) comes
// back on the GUI thread. Starting again cancels the run before, whose result is then
// dropped. Nothing here waits but finishNow(): a job destroyed while running is told to
// stop and finishes on its own (the work must hold what it reads, not the widget).

#include "common/ThreadPriority.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>

namespace ss {

// Where a job's work runs: by default on Qt's shared pool at low priority (scans and
// sweeps that may take seconds, behind the window); a pool of its own at normal priority
// for short work that the user waits for (writing a file), so that it never queues behind
// long jobs.
struct JobPlacement {
    QThreadPool* pool = nullptr; // null: QThreadPool::globalInstance()
    bool lowPriority = true;
};

template <typename T>
class BackgroundJob {
public:
    // Progress is a fraction in [0, 1]; the work polls the flag and may return early.
    using Progress = std::function<void(double fraction)>;
    using Work = std::function<T(std::atomic<bool>& cancel, const Progress& progress)>;

    static constexpr int kProgressSteps = 1000;

    // `finished` gets the result, `failed` the error's text, `progressed` is called as the
    // progress moves; all on the GUI thread, never after the job is destroyed.
    BackgroundJob(std::function<void(T)> finished, std::function<void(const QString&)> failed,
                  std::function<void()> progressed, JobPlacement placement = {})
        : m_finished(std::move(finished))
        , m_failed(std::move(failed))
        , m_placement(placement)
    {
        QObject::connect(&m_watcher, &QFutureWatcherBase::finished, &m_watcher, [this] { deliver(m_watcher.future()); });
        QObject::connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, &m_watcher,
                         [progressed = std::move(progressed)] { progressed(); });
    }
    BackgroundJob(const BackgroundJob&) = delete;
    BackgroundJob& operator=(const BackgroundJob&) = delete;
    ~BackgroundJob() { cancel(); }

    void start(Work work)
    {
        cancel();
        auto flag = std::make_shared<std::atomic<bool>>(false);
        m_cancel = flag;
        m_delivered = false;
        QThreadPool* pool = m_placement.pool ? m_placement.pool : QThreadPool::globalInstance();
        const bool lowPriority = m_placement.lowPriority;
        m_watcher.setFuture(QtConcurrent::run(pool, [work = std::move(work), flag, lowPriority](QPromise<Outcome>& promise) {
            if (lowPriority)
                lowerThisThreadsPriority();
            promise.setProgressRange(0, kProgressSteps);
            const Progress progress = [&](double fraction) {
                promise.setProgressValue(static_cast<int>(fraction * kProgressSteps));
                if (promise.isCanceled())
                    flag->store(true);
            };
            Outcome outcome;
            try {
                outcome.result = work(*flag, progress);
            } catch (const std::exception& error) {
                outcome.error = QString::fromStdString(error.what());
            }
            promise.addResult(std::move(outcome));
        }));
    }

    // Asks the running work to stop; what it returns still comes back.
    void cancel()
    {
        if (m_cancel)
            m_cancel->store(true);
    }
    // Cancels and stops listening: no result of the run comes back.
    void drop()
    {
        cancel();
        m_delivered = true;
        m_watcher.setFuture(QFuture<Outcome>());
    }
    // Waits for the running work and hands its outcome over now, on the calling (GUI)
    // thread, instead of through the event loop later: for the one place that must have
    // it before going on (a save under way when the window closes). Returns false when no
    // outcome was left to hand over.
    bool finishNow()
    {
        if (m_delivered)
            return false;
        m_watcher.waitForFinished();
        return deliver(m_watcher.future());
    }
    bool isRunning() const { return m_watcher.isRunning(); }
    // True from start() until the outcome has been handed over (or dropped).
    bool isPending() const { return !m_delivered; }
    // In [0, kProgressSteps].
    int progress() const { return m_watcher.progressValue(); }

private:
    struct Outcome {
        T result{}; // value-initialised: a run that threw still copies it into the future
        QString error;
    };

    // Once per run: the watcher's finished signal may still arrive after finishNow().
    bool deliver(const QFuture<Outcome>& future)
    {
        if (m_delivered || future.resultCount() == 0)
            return false;
        m_delivered = true;
        Outcome outcome = future.result();
        if (outcome.error.isEmpty())
            m_finished(std::move(outcome.result));
        else
            m_failed(outcome.error);
        return true;
    }

    std::function<void(T)> m_finished;
    std::function<void(const QString&)> m_failed;
    JobPlacement m_placement;
    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_delivered = true;
};

} // namespace ss
