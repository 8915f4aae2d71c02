// The element-wise training kernels (kernels/TrainingKernels.h) against plain double-precision
// references, on whichever SIMD path runs (tests/CMakeLists.txt runs this suite once per path).
#include "common/Random.h"
#include "kernels/Isa.h"
#include "kernels/TrainingKernels.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace ss;

namespace {

AdamStepScalars stepScalars(float l2, float l1Subgradient, float l1Proximal)
{
    AdamStepScalars s;
    s.learningRate = 0.01f;
    s.beta1 = 0.9f;
    s.beta2 = 0.999f;
    s.oneMinusBeta1 = 0.1f;
    s.oneMinusBeta2 = 0.001f;
    s.epsilon = 1e-8f;
    // Step 3 of Adam: 1 / (1 - 0.9^3) and 1 / sqrt(1 - 0.999^3).
    s.firstCorrection = static_cast<float>(1.0 / (1.0 - std::pow(0.9, 3)));
    s.secondCorrection = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(0.999, 3)));
    s.l2 = l2;
    s.l1Subgradient = l1Subgradient;
    s.l1Proximal = l1Proximal;
    return s;
}

struct AdamState {
    std::vector<float> values, gradient, mask, first, second;
};

AdamState randomState(std::size_t count, std::uint64_t seed)
{
    Random random(seed);
    AdamState state;
    for (std::size_t i = 0; i < count; ++i) {
        state.values.push_back(static_cast<float>(random.uniform(-1, 1)));
        state.gradient.push_back(static_cast<float>(random.uniform(-0.5, 0.5)));
        state.mask.push_back(random.uniform() < 0.3 ? 0.0f : 1.0f);
        state.first.push_back(static_cast<float>(random.uniform(-0.1, 0.1)));
        state.second.push_back(static_cast<float>(random.uniform(0, 0.01)));
    }
    state.values[0] = 0.0f; // sign 0: no L1 subgradient
    state.values[1] = 0.004f; // thresholded to zero by the proximal step
    state.values[2] = -0.004f; // ... from below: +0, not -0
    state.gradient[1] = state.gradient[2] = 0.0f;
    state.first[1] = state.first[2] = 0.0f;
    state.second[1] = state.second[2] = 1e-4f; // eta about 0.055: the threshold 0.5 eta exceeds 0.004
    return state;
}

} // namespace

class TestTrainingKernels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        ensureSimdPathChosen(); // exits 77 (skipped) when SPARSESCOPE_ISA asks for a path this CPU lacks
        qInfo("SIMD path: %s", activeSimdPath().c_str());
    }

    void adamMatchesDoubleReference_data()
    {
        QTest::addColumn<bool>("masked");
        QTest::addColumn<float>("l2");
        QTest::addColumn<float>("l1Subgradient");
        QTest::addColumn<float>("l1Proximal");
        QTest::newRow("plain") << false << 0.0f << 0.0f << 0.0f;
        QTest::newRow("masked, l2") << true << 0.01f << 0.0f << 0.0f;
        QTest::newRow("l1 subgradient") << false << 0.0f << 0.02f << 0.0f;
        QTest::newRow("l1 proximal, masked") << true << 0.0f << 0.0f << 0.5f;
    }

    void adamMatchesDoubleReference()
    {
        QFETCH(bool, masked);
        QFETCH(float, l2);
        QFETCH(float, l1Subgradient);
        QFETCH(float, l1Proximal);
        const AdamStepScalars s = stepScalars(l2, l1Subgradient, l1Proximal);
        // 37: a remainder after whole vectors on every width.
        const AdamState before = randomState(37, 11);
        AdamState after = before;
        QVERIFY(adamUpdate(s, after.values.data(), after.gradient.data(), masked ? after.mask.data() : nullptr,
                           after.first.data(), after.second.data(), after.values.size()));
        for (std::size_t i = 0; i < before.values.size(); ++i) {
            const double w = before.values[i];
            const double sign = (w > 0) - (w < 0);
            double g = before.gradient[i] + double(l2) * w + double(l1Subgradient) * sign;
            if (masked && before.mask[i] == 0.0f)
                g = 0;
            const double m = 0.9 * before.first[i] + 0.1 * g;
            const double v = 0.999 * before.second[i] + 0.001 * g * g;
            const double eta = 0.01 / (std::sqrt(v) * double(s.secondCorrection) + 1e-8);
            const double stepped = w - eta * m * double(s.firstCorrection);
            const double threshold = eta * double(l1Proximal);
            const double expected = std::copysign(std::max(std::abs(stepped) - threshold, 0.0), stepped);
            const double tolerance = 1e-6 * (1.0 + std::abs(expected)) + 4e-7 * std::abs(w);
            QVERIFY2(std::abs(after.values[i] - expected) <= tolerance,
                     qPrintable(QStringLiteral("weight %1: %2, expected %3").arg(i).arg(after.values[i]).arg(expected)));
            QVERIFY(std::abs(after.first[i] - m) <= 1e-7 * (1 + std::abs(m)));
            QVERIFY(std::abs(after.second[i] - v) <= 1e-6 * (1e-7 + std::abs(v)));
            if (after.values[i] == 0.0f)
                QVERIFY2(!std::signbit(after.values[i]), "a thresholded weight is +0, not -0");
        }
        if (l1Proximal > 0) {
            QCOMPARE(after.values[1], 0.0f);
            QCOMPARE(after.values[2], 0.0f);
        }
    }

    // Threads step their own spans of a tensor: any split must give the bits of one call.
    void spansGiveTheBitsOfOneCall()
    {
        const AdamStepScalars s = stepScalars(0.001f, 0.001f, 0.01f);
        const AdamState before = randomState(101, 5);
        AdamState whole = before;
        QVERIFY(adamUpdate(s, whole.values.data(), whole.gradient.data(), whole.mask.data(), whole.first.data(),
                           whole.second.data(), whole.values.size()));
        for (std::size_t split : {1, 3, 7, 13, 50, 100}) {
            AdamState parts = before;
            for (std::size_t begin = 0; begin < parts.values.size(); begin += split) {
                const std::size_t count = std::min(split, parts.values.size() - begin);
                QVERIFY(adamUpdate(s, parts.values.data() + begin, parts.gradient.data() + begin,
                                   parts.mask.data() + begin, parts.first.data() + begin, parts.second.data() + begin,
                                   count));
            }
            QVERIFY2(std::memcmp(parts.values.data(), whole.values.data(), whole.values.size() * sizeof(float)) == 0,
                     qPrintable(QStringLiteral("split every %1").arg(split)));
            QVERIFY(std::memcmp(parts.second.data(), whole.second.data(), whole.second.size() * sizeof(float)) == 0);
        }
    }

    void nonFiniteWeightsAreReportedWherever()
    {
        const AdamStepScalars s = stepScalars(0, 0, 0);
        for (std::size_t position : {0, 5, 16, 35, 36}) {
            AdamState state = randomState(37, 3);
            state.gradient[position] = std::numeric_limits<float>::quiet_NaN();
            QVERIFY2(!adamUpdate(s, state.values.data(), state.gradient.data(), nullptr, state.first.data(),
                                 state.second.data(), state.values.size()),
                     qPrintable(QStringLiteral("NaN at %1 not reported").arg(position)));
        }
        // A masked-out infinite gradient is selected away, not multiplied into NaN.
        AdamState state = randomState(37, 3);
        state.gradient[36] = std::numeric_limits<float>::infinity();
        state.mask[36] = 0.0f;
        QVERIFY(adamUpdate(s, state.values.data(), state.gradient.data(), state.mask.data(), state.first.data(),
                           state.second.data(), state.values.size()));
    }

    void biasReluAndItsDerivative()
    {
        Random random(9);
        const long rows = 19, columns = 5, stride = 23;
        std::vector<float> z(static_cast<std::size_t>(stride * columns)), bias(rows), grad(z.size());
        for (float& value : z)
            value = static_cast<float>(random.uniform(-1, 1));
        for (float& value : bias)
            value = static_cast<float>(random.uniform(-0.5, 0.5));
        for (float& value : grad)
            value = static_cast<float>(random.uniform(-1, 1));
        const std::vector<float> zBefore = z, gradBefore = grad;
        addBiasRelu(z.data(), rows, columns, stride, bias.data());
        for (long j = 0; j < columns; ++j)
            for (long i = 0; i < stride; ++i) {
                const std::size_t k = static_cast<std::size_t>(j * stride + i);
                const float expected = i < rows ? std::max(zBefore[k] + bias[static_cast<std::size_t>(i)], 0.0f) : zBefore[k];
                QCOMPARE(z[k], expected); // the padding rows past `rows` are left alone
            }
        reluBackward(z.data(), stride, grad.data(), stride, rows, columns);
        for (long j = 0; j < columns; ++j)
            for (long i = 0; i < stride; ++i) {
                const std::size_t k = static_cast<std::size_t>(j * stride + i);
                const float expected = i >= rows || z[k] > 0.0f ? gradBefore[k] : 0.0f;
                QCOMPARE(grad[k], expected);
            }
    }
};

QTEST_APPLESS_MAIN(TestTrainingKernels)
#include "tst_trainingkernels.moc"
