// The single-shot throttle: a first request runs at once, requests inside the interval merge
// into one run at its end, and runNow / cancel do what they say.
#include <QtTest>

#include "async/Throttle.h"

using ss::Throttle;

class TestThrottle : public QObject {
    Q_OBJECT

private slots:
    void aFirstRequestRunsAtOnce()
    {
        int runs = 0;
        Throttle throttle(200, Throttle::WhenDue::RunAtOnce, [&] { ++runs; }, nullptr);
        throttle.request();
        QCOMPARE(runs, 1);
        QVERIFY(!throttle.isPending());
    }

    void requestsInsideTheIntervalMergeIntoOneRunAtItsEnd()
    {
        int runs = 0;
        Throttle throttle(150, Throttle::WhenDue::RunAtOnce, [&] { ++runs; }, nullptr);
        QElapsedTimer clock;
        clock.start();
        throttle.request();
        throttle.request();
        throttle.request();
        QCOMPARE(runs, 1);
        QVERIFY(throttle.isPending());
        QTRY_COMPARE_WITH_TIMEOUT(runs, 2, 2000);
        QVERIFY(clock.elapsed() >= 140);
        QVERIFY(!throttle.isPending());
        QTest::qWait(300);
        QCOMPARE(runs, 2); // the merged requests ran once, not once each
    }

    void runNowRunsAndDropsThePutOffRun()
    {
        int runs = 0;
        Throttle throttle(150, Throttle::WhenDue::RunAtOnce, [&] { ++runs; }, nullptr);
        throttle.request();
        throttle.request();
        QVERIFY(throttle.isPending());
        throttle.runNow();
        QCOMPARE(runs, 2);
        QVERIFY(!throttle.isPending());
        QTest::qWait(300);
        QCOMPARE(runs, 2);
    }

    void cancelDropsThePutOffRun()
    {
        int runs = 0;
        Throttle throttle(100, Throttle::WhenDue::RunAtOnce, [&] { ++runs; }, nullptr);
        throttle.request();
        throttle.request();
        throttle.cancel();
        QVERIFY(!throttle.isPending());
        QTest::qWait(250);
        QCOMPARE(runs, 1);
    }

    void onNextTurnADueRequestWaitsForTheEventLoop()
    {
        int runs = 0;
        Throttle throttle(1000, Throttle::WhenDue::RunOnNextTurn, [&] { ++runs; }, nullptr);
        throttle.request();
        throttle.request();
        QCOMPARE(runs, 0);
        QVERIFY(throttle.isPending());
        QTRY_COMPARE_WITH_TIMEOUT(runs, 1, 500);
        QVERIFY(!throttle.isPending());
    }

    void theIntervalCanChangeBetweenRequests()
    {
        int runs = 0;
        Throttle throttle(0, Throttle::WhenDue::RunAtOnce, [&] { ++runs; }, nullptr);
        throttle.request();
        throttle.request();
        QCOMPARE(runs, 2); // no interval: every request runs
        throttle.setIntervalMs(5000);
        QCOMPARE(throttle.intervalMs(), 5000);
        throttle.request();
        QCOMPARE(runs, 2);
        QVERIFY(throttle.isPending());
    }
};

QTEST_MAIN(TestThrottle)
#include "tst_throttle.moc"
