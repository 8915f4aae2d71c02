#include "common/Error.h"
#include "solve/ElasticNetLogistic.h"

#include <QtTest>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <atomic>
#include <cmath>
#include <cstdint>

using namespace ss;

namespace {

// Deterministic normal numbers on every platform (std:: distributions are not).
class Normal {
public:
    explicit Normal(std::uint64_t seed) : m_state(seed) {}
    double next()
    {
        const double u1 = (static_cast<double>(step() >> 11) + 0.5) / 9007199254740992.0;
        const double u2 = (static_cast<double>(step() >> 11) + 0.5) / 9007199254740992.0;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double uniform() { return (static_cast<double>(step() >> 11) + 0.5) / 9007199254740992.0; }

private:
    std::uint64_t step()
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return m_state;
    }
    std::uint64_t m_state;
};

// Correlated features on different scales and offsets (so that standardisation matters);
// labels drawn from a logistic / softmax model on a few of them.
Dataset syntheticData(int classes, int samples, int features, std::uint64_t seed)
{
    Normal normal(seed);
    Dataset data;
    data.name = "synthetic";
    data.features.resize(features, samples);
    data.labels.resize(static_cast<std::size_t>(samples));
    for (int c = 0; c < classes; ++c)
        data.classNames.push_back("c" + std::to_string(c));
    for (int j = 0; j < features; ++j)
        data.featureNames.push_back("f" + std::to_string(j));
    for (int i = 0; i < samples; ++i) {
        std::vector<double> z(static_cast<std::size_t>(features));
        double previous = 0.0;
        for (int j = 0; j < features; ++j) {
            const double e = normal.next();
            z[static_cast<std::size_t>(j)] = e + 0.6 * previous;
            previous = e;
            data.features(j, i) = static_cast<float>((j + 1) * z[static_cast<std::size_t>(j)] + 3.0 * j);
        }
        std::vector<double> score(static_cast<std::size_t>(classes), 0.0);
        score[0] = 0.0;
        score[1] = 1.2 * z[0] - 0.8 * z[2] + (features > 5 ? 0.4 * z[5] : 0.0);
        if (classes > 2)
            score[2] = -0.9 * z[0] + 1.0 * z[3] - 0.3 * z[1];
        double top = 0.0;
        for (double s : score)
            top = std::max(top, s);
        double sum = 0.0;
        for (double& s : score)
            sum += (s = std::exp(s - top));
        double u = normal.uniform() * sum;
        int label = 0;
        while (label < classes - 1 && u > score[static_cast<std::size_t>(label)]) {
            u -= score[static_cast<std::size_t>(label)];
            ++label;
        }
        data.labels[static_cast<std::size_t>(i)] = label;
    }
    return data;
}

// The problem restated independently of the solver, in double: glmnet's standardisation,
// the mean log-loss, its gradient, the objective, KKT residuals and a proximal gradient method.
struct Reference {
    Eigen::MatrixXd x; // samples x features, standardised
    std::vector<int> y;
    int predictors = 1;

    explicit Reference(const Dataset& data)
    {
        const int n = data.sampleCount();
        const int p = data.featureCount();
        predictors = data.classCount() == 2 ? 1 : data.classCount();
        y = data.labels;
        x.resize(n, p);
        for (int j = 0; j < p; ++j) {
            double mean = 0.0;
            for (int i = 0; i < n; ++i)
                mean += data.features(j, i);
            mean /= n;
            double var = 0.0;
            for (int i = 0; i < n; ++i)
                var += (data.features(j, i) - mean) * (data.features(j, i) - mean);
            const double sd = std::sqrt(var / n);
            for (int i = 0; i < n; ++i)
                x(i, j) = (data.features(j, i) - mean) / sd;
        }
    }

    // d loss / d eta per sample and predictor; returns the mean loss.
    double lossAndResidual(const Eigen::MatrixXd& w, const Eigen::VectorXd& b, Eigen::MatrixXd* residual) const
    {
        const Eigen::MatrixXd eta = (x * w.transpose()).rowwise() + b.transpose();
        const long n = x.rows();
        double loss = 0.0;
        if (residual)
            residual->resize(n, predictors);
        for (long i = 0; i < n; ++i) {
            const int label = y[static_cast<std::size_t>(i)];
            if (predictors == 1) {
                const double z = eta(i, 0);
                loss += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - (label == 1 ? z : 0.0);
                if (residual)
                    (*residual)(i, 0) = (1.0 / (1.0 + std::exp(-z)) - (label == 1 ? 1.0 : 0.0)) / n;
            } else {
                const double top = eta.row(i).maxCoeff();
                const double sum = (eta.row(i).array() - top).exp().sum();
                loss += std::log(sum) + top - eta(i, label);
                if (residual)
                    for (int k = 0; k < predictors; ++k)
                        (*residual)(i, k) = (std::exp(eta(i, k) - top) / sum - (k == label ? 1.0 : 0.0)) / n;
            }
        }
        return loss / n;
    }

    double objective(const Eigen::MatrixXd& w, const Eigen::VectorXd& b, double lambda, double alpha) const
    {
        return lossAndResidual(w, b, nullptr)
               + lambda * (alpha * w.cwiseAbs().sum() + 0.5 * (1.0 - alpha) * w.squaredNorm());
    }

    double kkt(const Eigen::MatrixXd& w, const Eigen::VectorXd& b, double lambda, double alpha) const
    {
        Eigen::MatrixXd r;
        lossAndResidual(w, b, &r);
        const Eigen::MatrixXd g = r.transpose() * x; // predictors x features
        double worst = r.colwise().sum().cwiseAbs().maxCoeff();
        for (long k = 0; k < w.rows(); ++k)
            for (long j = 0; j < w.cols(); ++j) {
                const double v = w(k, j);
                const double res = v != 0.0 ? std::abs(g(k, j) + lambda * (1 - alpha) * v + lambda * alpha * (v > 0 ? 1 : -1))
                                            : std::max(0.0, std::abs(g(k, j)) - lambda * alpha);
                worst = std::max(worst, res);
            }
        return worst;
    }

    // Accelerated proximal gradient (FISTA with restarts), run far past convergence.
    void proximalGradient(Eigen::MatrixXd& w, Eigen::VectorXd& b, double lambda, double alpha, int iterations) const
    {
        Eigen::MatrixXd augmented(x.rows(), x.cols() + 1);
        augmented << x, Eigen::VectorXd::Ones(x.rows());
        const double top = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(augmented.transpose() * augmented).eigenvalues().maxCoeff();
        // Curvature bound of the mean log-loss: 1/4 (sigmoid), 1/2 (softmax), times ||X||^2 / n.
        const double step = 1.0 / ((predictors == 1 ? 0.25 : 0.5) * top / x.rows());
        Eigen::MatrixXd wy = w, wPrevious = w;
        Eigen::VectorXd by = b, bPrevious = b;
        double t = 1.0;
        double previousObjective = objective(w, b, lambda, alpha);
        Eigen::MatrixXd r;
        for (int it = 0; it < iterations; ++it) {
            lossAndResidual(wy, by, &r);
            const Eigen::MatrixXd z = wy - step * (r.transpose() * x);
            for (long k = 0; k < z.rows(); ++k)
                for (long j = 0; j < z.cols(); ++j) {
                    const double v = z(k, j);
                    const double shrunk = v > step * lambda * alpha ? v - step * lambda * alpha
                                          : v < -step * lambda * alpha ? v + step * lambda * alpha
                                                                       : 0.0;
                    w(k, j) = shrunk / (1.0 + step * lambda * (1 - alpha));
                }
            b = by - step * r.colwise().sum().transpose();
            const double current = objective(w, b, lambda, alpha);
            if (current > previousObjective) { // restart the momentum
                t = 1.0;
                wy = w;
                by = b;
            } else {
                const double tNext = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
                wy = w + ((t - 1.0) / tNext) * (w - wPrevious);
                by = b + ((t - 1.0) / tNext) * (b - bPrevious);
                t = tNext;
            }
            previousObjective = current;
            wPrevious = w;
            bPrevious = b;
        }
    }
};

ElasticNetPath solve(const Dataset& data, double alpha, std::vector<double> lambdas)
{
    ElasticNetOptions options;
    options.alpha = alpha;
    options.lambdas = std::move(lambdas);
    return fitElasticNetPath(data, options);
}

void compareWithProximalGradient(const Dataset& data, double alpha, bool compareSupport)
{
    const Reference reference(data);
    const double lambdaMax = elasticNetLambdaMax(data, alpha);
    std::vector<double> lambdas;
    for (double f : {0.6, 0.3, 0.1, 0.03, 0.01})
        lambdas.push_back(f * lambdaMax);
    const ElasticNetPath path = solve(data, alpha, lambdas);
    QCOMPARE(static_cast<int>(path.solutions.size()), 5);
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(reference.predictors, data.featureCount());
    Eigen::VectorXd b = Eigen::VectorXd::Zero(reference.predictors);
    for (const ElasticNetSolution& s : path.solutions) {
        reference.proximalGradient(w, b, s.lambda, alpha, 30000);
        const double optimum = reference.objective(w, b, s.lambda, alpha);
        const double reached = reference.objective(s.standardizedWeights, s.standardizedIntercepts, s.lambda, alpha);
        QVERIFY2(std::abs(reached - optimum) <= 1e-6 * std::abs(optimum),
                 qPrintable(QString("lambda %1: objective %2, optimum %3").arg(s.lambda).arg(reached, 0, 'g', 12).arg(optimum, 0, 'g', 12)));
        // The solver's own figure agrees with the independent one.
        QVERIFY(std::abs(s.objective - reached) <= 1e-7 * std::abs(reached));
        const double residual = reference.kkt(s.standardizedWeights, s.standardizedIntercepts, s.lambda, alpha);
        QVERIFY2(residual <= 1e-6, qPrintable(QString("lambda %1: KKT residual %2").arg(s.lambda).arg(residual)));
        QVERIFY(reference.kkt(w, b, s.lambda, alpha) <= 1e-6); // the reference itself converged
        if (compareSupport) {
            for (long k = 0; k < w.rows(); ++k)
                for (long j = 0; j < w.cols(); ++j)
                    QVERIFY2((s.standardizedWeights(k, j) != 0.0) == (std::abs(w(k, j)) > 1e-9),
                             qPrintable(QString("lambda %1 weight (%2, %3): solver %4, reference %5")
                                            .arg(s.lambda).arg(k).arg(j).arg(s.standardizedWeights(k, j)).arg(w(k, j))));
        }
        long nonZero = 0;
        for (long k = 0; k < w.rows(); ++k)
            for (long j = 0; j < w.cols(); ++j)
                nonZero += s.standardizedWeights(k, j) != 0.0;
        QCOMPARE(s.nonZeroWeights, nonZero);
    }
}

} // namespace

class TestElasticNetLogistic : public QObject {
    Q_OBJECT

private slots:
    void binomialLassoMatchesProximalGradient() { compareWithProximalGradient(syntheticData(2, 240, 10, 1), 1.0, true); }
    void binomialElasticNetMatchesProximalGradient() { compareWithProximalGradient(syntheticData(2, 240, 10, 2), 0.5, true); }
    // The softmax lasso optimum is unique only up to the per-feature shift, so the support is
    // compared for the elastic net (strictly convex) and the objective and KKT for both.
    void multinomialLassoMatchesProximalGradient() { compareWithProximalGradient(syntheticData(3, 300, 8, 3), 1.0, false); }
    void multinomialElasticNetMatchesProximalGradient() { compareWithProximalGradient(syntheticData(3, 300, 8, 4), 0.3, true); }

    void lambdaMaxIsExact()
    {
        for (int classes : {2, 3}) {
            const Dataset data = syntheticData(classes, 200, 6, 7);
            const double lambdaMax = elasticNetLambdaMax(data, 1.0);
            // By hand: max |x~_j . (p0 - y)| / n at the intercept-only fit (p0 = the class shares).
            const Reference reference(data);
            const int n = data.sampleCount();
            double expected = 0.0;
            for (int k = 0; k < reference.predictors; ++k) {
                const int cls = reference.predictors == 1 ? 1 : k;
                double share = 0.0;
                for (int label : data.labels)
                    share += label == cls;
                share /= n;
                for (int j = 0; j < data.featureCount(); ++j) {
                    double g = 0.0;
                    for (int i = 0; i < n; ++i)
                        g += reference.x(i, j) * (share - (data.labels[static_cast<std::size_t>(i)] == cls ? 1.0 : 0.0));
                    expected = std::max(expected, std::abs(g) / n);
                }
            }
            QVERIFY(std::abs(lambdaMax - expected) <= 1e-6 * expected);
            const ElasticNetPath path = solve(data, 1.0, {lambdaMax, lambdaMax * (1 - 1e-4)});
            QCOMPARE(path.lambdaMax, lambdaMax);
            QCOMPARE(path.solutions[0].nonZeroWeights, 0L);
            QVERIFY(path.solutions[1].nonZeroWeights >= 1);
            // Elastic net: lambdaMax(lasso) / alpha, and the same boundary behaviour.
            const double elasticMax = elasticNetLambdaMax(data, 0.5);
            QVERIFY(std::abs(elasticMax - 2.0 * lambdaMax) <= 1e-12 * lambdaMax);
            const ElasticNetPath elastic = solve(data, 0.5, {elasticMax, elasticMax * (1 - 1e-4)});
            QCOMPARE(elastic.solutions[0].nonZeroWeights, 0L);
            QVERIFY(elastic.solutions[1].nonZeroWeights >= 1);
        }
    }

    void interceptsAreUnpenalised()
    {
        // At lambdaMax the intercepts are the class log-odds, whatever lambda is.
        const Dataset binary = syntheticData(2, 200, 5, 11);
        double ones = 0.0;
        for (int label : binary.labels)
            ones += label;
        const ElasticNetPath path = solve(binary, 1.0, {10.0, 0.01});
        QVERIFY(std::abs(path.solutions[0].standardizedIntercepts(0) - std::log(ones / (200 - ones))) < 1e-12);
        // At a small lambda the intercept gradient is zero: mean predicted probability = share.
        const ElasticNetSolution& s = path.solutions[1];
        const Reference reference(binary);
        const Eigen::VectorXd eta = (reference.x * s.standardizedWeights.row(0).transpose()).array() + s.standardizedIntercepts(0);
        const double meanProbability = (1.0 / (1.0 + (-eta.array()).exp())).mean();
        QVERIFY(std::abs(meanProbability - ones / 200) < 1e-7);
        // Softmax: centred log shares.
        const Dataset three = syntheticData(3, 300, 5, 12);
        const ElasticNetPath softmax = solve(three, 1.0, {10.0});
        double counts[3] = {0, 0, 0};
        for (int label : three.labels)
            counts[label] += 1;
        const double meanLog = (std::log(counts[0]) + std::log(counts[1]) + std::log(counts[2])) / 3;
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::abs(softmax.solutions[0].standardizedIntercepts(k) - (std::log(counts[k]) - meanLog)) < 1e-12);
    }

    void inputScaleWeightsGiveTheSamePredictor()
    {
        const Dataset data = syntheticData(3, 200, 6, 13);
        const ElasticNetPath path = solve(data, 1.0, {0.02});
        const ElasticNetSolution& s = path.solutions[0];
        const Reference reference(data);
        const Eigen::MatrixXd standardized = (reference.x * s.standardizedWeights.transpose()).rowwise() + s.standardizedIntercepts.transpose();
        const Eigen::MatrixXd raw = (data.features.cast<double>().transpose() * s.weights.transpose()).rowwise() + s.intercepts.transpose();
        QVERIFY((standardized - raw).cwiseAbs().maxCoeff() < 1e-4);
        const Labels predicted = predictElasticNet(s, data.features);
        for (int i = 0; i < data.sampleCount(); ++i) {
            Eigen::Index best = 0;
            standardized.row(i).maxCoeff(&best);
            QCOMPARE(predicted[static_cast<std::size_t>(i)], static_cast<int>(best));
        }
    }

    void constantFeaturesStayZero()
    {
        Dataset data = syntheticData(2, 150, 4, 17);
        data.features.row(2).setConstant(5.0f);
        const ElasticNetPath path = solve(data, 1.0, {1e-4});
        QCOMPARE(path.standardization.scale(2), 0.0);
        QCOMPARE(path.solutions[0].weights(0, 2), 0.0);
        QVERIFY(path.solutions[0].kktResidual <= 1e-6);
        QVERIFY(path.solutions[0].nonZeroWeights == 3);
    }

    void automaticSequenceIsGlmnets()
    {
        const Dataset data = syntheticData(2, 100, 5, 19);
        ElasticNetOptions options;
        options.lambdaCount = 7;
        const ElasticNetPath path = fitElasticNetPath(data, options);
        QCOMPARE(static_cast<int>(path.solutions.size()), 7);
        QCOMPARE(path.solutions.front().lambda, path.lambdaMax);
        // glmnet's default ratio: 1e-4 when there are more samples than features.
        QVERIFY(std::abs(path.solutions.back().lambda - 1e-4 * path.lambdaMax) < 1e-12 * path.lambdaMax);
        for (std::size_t i = 1; i < path.solutions.size(); ++i)
            QVERIFY(std::abs(path.solutions[i].lambda / path.solutions[i - 1].lambda - std::pow(1e-4, 1.0 / 6)) < 1e-12);
    }

    void cancelIsHonoured()
    {
        const Dataset data = syntheticData(3, 200, 6, 23);
        ElasticNetOptions options;
        options.lambdaCount = 10;
        std::atomic<bool> cancel{true};
        const ElasticNetPath none = fitElasticNetPath(data, options, &cancel);
        QVERIFY(none.cancelled);
        QVERIFY(none.solutions.empty());
        cancel = false;
        int calls = 0;
        const ElasticNetPath some = fitElasticNetPath(data, options, &cancel, [&](double) {
            if (++calls == 3)
                cancel = true;
        });
        QVERIFY(some.cancelled);
        QCOMPARE(static_cast<int>(some.solutions.size()), 3);
    }

    void threadsGiveTheSameSolutions()
    {
        const Dataset data = syntheticData(3, 400, 12, 29);
        ElasticNetOptions options;
        options.lambdaCount = 8;
        const ElasticNetPath one = fitElasticNetPath(data, options);
        options.threads = 2;
        const ElasticNetPath two = fitElasticNetPath(data, options);
        for (std::size_t i = 0; i < one.solutions.size(); ++i) {
            QCOMPARE(one.solutions[i].nonZeroWeights, two.solutions[i].nonZeroWeights);
            QVERIFY(std::abs(one.solutions[i].objective - two.solutions[i].objective) <= 1e-9 * one.solutions[i].objective);
        }
    }

    void badInputIsRejected()
    {
        const Dataset data = syntheticData(2, 50, 3, 31);
        ElasticNetOptions options;
        options.alpha = 1.5;
        QVERIFY_THROWS_EXCEPTION(ConfigError, fitElasticNetPath(data, options));
        options = {};
        options.lambdas = {0.1, -1.0};
        QVERIFY_THROWS_EXCEPTION(ConfigError, fitElasticNetPath(data, options));
        options = {};
        options.kktTolerance = 0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, fitElasticNetPath(data, options));
        Dataset oneClass = data;
        for (int& label : oneClass.labels)
            label = 0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, fitElasticNetPath(oneClass, ElasticNetOptions{}));
    }
};

QTEST_APPLESS_MAIN(TestElasticNetLogistic)
#include "tst_elasticnetlogistic.moc"
