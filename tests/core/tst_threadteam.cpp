#include "common/Error.h"
#include "common/ThreadTeam.h"

#include <QtTest>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace ss;

class TestThreadTeam : public QObject {
    Q_OBJECT

private slots:
    void everyMemberRunsOnce_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("alone") << 1;
        QTest::newRow("pair") << 2;
        QTest::newRow("four") << 4;
    }
    void everyMemberRunsOnce()
    {
        QFETCH(int, size);
        ThreadTeam team(size);
        QCOMPARE(team.size(), size);
        for (int round = 0; round < 200; ++round) {
            std::vector<std::atomic<int>> runs(static_cast<std::size_t>(size));
            auto task = [&](int member) { runs[static_cast<std::size_t>(member)].fetch_add(1); };
            team.run(task);
            for (const auto& count : runs)
                QCOMPARE(count.load(), 1);
        }
    }

    void barrierOrdersPhases()
    {
        // Phase 2 reads what every member wrote in phase 1.
        ThreadTeam team(3);
        for (int round = 0; round < 100; ++round) {
            std::vector<int> written(3, 0);
            std::vector<int> sums(3, 0);
            auto task = [&](int member) {
                written[static_cast<std::size_t>(member)] = member + round;
                team.barrier();
                int sum = 0;
                for (const int value : written)
                    sum += value;
                sums[static_cast<std::size_t>(member)] = sum;
                team.barrier();
            };
            team.run(task);
            for (const int sum : sums)
                QCOMPARE(sum, 3 + 3 * round);
        }
    }

    void exceptionsReachTheCaller()
    {
        ThreadTeam team(2);
        auto failing = [](int member) {
            if (member == 1)
                throw std::runtime_error("helper failed");
        };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, team.run(failing));
        // The team is still usable afterwards.
        std::atomic<int> runs{0};
        auto counting = [&](int) { runs.fetch_add(1); };
        team.run(counting);
        QCOMPARE(runs.load(), 2);
    }

    void badSizeRejected()
    {
        QVERIFY_THROWS_EXCEPTION(ConfigError, ThreadTeam(0));
    }
};

QTEST_APPLESS_MAIN(TestThreadTeam)
#include "tst_threadteam.moc"
