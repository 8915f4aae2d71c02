#include "common/Error.h"
#include "nn/Backpropagation.h"
#include "kernels/Gemm.h"

#include <QtTest>

using namespace ss;

namespace {

// Reference in double: op(A) * op(B).
Eigen::MatrixXd reference(bool transposeA, bool transposeB, const Matrix& a, const Matrix& b)
{
    const Eigen::MatrixXd ad = a.cast<double>();
    const Eigen::MatrixXd bd = b.cast<double>();
    const Eigen::MatrixXd opA = transposeA ? Eigen::MatrixXd(ad.transpose()) : ad;
    const Eigen::MatrixXd opB = transposeB ? Eigen::MatrixXd(bd.transpose()) : bd;
    return opA.lazyProduct(opB); // no GEMM threads: a reference must not depend on the machine load
}

} // namespace

class TestGemm : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        // Tile edges (32 rows, 12 columns), block edges (512 inner, 256 rows) and shapes
        // like the training ones (784 inputs, gradients of a 784-input layer).
        QTest::newRow("one") << 1 << 1 << 1;
        QTest::newRow("tiny odd") << 5 << 3 << 7;
        QTest::newRow("tile exact") << 32 << 12 << 16;
        QTest::newRow("tile plus one") << 33 << 13 << 17;
        QTest::newRow("rows below 16") << 10 << 25 << 40;
        QTest::newRow("rows 17..31") << 27 << 30 << 9;
        QTest::newRow("inner past block") << 40 << 20 << 1100;
        QTest::newRow("rows past block") << 300 << 14 << 50;
        QTest::newRow("two inner blocks") << 70 << 40 << 784;
        QTest::newRow("weight gradient") << 64 << 784 << 96;
    }
    void matchesReference()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        for (const bool transposeA : {false, true})
            for (const bool transposeB : {false, true})
                for (const bool accumulate : {false, true}) {
                    // Leading dimensions larger than the rows: operands are blocks of bigger buffers.
                    Matrix bigA = Matrix::Random((transposeA ? k : m) + 3, transposeA ? m : k);
                    Matrix bigB = Matrix::Random((transposeB ? n : k) + 5, transposeB ? k : n);
                    Matrix bigC = Matrix::Random(m + 2, n);
                    const Matrix a = bigA.topRows(bigA.rows() - 3);
                    const Matrix b = bigB.topRows(bigB.rows() - 5);
                    const Matrix before = bigC;
                    gemm(transposeA, transposeB, m, n, k, bigA.data(), bigA.rows(), bigB.data(), bigB.rows(), bigC.data(),
                         bigC.rows(), accumulate);
                    Eigen::MatrixXd expected = reference(transposeA, transposeB, a, b);
                    if (accumulate)
                        expected += before.topRows(m).cast<double>();
                    const double scale = std::sqrt(double(k)) + 1;
                    const double error = (bigC.topRows(m).cast<double>() - expected).cwiseAbs().maxCoeff();
                    QVERIFY2(error < 1e-5 * scale * 4,
                             qPrintable(QString("transposeA %1 transposeB %2 accumulate %3: max error %4")
                                            .arg(transposeA).arg(transposeB).arg(accumulate).arg(error)));
                    // Rows below the result (inside the leading dimension) are untouched.
                    QVERIFY(bigC.bottomRows(2) == before.bottomRows(2));
                }
    }

    void deterministic()
    {
        const Matrix a = Matrix::Random(256, 784);
        const Matrix b = Matrix::Random(784, 128);
        Matrix c1(256, 128), c2(256, 128);
        gemm(false, false, 256, 128, 784, a.data(), 256, b.data(), 784, c1.data(), 256);
        gemm(false, false, 256, 128, 784, a.data(), 256, b.data(), 784, c2.data(), 256);
        QVERIFY(c1 == c2);
    }

    void emptyInner()
    {
        Matrix c = Matrix::Constant(3, 2, 7.0f);
        const Matrix a(3, 0), b(0, 2);
        gemm(false, false, 3, 2, 0, a.data(), 3, b.data(), 1, c.data(), 3, true);
        QVERIFY(c.isConstant(7.0f));
        gemm(false, false, 3, 2, 0, a.data(), 3, b.data(), 1, c.data(), 3);
        QVERIFY(c.isZero(0));
    }

    void badArgumentsRejected()
    {
        Matrix a(4, 4), b(4, 4), c(4, 4);
        QVERIFY_THROWS_EXCEPTION(ConfigError, gemm(false, false, 4, 4, 4, a.data(), 3, b.data(), 4, c.data(), 4));
        QVERIFY_THROWS_EXCEPTION(ConfigError, gemm(false, false, -1, 4, 4, a.data(), 4, b.data(), 4, c.data(), 4));
    }

    void multiplyIntoChoosesCorrectly_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::newRow("lazy") << 8 << 10 << 2;
        QTest::newRow("eigen, few rows") << 10 << 128 << 128;
        QTest::newRow("own kernel") << 64 << 64 << 64;
        QTest::newRow("threaded size") << 128 << 64 << 130;
    }
    void multiplyIntoChoosesCorrectly()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        const Matrix a = Matrix::Random(m, k), at = a.transpose();
        const Matrix b = Matrix::Random(k, n), bt = b.transpose();
        const Eigen::MatrixXd expected = a.cast<double>().lazyProduct(b.cast<double>());
        Matrix c(m, n);
        for (const bool threaded : {false, true}) {
            multiplyInto(c, a, false, b, false, threaded);
            QVERIFY((c.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-4 * std::sqrt(double(k)));
            multiplyInto(c, at, true, b, false, threaded);
            QVERIFY((c.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-4 * std::sqrt(double(k)));
            multiplyInto(c, a, false, bt, true, threaded);
            QVERIFY((c.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-4 * std::sqrt(double(k)));
        }
        Matrix wrong(m + 1, n);
        QVERIFY_THROWS_EXCEPTION(ConfigError, multiplyInto(wrong, a, false, b, false));
    }
};

QTEST_APPLESS_MAIN(TestGemm)
#include "tst_gemm.moc"
