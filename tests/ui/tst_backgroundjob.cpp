// BackgroundJob: the result comes back on the GUI thread with progress on the way, a
// cancelled run stops early, a restart drops the run before, a failure comes back as text,
// and destroying a running job does not wait for it.
#include <QtTest>

#include "async/BackgroundJob.h"

#include <chrono>
#include <thread>

using ss::BackgroundJob;

namespace {

// Counts up to `steps`, a millisecond a step, until cancelled; returns how far it came.
int countUp(std::atomic<bool>& cancel, const BackgroundJob<int>::Progress& progress, int steps)
{
    int done = 0;
    while (done < steps && !cancel.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++done;
        progress(static_cast<double>(done) / steps);
    }
    return done;
}

} // namespace

class TestBackgroundJob : public QObject {
    Q_OBJECT

private slots:
    void theResultComesBackOnTheGuiThread()
    {
        QList<int> results;
        int progressed = 0;
        QThread* resultThread = nullptr;
        BackgroundJob<int> job([&](int r) { results << r; resultThread = QThread::currentThread(); },
                               [](const QString& error) { QFAIL(qPrintable(error)); }, [&] { ++progressed; });
        job.start([](std::atomic<bool>& cancel, const auto& progress) { return countUp(cancel, progress, 50); });
        QVERIFY(job.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(results, QList<int>{50}, 5000);
        QVERIFY(!job.isRunning());
        QCOMPARE(resultThread, QThread::currentThread());
        QVERIFY(progressed > 0);
        QCOMPARE(job.progress(), BackgroundJob<int>::kProgressSteps);
    }

    void cancelStopsTheWorkEarly()
    {
        QList<int> results;
        BackgroundJob<int> job([&](int r) { results << r; }, [](const QString&) {}, [] {});
        job.start([](std::atomic<bool>& cancel, const auto& progress) { return countUp(cancel, progress, 100000); });
        QTest::qWait(20);
        job.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 5000);
        QVERIFY(results.front() < 100000);
    }

    void aRestartDropsTheRunBefore()
    {
        QList<int> results;
        BackgroundJob<int> job([&](int r) { results << r; }, [](const QString&) {}, [] {});
        job.start([](std::atomic<bool>& cancel, const auto& progress) { return -countUp(cancel, progress, 100000); });
        job.start([](std::atomic<bool>& cancel, const auto& progress) { return countUp(cancel, progress, 20); });
        QTRY_VERIFY_WITH_TIMEOUT(!job.isRunning() && !results.isEmpty(), 5000);
        QTest::qWait(50);
        QCOMPARE(results, QList<int>{20});
    }

    void dropStopsListening()
    {
        int results = 0;
        BackgroundJob<int> job([&](int) { ++results; }, [](const QString&) {}, [] {});
        job.start([](std::atomic<bool>& cancel, const auto& progress) { return countUp(cancel, progress, 30); });
        job.drop();
        QVERIFY(!job.isRunning());
        QTest::qWait(150);
        QCOMPARE(results, 0);
    }

    void aFailureComesBackAsText()
    {
        QString failure;
        BackgroundJob<int> job([](int) { QFAIL("no result expected"); }, [&](const QString& error) { failure = error; }, [] {});
        job.start([](std::atomic<bool>&, const auto&) -> int { throw std::runtime_error("no data"); });
        QTRY_COMPARE_WITH_TIMEOUT(failure, QStringLiteral("no data"), 5000);
    }

    void destroyingARunningJobDoesNotWait()
    {
        auto stopped = std::make_shared<std::atomic<bool>>(false);
        QElapsedTimer clock;
        clock.start();
        {
            BackgroundJob<int> job([](int) {}, [](const QString&) {}, [] {});
            job.start([stopped](std::atomic<bool>& cancel, const auto&) {
                while (!cancel.load())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                stopped->store(true);
                return 0;
            });
            QTest::qWait(10);
        }
        QVERIFY(clock.elapsed() < 250); // the work still has 300 ms to go
        QVERIFY(!stopped->load());
        QTRY_VERIFY_WITH_TIMEOUT(stopped->load(), 5000); // and it was told to stop
    }
};

QTEST_MAIN(TestBackgroundJob)
#include "tst_backgroundjob.moc"
