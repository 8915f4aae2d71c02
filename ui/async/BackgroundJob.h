#pragma once
// One computation off the GUI thread at a time, for a widget: the work runs on Qt's thread
// pool at low priority with a cancel flag and a progress value, and its result (or what
// went wrong) comes back on the GUI thread. Starting again cancels the run before, whose
// result is then dropped. Nothing here waits: a job destroyed while running is told to
// stop and finishes on its own (the work must hold what it reads, not the widget).

#include "common/ThreadPriority.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>

namespace ss {

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
                  std::function<void()> progressed)
    {
        QObject::connect(&m_watcher, &QFutureWatcherBase::finished, &m_watcher,
                         [this, finished = std::move(finished), failed = std::move(failed)] {
                             if (m_watcher.future().resultCount() == 0)
                                 return;
                             Outcome outcome = m_watcher.result();
                             if (outcome.error.isEmpty())
                                 finished(std::move(outcome.result));
                             else
                                 failed(outcome.error);
                         });
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
        m_watcher.setFuture(QtConcurrent::run([work = std::move(work), flag](QPromise<Outcome>& promise) {
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
        m_watcher.setFuture(QFuture<Outcome>());
    }
    bool isRunning() const { return m_watcher.isRunning(); }
    // In [0, kProgressSteps].
    int progress() const { return m_watcher.progressValue(); }

private:
    struct Outcome {
        T result;
        QString error;
    };
    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace ss
