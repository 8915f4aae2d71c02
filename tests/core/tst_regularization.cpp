#include "common/Error.h"
#include "common/Random.h"
#include "nn/Backpropagation.h"
#include "nn/Loss.h"
#include "nn/Optimizer.h"
#include "nn/Regularizer.h"
#include "nn/Trainer.h"

#include <Eigen/QR>
#include <QtTest>

#include <cmath>

#include "../common/ThresholdedValues.h"

using namespace ss;

namespace {

double softThresholdD(double value, double threshold)
{
    const double magnitude = std::abs(value) - threshold;
    return magnitude > 0 ? std::copysign(magnitude, value) : 0.0;
}

Regularization makeRegularization(double l1, double l2, L1Mode mode = L1Mode::Proximal)
{
    Regularization regularization;
    regularization.l1 = l1;
    regularization.l2 = l2;
    regularization.l1Mode = mode;
    return regularization;
}

// Least squares with an orthonormal design: min 1/2 ||y - X w||^2 + l1 ||w||_1 + l2/2 ||w||^2.
// With X^T X = I the problem separates and the minimiser is soft(X^T y, l1) / (1 + l2).
struct OrthonormalProblem {
    Eigen::MatrixXd design; // n x p, orthonormal columns
    Eigen::VectorXd target;
    Eigen::VectorXd correlation; // X^T y

    OrthonormalProblem(int n, int p, std::uint64_t seed)
    {
        Random random(seed);
        Eigen::MatrixXd raw(n, p);
        for (Eigen::Index j = 0; j < raw.cols(); ++j)
            for (Eigen::Index i = 0; i < raw.rows(); ++i)
                raw(i, j) = random.normal();
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(raw);
        design = qr.householderQ() * Eigen::MatrixXd::Identity(n, p);
        // Coefficients that straddle the threshold: some clearly in, some clearly out.
        Eigen::VectorXd truth(p);
        for (int j = 0; j < p; ++j)
            truth(j) = (j % 3 == 0) ? 0.0 : (j % 2 == 0 ? 1.0 : -0.6) * (1 + 0.1 * j);
        target = design * truth;
        for (Eigen::Index i = 0; i < target.size(); ++i)
            target(i) += 0.05 * random.normal();
        correlation = design.transpose() * target;
    }

    std::vector<float> gradient(const std::vector<float>& w) const
    {
        Eigen::VectorXd wd(static_cast<Eigen::Index>(w.size()));
        for (std::size_t j = 0; j < w.size(); ++j)
            wd(static_cast<Eigen::Index>(j)) = w[j];
        const Eigen::VectorXd g = design.transpose() * (design * wd - target);
        std::vector<float> result(w.size());
        for (std::size_t j = 0; j < w.size(); ++j)
            result[j] = static_cast<float>(g(static_cast<Eigen::Index>(j)));
        return result;
    }

    double solution(int j, double l1, double l2) const { return softThresholdD(correlation(j), l1) / (1 + l2); }
};

std::vector<float> minimise(const OrthonormalProblem& problem, OptimizerKind kind, double learningRate,
                            const Regularization& regularization, int steps)
{
    OptimizerSettings settings;
    settings.kind = kind;
    settings.learningRate = learningRate;
    auto optimizer = Optimizer::create(settings);
    const std::size_t p = static_cast<std::size_t>(problem.correlation.size());
    optimizer->setTensorSizes({p});
    std::vector<float> w(p, 0.1f);
    const PenaltyTerms penalty = weightPenalty(regularization);
    for (int step = 0; step < steps; ++step) {
        // Adaptive rules keep moving ~lr near the optimum: cut the rate late on (warm start).
        if ((kind == OptimizerKind::Adam || kind == OptimizerKind::RmsProp) && (step == steps / 2 || step == 3 * steps / 4)) {
            settings.learningRate /= 10;
            optimizer->setSettings(settings);
        }
        const std::vector<float> g = problem.gradient(w);
        optimizer->beginStep();
        optimizer->update(0, w, g, {}, penalty);
    }
    return w;
}

Dataset imbalancedData(int samples, std::uint64_t seed)
{
    // 80 % class 1 and features that carry only noise: the best model is w = 0, b = log 4.
    Dataset data;
    data.name = "imbalanced";
    Random random(seed);
    data.features.resize(3, samples);
    data.labels.resize(static_cast<std::size_t>(samples));
    for (int j = 0; j < samples; ++j) {
        for (int i = 0; i < 3; ++i)
            data.features(i, j) = static_cast<Scalar>(random.normal());
        data.labels[static_cast<std::size_t>(j)] = j % 5 == 0 ? 0 : 1;
    }
    data.classNames = {"a", "b"};
    data.featureNames = {"x0", "x1", "x2"};
    return data;
}

} // namespace

class TestRegularization : public QObject {
    Q_OBJECT

private slots:
    void proximalL1MatchesSoftThresholdClosedForm_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("learningRate");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("sgd (ISTA)") << int(OptimizerKind::Sgd) << 0.5 << 1e-5;
        QTest::newRow("momentum") << int(OptimizerKind::Momentum) << 0.1 << 1e-5;
        QTest::newRow("nesterov") << int(OptimizerKind::Nesterov) << 0.1 << 1e-5;
        QTest::newRow("rmsprop") << int(OptimizerKind::RmsProp) << 0.01 << 2e-3;
        QTest::newRow("adam") << int(OptimizerKind::Adam) << 0.01 << 2e-3;
    }
    void proximalL1MatchesSoftThresholdClosedForm()
    {
        QFETCH(int, kind);
        QFETCH(double, learningRate);
        QFETCH(double, tolerance);
        const OrthonormalProblem problem(40, 12, 7);
        const double l1 = 0.5;
        const std::vector<float> w = minimise(problem, OptimizerKind(kind), learningRate, makeRegularization(l1, 0), 4000);
        int expectedZeros = 0;
        for (int j = 0; j < 12; ++j) {
            const double expected = problem.solution(j, l1, 0);
            if (expected == 0.0) {
                ++expectedZeros;
                // EXACTLY zero, not merely small.
                QVERIFY2(w[static_cast<std::size_t>(j)] == 0.0f,
                         qPrintable(QString("w[%1] = %2, expected exactly 0").arg(j).arg(w[static_cast<std::size_t>(j)])));
            } else {
                QVERIFY2(std::abs(w[static_cast<std::size_t>(j)] - expected) < tolerance,
                         qPrintable(QString("w[%1] = %2, closed form %3").arg(j).arg(w[static_cast<std::size_t>(j)]).arg(expected)));
            }
        }
        QVERIFY(expectedZeros >= 3 && expectedZeros <= 9); // the problem really straddles lambda
    }

    void subgradientL1HoversButIsNotZero()
    {
        const OrthonormalProblem problem(40, 12, 7);
        const double l1 = 0.5;
        const double learningRate = 0.05;
        const std::vector<float> w =
            minimise(problem, OptimizerKind::Sgd, learningRate, makeRegularization(l1, 0, L1Mode::Subgradient), 4000);
        int nearZero = 0;
        int exactZero = 0;
        for (int j = 0; j < 12; ++j) {
            const double expected = problem.solution(j, l1, 0);
            const float value = w[static_cast<std::size_t>(j)];
            if (expected == 0.0) {
                // Oscillates within about one step (lr * lambda) of zero.
                QVERIFY2(std::abs(value) <= 2 * learningRate * l1, qPrintable(QString::number(value)));
                nearZero += 1;
                exactZero += value == 0.0f;
            } else {
                QVERIFY(std::abs(value - expected) < 2 * learningRate * l1);
            }
        }
        QVERIFY(nearZero >= 3);
        QCOMPARE(exactZero, 0); // the teaching point: the naive recipe gives no exact zeros
    }

    void l2Shrinks_data()
    {
        QTest::addColumn<double>("l1");
        QTest::newRow("ridge") << 0.0;
        QTest::newRow("elastic net") << 0.5;
    }
    void l2Shrinks()
    {
        QFETCH(double, l1);
        const OrthonormalProblem problem(40, 12, 9);
        const double l2 = 0.5;
        const std::vector<float> w = minimise(problem, OptimizerKind::Sgd, 0.5, makeRegularization(l1, l2), 2000);
        for (int j = 0; j < 12; ++j) {
            const double expected = problem.solution(j, l1, l2);
            QVERIFY2(std::abs(w[static_cast<std::size_t>(j)] - expected) < 1e-5,
                     qPrintable(QString("w[%1] = %2, closed form %3").arg(j).arg(w[static_cast<std::size_t>(j)]).arg(expected)));
            if (l1 == 0)
                QVERIFY(w[static_cast<std::size_t>(j)] != 0.0f); // ridge shrinks, never zeroes
            // Shrinkage: smaller in magnitude than the unregularised solution X^T y.
            QVERIFY(std::abs(w[static_cast<std::size_t>(j)]) < std::abs(problem.correlation(j)));
        }
    }

    void penaltyValue()
    {
        Architecture architecture;
        architecture.inputs = 2;
        architecture.hidden = {2};
        architecture.classes = 2;
        Network network(architecture, 1);
        network.layers()[0].weights << 1.0f, -2.0f, 0.5f, 0.0f;
        network.layers()[1].weights << -1.0f, 3.0f;
        network.layers()[0].bias << 100.0f, -100.0f; // biases are not penalised
        network.layers()[1].bias << 50.0f;
        // sum|w| = 1 + 2 + 0.5 + 1 + 3 = 7.5; sum w^2 = 1 + 4 + 0.25 + 1 + 9 = 15.25.
        QVERIFY(std::abs(regularizationPenalty(network, makeRegularization(0.1, 0)) - 0.75) < 1e-12);
        QVERIFY(std::abs(regularizationPenalty(network, makeRegularization(0, 0.2)) - 1.525) < 1e-12);
        QVERIFY(std::abs(regularizationPenalty(network, makeRegularization(0.1, 0.2)) - 2.275) < 1e-12);
        // Same objective whichever way L1 is optimised.
        QCOMPARE(regularizationPenalty(network, makeRegularization(0.1, 0.2, L1Mode::Subgradient)),
                 regularizationPenalty(network, makeRegularization(0.1, 0.2, L1Mode::Proximal)));
    }

    void regularisedGradientMatchesFiniteDifferences()
    {
        // d/dw (loss + penalty) = data gradient + addPenaltyGradient (L2 and subgradient L1,
        // away from w = 0 where |w| is differentiable).
        Architecture architecture;
        architecture.inputs = 3;
        architecture.hidden = {4};
        architecture.hiddenActivation = Activation::Tanh;
        architecture.classes = 3;
        Network network(architecture, 4);
        const Matrix x = Matrix::Random(3, 5);
        const Labels y = {0, 1, 2, 2, 1};
        const Regularization regularization = makeRegularization(0.03, 0.2, L1Mode::Subgradient);
        Backpropagation backpropagation;
        backpropagation.prepare(network, 5, false);
        backpropagation.compute(network, x, y);
        Matrix total = backpropagation.weightGradient(0);
        addPenaltyGradient(network.layers()[0].weights, total, regularization);
        const auto objective = [&] {
            return crossEntropy(false, network.logits(x), y) + regularizationPenalty(network, regularization);
        };
        Matrix& w = network.layers()[0].weights;
        for (Eigen::Index c = 0; c < w.cols(); ++c)
            for (Eigen::Index r = 0; r < w.rows(); ++r) {
                const float saved = w(r, c);
                const float h = 1e-2f;
                w(r, c) = saved + h;
                const double plus = objective();
                w(r, c) = saved - h;
                const double minus = objective();
                w(r, c) = saved;
                const double step = double(saved + h) - double(saved - h);
                const double numeric = (plus - minus) / step;
                QVERIFY2(std::abs(numeric - total(r, c)) < 1e-3,
                         qPrintable(QString("(%1,%2) numeric %3 analytic %4").arg(r).arg(c).arg(numeric).arg(total(r, c))));
            }
        // Proximal mode: L1 is not a gradient term, only L2 is added.
        Matrix onlyL2 = Matrix::Zero(w.rows(), w.cols());
        addPenaltyGradient(w, onlyL2, makeRegularization(0.03, 0.2, L1Mode::Proximal));
        QVERIFY((onlyL2 - 0.2f * w).cwiseAbs().maxCoeff() < 1e-7f);
    }

    void proximalOperator()
    {
        Matrix w(1, 5), steps(1, 5);
        w << 0.3f, -0.3f, 0.05f, -0.05f, 0.0f;
        steps << 1.0f, 1.0f, 1.0f, 2.0f, 1.0f;
        proximalL1(w, steps, 0.1);
        const QString mismatch = test::thresholdedRowMismatch(w, 0, {0.2f, -0.2f, 0.0f, 0.0f, 0.0f}, 1e-7f);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        Matrix wrong(2, 2);
        QVERIFY_THROWS_EXCEPTION(ConfigError, proximalL1(w, wrong, 0.1));
    }

    void biasesAreNotRegularised()
    {
        // Strong proximal L1 on noise features: every weight becomes exactly 0, while the
        // bias still learns the class prior log(0.8 / 0.2).
        const Dataset data = imbalancedData(500, 3);
        Architecture architecture;
        architecture.inputs = 3;
        architecture.classes = 2;
        Network network(architecture, 2);
        TrainingConfig config;
        config.optimizer.kind = OptimizerKind::Sgd;
        config.optimizer.learningRate = 0.5;
        config.batchSize = 500;
        config.regularization.l1 = 1.0;
        Trainer trainer(network, data, nullptr, config);
        QVERIFY(trainer.train(300).outcome == TrainingOutcome::Finished);
        QVERIFY(network.layers()[0].weights.isZero(0));
        QVERIFY2(std::abs(network.layers()[0].bias(0) - std::log(4.0)) < 1e-3,
                 qPrintable(QString::number(network.layers()[0].bias(0))));
        QCOMPARE(trainer.evaluateNow().sparsity, 1.0);
    }

    void dropoutMask()
    {
        Dropout dropout(11);
        Matrix mask(100, 1000);
        dropout.sample(0.3, mask);
        const double dropped = double((mask.array() == 0).count()) / double(mask.size());
        QVERIFY2(std::abs(dropped - 0.3) < 0.01, qPrintable(QString::number(dropped)));
        // Kept units are scaled by 1/(1-p): the expected activation is unchanged.
        QVERIFY(((mask.array() == 0) || (mask.array() == Scalar(1.0 / 0.7))).all());
        QVERIFY(std::abs(mask.mean() - 1.0f) < 0.01f);
        // Seeded: the same seed gives the same masks, another seed others.
        Dropout same(11), other(12);
        Matrix again(100, 1000), different(100, 1000);
        same.sample(0.3, again);
        other.sample(0.3, different);
        QVERIFY(again == mask);
        QVERIFY(different != mask);
        // Successive draws differ.
        dropout.sample(0.3, again);
        QVERIFY(again != mask);
        // Odd row counts and blocks of a larger buffer work.
        Matrix odd(7, 9);
        dropout.sample(0.5, odd.leftCols(4));
        QVERIFY(((odd.leftCols(4).array() == 0) || (odd.leftCols(4).array() == 2.0f)).all());
        dropout.sample(0.0, odd);
        QVERIFY(odd.isOnes(0));
        QVERIFY_THROWS_EXCEPTION(ConfigError, dropout.sample(1.0, odd));
        QVERIFY_THROWS_EXCEPTION(ConfigError, dropout.sample(-0.1, odd));
        QVERIFY_THROWS_EXCEPTION(ConfigError, dropout.sample(std::nan(""), odd));
    }

    void penaltyTermsFromSettings()
    {
        PenaltyTerms terms = weightPenalty(makeRegularization(0.1, 0.2, L1Mode::Proximal));
        QCOMPARE(terms.l1Proximal, 0.1f);
        QCOMPARE(terms.l1Subgradient, 0.0f);
        QCOMPARE(terms.l2, 0.2f);
        terms = weightPenalty(makeRegularization(0.1, 0.0, L1Mode::Subgradient));
        QCOMPARE(terms.l1Proximal, 0.0f);
        QCOMPARE(terms.l1Subgradient, 0.1f);
        QVERIFY(!weightPenalty(makeRegularization(0, 0)).any());
    }
};

QTEST_APPLESS_MAIN(TestRegularization)
#include "tst_regularization.moc"
