#include "common/Error.h"
#include "nn/Loss.h"

#include <QtTest>

#include <cmath>

using namespace ss;

namespace {
double sigmoid(double z)
{
    return 1.0 / (1.0 + std::exp(-z));
}
} // namespace

class TestLoss : public QObject {
    Q_OBJECT

private slots:
    void binaryHandComputed()
    {
        Matrix z(1, 3);
        z << 0.0f, 2.0f, -3.0f;
        const Labels y = {1, 0, 0};
        // -log(sigmoid(0)) = log 2; -log(1 - sigmoid(2)) = log(1 + e^2); -log(1 - sigmoid(-3)) = log(1 + e^-3)
        const double expected = (std::log(2.0) + std::log(1.0 + std::exp(2.0)) + std::log(1.0 + std::exp(-3.0))) / 3.0;
        QVERIFY(std::abs(expected - 0.9562203) < 1e-6); // the hand-computed figure itself
        Matrix gradient(1, 3);
        const double loss = binaryCrossEntropy(z, y, gradient);
        QVERIFY(std::abs(loss - expected) < 1e-6);
        QVERIFY(std::abs(binaryCrossEntropy(z, y) - expected) < 1e-6);
        QVERIFY(std::abs(gradient(0, 0) - (0.5 - 1.0) / 3.0) < 1e-6);
        QVERIFY(std::abs(gradient(0, 1) - sigmoid(2.0) / 3.0) < 1e-6);
        QVERIFY(std::abs(gradient(0, 2) - sigmoid(-3.0) / 3.0) < 1e-6);
    }

    void categoricalHandComputed()
    {
        Matrix z(3, 2);
        z << 1.0f, 0.0f,
             2.0f, 0.0f,
             3.0f, 0.0f;
        const Labels y = {2, 0};
        // Column 0: logsumexp(1,2,3) - 3 = 0.4076059645; column 1: log 3.
        const double expected = (0.4076059645 + std::log(3.0)) / 2.0;
        Matrix gradient(3, 2);
        const double loss = categoricalCrossEntropy(z, y, gradient);
        QVERIFY(std::abs(loss - expected) < 1e-6);
        const double p[3] = {0.0900305732, 0.2447284711, 0.6652409558};
        QVERIFY(std::abs(gradient(0, 0) - p[0] / 2) < 1e-6);
        QVERIFY(std::abs(gradient(1, 0) - p[1] / 2) < 1e-6);
        QVERIFY(std::abs(gradient(2, 0) - (p[2] - 1) / 2) < 1e-6);
        QVERIFY(std::abs(gradient(0, 1) - (1.0 / 3 - 1) / 2) < 1e-6);
        QVERIFY(std::abs(gradient(1, 1) - (1.0 / 3) / 2) < 1e-6);
        // Each column of the softmax gradient sums to 0.
        QVERIFY(std::abs(gradient.col(0).sum()) < 1e-6f);
        QVERIFY(std::abs(gradient.col(1).sum()) < 1e-6f);
    }

    void binaryStableAtExtremes()
    {
        Matrix z(1, 4);
        z << 1000.0f, 1000.0f, -1000.0f, -1000.0f;
        const Labels y = {1, 0, 1, 0};
        Matrix gradient(1, 4);
        const double loss = binaryCrossEntropy(z, y, gradient);
        QVERIFY(std::isfinite(loss));
        // Losses 0, 1000, 1000, 0 exactly.
        QCOMPARE(loss, 500.0);
        QVERIFY(gradient.allFinite());
        QCOMPARE(gradient(0, 0), 0.0f);
        QCOMPARE(gradient(0, 1), 0.25f);
        QCOMPARE(gradient(0, 2), -0.25f);
        QCOMPARE(gradient(0, 3), 0.0f);
    }

    void categoricalStableAtExtremes()
    {
        Matrix z(3, 3);
        z << 1000.0f, -1000.0f, 1000.0f,
             -1000.0f, 1000.0f, 1000.0f,
             0.0f, 0.0f, -1000.0f;
        const Labels y = {0, 0, 2};
        Matrix gradient(3, 3);
        const double loss = categoricalCrossEntropy(z, y, gradient);
        QVERIFY(std::isfinite(loss));
        // Column 0: 0. Column 1: 2000. Column 2: 1000 + log 2 - (-1000) = 2000 + log 2.
        QVERIFY(std::abs(loss - (0.0 + 2000.0 + 2000.0 + std::log(2.0)) / 3.0) < 1e-3);
        QVERIFY(gradient.allFinite());
        QVERIFY(std::abs(gradient(1, 1) - 1.0f / 3) < 1e-7f);
        QVERIFY(std::abs(gradient(0, 1) + 1.0f / 3) < 1e-7f);
        QVERIFY(std::abs(gradient(0, 2) - 0.5f / 3) < 1e-7f);
    }

    void gradientsMatchFiniteDifferences_data()
    {
        QTest::addColumn<bool>("binary");
        QTest::newRow("binary") << true;
        QTest::newRow("categorical") << false;
    }
    void gradientsMatchFiniteDifferences()
    {
        QFETCH(bool, binary);
        const int rows = binary ? 1 : 4;
        Matrix z(rows, 5);
        z.setRandom();
        z *= 3.0f;
        const Labels y = binary ? Labels{0, 1, 1, 0, 1} : Labels{0, 3, 2, 1, 3};
        Matrix gradient(rows, 5);
        crossEntropy(binary, z, y, gradient);
        const float h = 1e-2f;
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < 5; ++j) {
                Matrix plus = z, minus = z;
                plus(i, j) += h;
                minus(i, j) -= h;
                const double step = double(plus(i, j)) - double(minus(i, j));
                const double numeric = (crossEntropy(binary, plus, y) - crossEntropy(binary, minus, y)) / step;
                QVERIFY2(std::abs(numeric - gradient(i, j)) < 1e-4,
                         qPrintable(QString("(%1,%2): numeric %3 analytic %4").arg(i).arg(j).arg(numeric).arg(gradient(i, j))));
            }
    }

    void sumIsMeanTimesCount()
    {
        Matrix z(3, 4);
        z.setRandom();
        const Labels y = {0, 1, 2, 1};
        QVERIFY(std::abs(crossEntropySum(false, z, y) - 4 * categoricalCrossEntropy(z, y)) < 1e-9);
        Matrix b(1, 4);
        b.setRandom();
        QVERIFY(std::abs(crossEntropySum(true, b, Labels{0, 1, 1, 0})
                         - 4 * binaryCrossEntropy(b, Labels{0, 1, 1, 0})) < 1e-9);
    }

    void emptyBatchIsZero()
    {
        const Matrix z(3, 0);
        QCOMPARE(categoricalCrossEntropy(z, Labels{}), 0.0);
    }

    void badInputRejected()
    {
        Matrix z(1, 2);
        z.setZero();
        Matrix gradient(1, 2);
        try {
            binaryCrossEntropy(z, Labels{0, 2}, gradient);
            QFAIL("label 2 accepted for a binary loss");
        } catch (const ConfigError& error) {
            QVERIFY2(std::string(error.what()).find("label 2") != std::string::npos, error.what());
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, binaryCrossEntropy(z, Labels{0}));
        Matrix wrong(1, 3);
        QVERIFY_THROWS_EXCEPTION(ConfigError, binaryCrossEntropy(z, Labels{0, 1}, wrong));
        Matrix z3(3, 2);
        z3.setZero();
        QVERIFY_THROWS_EXCEPTION(ConfigError, categoricalCrossEntropy(z3, Labels{0, 3}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, categoricalCrossEntropy(z3, Labels{-1, 0}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, categoricalCrossEntropy(z, Labels{0, 1})); // one row
    }

    void nanPropagates()
    {
        // Divergence detection relies on a NaN logit giving a NaN loss.
        Matrix z(1, 2);
        z << std::numeric_limits<float>::quiet_NaN(), 0.0f;
        QVERIFY(std::isnan(binaryCrossEntropy(z, Labels{1, 0})));
        Matrix z3(2, 1);
        z3 << std::numeric_limits<float>::infinity(), 0.0f;
        QVERIFY(!std::isfinite(categoricalCrossEntropy(z3, Labels{1})));
    }
};

QTEST_APPLESS_MAIN(TestLoss)
#include "tst_loss.moc"
