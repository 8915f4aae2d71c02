#include "common/Error.h"
#include "common/Random.h"
#include "nn/Adam.h"
#include "nn/Momentum.h"
#include "nn/Optimizer.h"
#include "nn/RmsProp.h"
#include "nn/Sgd.h"

#include <QtTest>

#include <omp.h>

#include <cmath>

using namespace ss;

namespace {

OptimizerSettings settingsFor(OptimizerKind kind, double learningRate)
{
    OptimizerSettings settings;
    settings.kind = kind;
    settings.learningRate = learningRate;
    return settings;
}

// The effective per-entry steps eta_i of a tensor's next update.
std::vector<float> effectiveStepsOf(const Optimizer& optimizer, std::size_t tensor = 0)
{
    std::vector<float> steps(optimizer.tensorSize(tensor));
    optimizer.effectiveSteps(tensor, steps);
    return steps;
}

// 1-D logistic regression with an L2 term, solved by Newton's method in double:
// f(w, b) = mean log(1 + exp(-s_i (w x_i + b))) + mu/2 w^2, s_i = +-1.
struct LogisticProblem {
    std::vector<double> x = {-2.0, -1.2, -0.3, 0.1, 0.4, 0.9, 1.5, 2.2, -0.6, 0.7};
    std::vector<double> s = {-1, -1, 1, -1, 1, 1, 1, 1, -1, -1};
    double mu = 0.1;

    void gradient(double w, double b, double& gw, double& gb) const
    {
        gw = mu * w;
        gb = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double margin = s[i] * (w * x[i] + b);
            const double factor = -s[i] / (1.0 + std::exp(margin)) / static_cast<double>(x.size());
            gw += factor * x[i];
            gb += factor;
        }
    }
    void solve(double& w, double& b) const
    {
        w = 0;
        b = 0;
        for (int iteration = 0; iteration < 50; ++iteration) {
            double gw, gb;
            gradient(w, b, gw, gb);
            double hww = mu, hwb = 0, hbb = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double p = 1.0 / (1.0 + std::exp(-(w * x[i] + b)));
                const double weight = p * (1 - p) / static_cast<double>(x.size());
                hww += weight * x[i] * x[i];
                hwb += weight * x[i];
                hbb += weight;
            }
            const double determinant = hww * hbb - hwb * hwb;
            w -= (hbb * gw - hwb * gb) / determinant;
            b -= (-hwb * gw + hww * gb) / determinant;
        }
    }
};

} // namespace

class TestOptimizers : public QObject {
    Q_OBJECT

private slots:
private:
    static void allKinds_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("learningRate");
        QTest::addColumn<int>("steps");
        QTest::newRow("sgd") << int(OptimizerKind::Sgd) << 0.1 << 3000;
        QTest::newRow("momentum") << int(OptimizerKind::Momentum) << 0.02 << 3000;
        QTest::newRow("nesterov") << int(OptimizerKind::Nesterov) << 0.02 << 3000;
        QTest::newRow("rmsprop") << int(OptimizerKind::RmsProp) << 0.01 << 3000;
        QTest::newRow("adam") << int(OptimizerKind::Adam) << 0.02 << 3000;
    }

private slots:

    void quadraticMinimum_data() { allKinds_data(); }
    void quadraticMinimum()
    {
        // f(w) = 1/2 sum a_i (w_i - c_i)^2: condition number 10, optimum w = c.
        QFETCH(int, kind);
        QFETCH(double, learningRate);
        QFETCH(int, steps);
        const std::vector<float> a = {1.0f, 4.0f, 10.0f, 2.5f};
        const std::vector<float> c = {1.5f, -2.0f, 0.25f, 3.0f};
        std::vector<float> w(4, 0.0f), g(4);
        auto optimizer = Optimizer::create(settingsFor(OptimizerKind(kind), learningRate));
        QVERIFY(optimizer->kind() == OptimizerKind(kind));
        optimizer->setTensorSizes({4});
        for (int step = 0; step < steps; ++step) {
            for (int i = 0; i < 4; ++i)
                g[i] = a[i] * (w[i] - c[i]);
            optimizer->beginStep();
            QVERIFY(optimizer->update(0, w, g));
        }
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::abs(w[i] - c[i]) < 2e-3f, qPrintable(QString("w[%1] = %2, optimum %3").arg(i).arg(w[i]).arg(c[i])));
    }

    void logisticMinimum_data() { allKinds_data(); }
    void logisticMinimum()
    {
        QFETCH(int, kind);
        QFETCH(double, learningRate);
        QFETCH(int, steps);
        const LogisticProblem problem;
        double wStar, bStar;
        problem.solve(wStar, bStar);
        double gw, gb;
        problem.gradient(wStar, bStar, gw, gb);
        QVERIFY(std::abs(gw) < 1e-12 && std::abs(gb) < 1e-12); // Newton converged

        // Adaptive rules move ~lr per step even near the optimum: three phases with the
        // learning rate cut tenfold (a warm start: state kept) settle them.
        auto optimizer = Optimizer::create(settingsFor(OptimizerKind(kind), learningRate * 5));
        optimizer->setTensorSizes({1, 1});
        std::vector<float> w = {0.0f}, b = {0.0f}, gwv(1), gbv(1);
        for (int step = 0; step < steps * 3; ++step) {
            if (step == steps || step == 2 * steps)
                optimizer->setSettings(settingsFor(OptimizerKind(kind), optimizer->settings().learningRate / 10));
            problem.gradient(w[0], b[0], gw, gb);
            gwv[0] = static_cast<float>(gw);
            gbv[0] = static_cast<float>(gb);
            optimizer->beginStep();
            optimizer->update(0, w, gwv);
            optimizer->update(1, b, gbv);
        }
        QVERIFY2(std::abs(w[0] - wStar) < 1e-3 && std::abs(b[0] - bStar) < 1e-3,
                 qPrintable(QString("w %1 b %2, optimum %3 %4").arg(w[0]).arg(b[0]).arg(wStar).arg(bStar)));
    }

    void sgdAndMomentumHandComputed()
    {
        OptimizerSettings settings = settingsFor(OptimizerKind::Momentum, 0.1);
        settings.momentum = 0.5;
        Momentum momentum(settings);
        settings.kind = OptimizerKind::Nesterov;
        Momentum nesterov(settings);
        Sgd sgd(settingsFor(OptimizerKind::Sgd, 0.1));
        for (Optimizer* optimizer : std::initializer_list<Optimizer*>{&momentum, &nesterov, &sgd})
            optimizer->setTensorSizes({1});
        std::vector<float> wm = {1.0f}, wn = {1.0f}, ws = {1.0f};
        const std::vector<float> g = {2.0f};
        for (int step = 0; step < 2; ++step) {
            for (Optimizer* optimizer : std::initializer_list<Optimizer*>{&momentum, &nesterov, &sgd})
                optimizer->beginStep();
            momentum.update(0, wm, g);
            nesterov.update(0, wn, g);
            sgd.update(0, ws, g);
        }
        // SGD: 1 - 0.1*2 - 0.1*2 = 0.6.
        QVERIFY(std::abs(ws[0] - 0.6f) < 1e-6f);
        // Momentum: v1 = 2, w1 = 0.8; v2 = 0.5*2 + 2 = 3, w2 = 0.8 - 0.3 = 0.5.
        QVERIFY(std::abs(wm[0] - 0.5f) < 1e-6f);
        // Nesterov: v1 = 2, w1 = 1 - 0.1*(2 + 1) = 0.7; v2 = 3, w2 = 0.7 - 0.1*(2 + 1.5) = 0.35.
        QVERIFY(std::abs(wn[0] - 0.35f) < 1e-6f);
        QCOMPARE(effectiveStepsOf(sgd)[0], 0.1f);
        QCOMPARE(effectiveStepsOf(momentum)[0], 0.2f); // lr / (1 - mu): the steady-state step
        QCOMPARE(effectiveStepsOf(nesterov)[0], 0.2f);
    }

    void adamHandComputed()
    {
        // Bias correction makes Adam's first step lr * g / (|g| + eps) = lr * sign(g), whatever |g|.
        OptimizerSettings settings = settingsFor(OptimizerKind::Adam, 0.01);
        Adam adam(settings);
        adam.setTensorSizes({3});
        std::vector<float> w = {1.0f, 1.0f, 1.0f};
        const std::vector<float> g = {1000.0f, -0.001f, 3.0f};
        adam.beginStep();
        adam.update(0, w, g);
        QVERIFY(std::abs(w[0] - 0.99f) < 1e-6f);
        QVERIFY(std::abs(w[1] - 1.01f) < 1e-5f);
        QVERIFY(std::abs(w[2] - 0.99f) < 1e-6f);
        const std::vector<float> steps = effectiveStepsOf(adam);
        // eta_i = lr / (sqrt(v_hat) + eps) = lr / (|g_i| + eps) after one step.
        QVERIFY(std::abs(steps[0] / (0.01 / 1000.0) - 1) < 1e-6);
        QVERIFY(std::abs(steps[2] / (0.01 / 3.0) - 1) < 1e-6);
        // Second step with the same gradient: m_hat = g, v_hat = g^2, again lr * sign(g).
        adam.beginStep();
        adam.update(0, w, g);
        QVERIFY(std::abs(w[0] - 0.98f) < 1e-6f);
    }

    void rmspropHandComputed()
    {
        OptimizerSettings settings = settingsFor(OptimizerKind::RmsProp, 0.01);
        settings.beta2 = 0.9;
        RmsProp rmsprop(settings);
        rmsprop.setTensorSizes({1});
        std::vector<float> w = {0.0f};
        const std::vector<float> g = {2.0f};
        rmsprop.beginStep();
        rmsprop.update(0, w, g);
        // s = 0.1 * 4 = 0.4; eta = 0.01 / (sqrt(0.4) + 1e-8); w = -eta * 2.
        const double eta = 0.01 / (std::sqrt(0.4) + 1e-8);
        QVERIFY(std::abs(w[0] / (-eta * 2) - 1) < 1e-6);
        QVERIFY(std::abs(effectiveStepsOf(rmsprop)[0] / eta - 1) < 1e-6);
    }

    void maskedEntriesStayZero_data() { allKinds_data(); }
    void maskedEntriesStayZero()
    {
        QFETCH(int, kind);
        QFETCH(double, learningRate);
        auto optimizer = Optimizer::create(settingsFor(OptimizerKind(kind), learningRate));
        optimizer->setTensorSizes({4});
        std::vector<float> w = {0.5f, -0.7f, 0.2f, 0.9f};
        const std::vector<float> mask = {1.0f, 0.0f, 1.0f, 0.0f};
        // Some unmasked history first, as when pruning happens mid-training.
        for (int step = 0; step < 5; ++step) {
            const std::vector<float> g = {0.3f, -0.2f, 0.1f, 0.4f};
            optimizer->beginStep();
            optimizer->update(0, w, g);
        }
        optimizer->clearMaskedState(0, mask);
        w[1] = 0.0f;
        w[3] = 0.0f;
        PenaltyTerms penalty;
        penalty.l2 = 0.01f;
        penalty.l1Subgradient = 0.01f;
        for (int step = 0; step < 20; ++step) {
            const std::vector<float> g = {0.3f, 5.0f, -0.1f, std::numeric_limits<float>::infinity()};
            optimizer->beginStep();
            QVERIFY(optimizer->update(0, w, g, mask, penalty));
            QCOMPARE(w[1], 0.0f);
            QCOMPARE(w[3], 0.0f);
        }
        QVERIFY(w[0] != 0.0f && w[2] != 0.0f);
    }

    void proximalStepUsesEffectiveStep_data() { allKinds_data(); }
    void proximalStepUsesEffectiveStep()
    {
        // After an update with proximal L1, each weight equals the soft threshold, by
        // eta_i * lambda, of the same update without it (eta_i from effectiveSteps).
        QFETCH(int, kind);
        QFETCH(double, learningRate);
        auto plain = Optimizer::create(settingsFor(OptimizerKind(kind), learningRate));
        auto proximal = Optimizer::create(settingsFor(OptimizerKind(kind), learningRate));
        const std::size_t n = 64;
        plain->setTensorSizes({n});
        proximal->setTensorSizes({n});
        Random random(5);
        std::vector<float> w(n), g(n);
        for (float& value : w)
            value = static_cast<float>(random.normal(0.0, 0.05));
        std::vector<float> wPlain = w, wProximal = w, steps(n);
        PenaltyTerms penalty;
        penalty.l1Proximal = 0.5f;
        plain->beginStep();
        proximal->beginStep();
        for (float& value : g)
            value = static_cast<float>(random.normal());
        plain->update(0, wPlain, g);
        proximal->update(0, wProximal, g, {}, penalty);
        proximal->effectiveSteps(0, steps);
        int zeros = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const float expected = softThreshold(wPlain[i], steps[i] * penalty.l1Proximal);
            QCOMPARE(wProximal[i], expected);
            zeros += wProximal[i] == 0.0f;
        }
        QVERIFY(zeros > 0);
    }

    void warmStartKeepsState()
    {
        Adam adam(settingsFor(OptimizerKind::Adam, 0.01));
        adam.setTensorSizes({1});
        std::vector<float> w = {0.0f};
        const std::vector<float> g = {1.0f};
        adam.beginStep();
        adam.update(0, w, g);
        OptimizerSettings faster = settingsFor(OptimizerKind::Adam, 0.02);
        adam.setSettings(faster);
        QCOMPARE(adam.stepCount(), 1L);
        adam.beginStep();
        adam.update(0, w, g);
        // Constant gradient: both steps are lr * sign(g): 0.01 then 0.02.
        QVERIFY(std::abs(w[0] + 0.03f) < 1e-6f);
        QVERIFY_THROWS_EXCEPTION(ConfigError, adam.setSettings(settingsFor(OptimizerKind::Sgd, 0.1)));
    }

    void nonFiniteReported()
    {
        Sgd sgd(settingsFor(OptimizerKind::Sgd, 1e30));
        sgd.setTensorSizes({2});
        std::vector<float> w = {1.0f, 1.0f};
        const std::vector<float> g = {1e30f, 0.0f};
        sgd.beginStep();
        QVERIFY(!sgd.update(0, w, g));
    }

    void misuseRejected()
    {
        Sgd sgd(settingsFor(OptimizerKind::Sgd, 0.1));
        sgd.setTensorSizes({3});
        std::vector<float> w(3), g(3), shortGradient(2);
        QVERIFY_THROWS_EXCEPTION(ConfigError, sgd.update(0, w, g)); // no beginStep
        sgd.beginStep();
        QVERIFY_THROWS_EXCEPTION(ConfigError, sgd.update(1, w, g)); // no such tensor
        QVERIFY_THROWS_EXCEPTION(ConfigError, sgd.update(0, w, shortGradient));
        std::vector<float> shortMask(2);
        QVERIFY_THROWS_EXCEPTION(ConfigError, sgd.update(0, w, g, shortMask));
    }

    void parallelUpdateMatchesSerial()
    {
        // Large tensors are updated by all threads; the result must not depend on that.
        const std::size_t n = 200000;
        Random random(8);
        std::vector<float> w(n), g(n);
        for (std::size_t i = 0; i < n; ++i) {
            w[i] = static_cast<float>(random.normal());
            g[i] = static_cast<float>(random.normal());
        }
        std::vector<float> serial = w, parallel = w;
        PenaltyTerms penalty;
        penalty.l1Proximal = 1.0f;
        penalty.l2 = 0.01f;
        const int saved = omp_get_max_threads();
        Adam one(settingsFor(OptimizerKind::Adam, 0.01)), two(settingsFor(OptimizerKind::Adam, 0.01));
        one.setTensorSizes({n});
        two.setTensorSizes({n});
        omp_set_num_threads(1);
        one.beginStep();
        one.update(0, serial, g, {}, penalty);
        omp_set_num_threads(2);
        two.beginStep();
        two.update(0, parallel, g, {}, penalty);
        omp_set_num_threads(saved);
        QVERIFY(serial == parallel);
    }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
