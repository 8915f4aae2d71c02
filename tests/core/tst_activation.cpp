#include "common/Error.h"
#include "nn/Activation.h"

#include <QtTest>

#include <cmath>

using namespace ss;

class TestActivation : public QObject {
    Q_OBJECT

private slots:
    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expected");
        QTest::newRow("relu") << "relu" << int(Activation::ReLU);
        QTest::newRow("ReLU") << "ReLU" << int(Activation::ReLU);
        QTest::newRow("tanh") << "TANH" << int(Activation::Tanh);
        QTest::newRow("sigmoid") << "sigmoid" << int(Activation::Sigmoid);
        QTest::newRow("linear") << "Linear" << int(Activation::Linear);
    }
    void names()
    {
        QFETCH(QString, name);
        QFETCH(int, expected);
        const Activation activation = activationFromString(name.toStdString());
        QCOMPARE(int(activation), expected);
        QVERIFY(activationFromString(toString(activation)) == activation);
    }

    void unknownNameRejected()
    {
        try {
            activationFromString("swish");
            QFAIL("expected ConfigError");
        } catch (const ConfigError& error) {
            QVERIFY(std::string(error.what()).find("swish") != std::string::npos);
        }
    }

    void values()
    {
        Matrix z(1, 5);
        z << -2.0f, -0.5f, 0.0f, 0.5f, 2.0f;
        Matrix relu = z;
        applyActivation(Activation::ReLU, relu);
        Matrix expectedRelu(1, 5);
        expectedRelu << 0, 0, 0, 0.5f, 2.0f;
        QCOMPARE(relu, expectedRelu);

        Matrix tanh = z;
        applyActivation(Activation::Tanh, tanh);
        Matrix sigmoid = z;
        applyActivation(Activation::Sigmoid, sigmoid);
        Matrix linear = z;
        applyActivation(Activation::Linear, linear);
        QCOMPARE(linear, z);
        for (int j = 0; j < 5; ++j) {
            const double x = z(0, j);
            QVERIFY(std::abs(tanh(0, j) - std::tanh(x)) < 1e-6);
            QVERIFY(std::abs(sigmoid(0, j) - 1.0 / (1.0 + std::exp(-x))) < 1e-6);
        }
        QCOMPARE(sigmoid(0, 2), 0.5f);
    }

    void sigmoidStableAtExtremes()
    {
        Matrix z(1, 4);
        z << -1000.0f, -100.0f, 100.0f, 1000.0f;
        applyActivation(Activation::Sigmoid, z);
        QVERIFY(z.allFinite());
        QVERIFY(z(0, 0) >= 0.0f && z(0, 0) < 1e-30f);
        QCOMPARE(z(0, 3), 1.0f);
        Matrix t(1, 2);
        t << -1000.0f, 1000.0f;
        applyActivation(Activation::Tanh, t);
        QCOMPARE(t(0, 0), -1.0f);
        QCOMPARE(t(0, 1), 1.0f);
    }

    void derivativesMatchFiniteDifferences_data()
    {
        QTest::addColumn<int>("activation");
        QTest::newRow("relu") << int(Activation::ReLU);
        QTest::newRow("tanh") << int(Activation::Tanh);
        QTest::newRow("sigmoid") << int(Activation::Sigmoid);
        QTest::newRow("linear") << int(Activation::Linear);
    }
    void derivativesMatchFiniteDifferences()
    {
        QFETCH(int, activation);
        const auto kind = Activation(activation);
        Matrix z(2, 4);
        z << -1.7f, -0.3f, 0.2f, 1.1f, -0.05f, 0.6f, 2.5f, -3.0f; // no point near ReLU's kink
        Matrix a = z;
        applyActivation(kind, a);
        Matrix grad = Matrix::Constant(2, 4, 1.5f);
        multiplyByDerivative(kind, a, grad);
        const float h = 1e-2f;
        for (int i = 0; i < z.rows(); ++i) {
            for (int j = 0; j < z.cols(); ++j) {
                Matrix plus(1, 1), minus(1, 1);
                plus(0, 0) = z(i, j) + h;
                minus(0, 0) = z(i, j) - h;
                applyActivation(kind, plus);
                applyActivation(kind, minus);
                const double numeric = 1.5 * (double(plus(0, 0)) - double(minus(0, 0))) / (2.0 * h);
                QVERIFY2(std::abs(numeric - grad(i, j)) < 2e-3 * std::max(1.0, std::abs(numeric)),
                         qPrintable(QString("at %1: numeric %2 analytic %3").arg(z(i, j)).arg(numeric).arg(grad(i, j))));
            }
        }
    }

    void reluDerivativeIsZeroForInactiveUnits()
    {
        Matrix a(1, 3);
        a << 0.0f, 0.0f, 3.0f;
        Matrix grad = Matrix::Constant(1, 3, 2.0f);
        multiplyByDerivative(Activation::ReLU, a, grad);
        QCOMPARE(grad(0, 0), 0.0f);
        QCOMPARE(grad(0, 1), 0.0f);
        QCOMPARE(grad(0, 2), 2.0f);
    }

    void blocksWorkInPlace()
    {
        // The trainer applies activations to column blocks of a preallocated buffer.
        Matrix z = Matrix::Constant(3, 6, -1.0f);
        applyActivation(Activation::ReLU, z.leftCols(2));
        QCOMPARE(z.leftCols(2).sum(), 0.0f);
        QCOMPARE(z.rightCols(4).sum(), -12.0f);
    }

    void mismatchedDerivativeShapesRejected()
    {
        Matrix a(2, 3), grad(3, 2);
        a.setZero();
        grad.setZero();
        QVERIFY_THROWS_EXCEPTION(ConfigError, multiplyByDerivative(Activation::Tanh, a, grad));
    }
};

QTEST_APPLESS_MAIN(TestActivation)
#include "tst_activation.moc"
