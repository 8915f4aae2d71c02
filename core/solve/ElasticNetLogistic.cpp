#include "solve/ElasticNetLogistic.h"

#include "common/Error.h"
#include "common/ThreadTeam.h"
#include "kernels/Isa.h"
#include "solve/CoordinateKernels.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

namespace ss {

void ElasticNetOptions::validate() const
{
    if (!(alpha >= 0.0 && alpha <= 1.0))
        throw ConfigError("elastic net: alpha must be in [0, 1], got " + std::to_string(alpha));
    if (lambdas.empty()) {
        if (lambdaCount < 1)
            throw ConfigError("elastic net: at least 1 lambda is needed, got " + std::to_string(lambdaCount));
        if (!(minRatio >= 0.0 && minRatio < 1.0))
            throw ConfigError("elastic net: minRatio must be in (0, 1) (0 for the default), got " + std::to_string(minRatio));
    }
    for (double lambda : lambdas)
        if (!(lambda > 0.0 && std::isfinite(lambda)))
            throw ConfigError("elastic net: every lambda must be positive and finite, got " + std::to_string(lambda));
    if (!(kktTolerance > 0.0 && std::isfinite(kktTolerance)))
        throw ConfigError("elastic net: kktTolerance must be positive, got " + std::to_string(kktTolerance));
    if (maxOuterIterations < 1)
        throw ConfigError("elastic net: maxOuterIterations must be >= 1, got " + std::to_string(maxOuterIterations));
    if (threads < 1)
        throw ConfigError("elastic net: threads must be >= 1, got " + std::to_string(threads));
}

std::string ElasticNetStandardization::description() const
{
    return scaled ? "each feature centred by its training mean and divided by its training standard deviation "
                    "(1/n variance), as glmnet's standardize = TRUE; the penalty acts on these standardised "
                    "coefficients; constant features are left out (coefficient 0); weights and intercepts are "
                    "also given on the input scale"
                  : "each feature centred by its training mean only; the penalty acts on the input-scale coefficients";
}

std::vector<double> elasticNetLambdaSequence(double lambdaMax, int lambdaCount, double minRatio)
{
    std::vector<double> lambdas(static_cast<std::size_t>(std::max(1, lambdaCount)));
    for (int i = 0; i < lambdaCount; ++i) {
        const double t = lambdaCount == 1 ? 0.0 : static_cast<double>(i) / (lambdaCount - 1);
        lambdas[static_cast<std::size_t>(i)] = lambdaMax * std::pow(minRatio, t);
    }
    return lambdas;
}

namespace {

double softThreshold(double z, double threshold)
{
    if (z > threshold)
        return z - threshold;
    if (z < -threshold)
        return z + threshold;
    return 0.0;
}

double softplus(double z)
{
    return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
}

// The c minimising sum_k alpha |b_k - c| + (1 - alpha)/2 (b_k - c)^2. For the lasso the
// minimisers form the median interval; glmnet takes the median, or for an even count the
// midpoint of the two middle values, and so do we.
double penaltyMinimisingShift(std::vector<double>& values, double alpha)
{
    const int count = static_cast<int>(values.size());
    double sum = 0.0;
    for (double v : values)
        sum += v;
    if (alpha == 0.0)
        return sum / count;
    std::sort(values.begin(), values.end());
    if (values.front() == values.back())
        return values.front();
    if (alpha == 1.0)
        return count % 2 == 1 ? values[static_cast<std::size_t>(count / 2)]
                              : 0.5 * (values[static_cast<std::size_t>(count / 2 - 1)] + values[static_cast<std::size_t>(count / 2)]);
    // Strictly convex: the minimiser is a stationary point inside one of the intervals between
    // sorted values, or one of the values themselves; try them all (count is the class count).
    const auto cost = [&](double c) {
        double total = 0.0;
        for (double v : values)
            total += alpha * std::abs(v - c) + 0.5 * (1.0 - alpha) * (v - c) * (v - c);
        return total;
    };
    double best = values.front();
    double bestCost = cost(best);
    for (int below = 0; below <= count; ++below) {
        // Derivative on the interval with `below` values under c: alpha (2 below - count) + (1 - alpha)(count c - sum).
        const double c = (sum - alpha * (2.0 * below - count) / (1.0 - alpha)) / count;
        const double lo = below == 0 ? -std::numeric_limits<double>::infinity() : values[static_cast<std::size_t>(below - 1)];
        const double hi = below == count ? std::numeric_limits<double>::infinity() : values[static_cast<std::size_t>(below)];
        if (c >= lo && c <= hi) {
            const double cc = cost(c);
            if (cc < bestCost) {
                best = c;
                bestCost = cc;
            }
        }
    }
    for (double v : values) {
        const double cc = cost(v);
        if (cc < bestCost) {
            best = v;
            bestCost = cc;
        }
    }
    return best;
}

// Rows per block of the all-features gradient: the residual block of every predictor stays in cache.
constexpr long kGradientRowBlock = 1024;
// Newton weights p(1 - p) are floored (glmnet floors p at 1e-5) so that saturated samples do
// not make the quadratic model flat; the step is still checked against the true objective.
constexpr double kMinimumNewtonWeight = 1e-5 * (1.0 - 1e-5);
// The multinomial step's curvature floor, the same as a share of the largest curvature (a
// quarter of the mean square); the intercepts' column of ones has mean square 1.
constexpr double kDampingShare = 0.25 * 1e-5;
constexpr double kInterceptDamping = 0.25 * 1e-5;
// Safety bounds: they end loops that rounding would otherwise keep alive.
constexpr long kMaxSweepsPerFit = 100000;
constexpr int kMaxHalvings = 50;
constexpr int kMaxKktRounds = 60;
// Beyond 1e-8 of the starting tolerance the changes are rounding noise.
constexpr int kMaxTightenings = 4;
// Inexact Newton: a quadratic model is solved until its cycles move it by this share of what
// its first cycle did (or to the tolerance, if that is looser); the outer iterations correct
// the rest, and each costs about one cycle of bookkeeping.
constexpr double kRelativeInnerTolerance = 1e-2;
// The outer iterations on the strong set stop once every strong coefficient's KKT residual is
// this share of the tolerance (the check over every feature follows).
constexpr double kStrongKktShare = 0.5;
// The KKT tolerance is at most this share of lambda * alpha (see solveAt).
constexpr double kThresholdShareOfKkt = 1e-4;
// Largest active set solved directly: the system costs samples * size^2 / 2 to form.
constexpr long kMaxDirectSolveSize = 400;
// The multinomial active set: cycles before the conjugate-gradient solve, its iteration bound,
// and its stop as a share of the cycles' tolerance.
constexpr long kSweepsBeforeConjugateGradient = 3;
constexpr long kMaxConjugateGradientSolves = 1;
constexpr Eigen::Index kMaxConjugateGradientIterations = 500;
constexpr double kConjugateGradientShare = 0.1;

class PathSolver {
public:
    PathSolver(const Dataset& train, const ElasticNetOptions& options)
        : m_n(train.sampleCount())
        , m_p(train.featureCount())
        , m_classes(train.classCount())
        , m_predictors(train.classCount() == 2 ? 1 : train.classCount())
        , m_alpha(options.alpha)
        , m_options(options)
    {
        ensureSimdPathChosen();
        if (m_classes < 2)
            throw ConfigError("elastic net: at least two classes are needed, got " + std::to_string(m_classes));
        if (m_n == 0)
            throw ConfigError("elastic net: the training set is empty");
        if (static_cast<long>(train.labels.size()) != m_n)
            throw ConfigError("elastic net: " + std::to_string(train.labels.size()) + " labels for " + std::to_string(m_n) + " samples");
        std::vector<long> counts(static_cast<std::size_t>(m_classes), 0);
        for (int label : train.labels) {
            if (label < 0 || label >= m_classes)
                throw ConfigError("elastic net: label " + std::to_string(label) + " outside [0, " + std::to_string(m_classes) + ")");
            ++counts[static_cast<std::size_t>(label)];
        }
        for (int c = 0; c < m_classes; ++c)
            if (counts[static_cast<std::size_t>(c)] == 0)
                throw ConfigError("elastic net: class '" + train.classNames[static_cast<std::size_t>(c)] + "' has no training samples");
        m_labels = train.labels;
        standardize(train, options.standardize);
        allocate();
        startAtNullModel(counts);
    }

    ElasticNetPath run(const std::vector<double>& lambdas, const std::atomic<bool>* cancel,
                       const std::function<void(double)>& onProgress)
    {
        ElasticNetPath path;
        path.classes = m_classes;
        path.predictors = m_predictors;
        path.alpha = m_alpha;
        path.lambdaMax = lambdaMax();
        path.standardization = m_standardization;
        double previous = path.lambdaMax;
        for (std::size_t i = 0; i < lambdas.size(); ++i) {
            if (cancel && cancel->load()) {
                path.cancelled = true;
                break;
            }
            ElasticNetSolution solution;
            if (!solveAt(lambdas[i], std::max(previous, lambdas[i]), cancel, solution)) {
                path.cancelled = true;
                break;
            }
            previous = lambdas[i];
            path.solutions.push_back(std::move(solution));
            if (onProgress)
                onProgress(static_cast<double>(i + 1) / static_cast<double>(lambdas.size()));
        }
        return path;
    }

    double lambdaMax() const { return m_nullGradientMax / std::max(m_alpha, 1e-3); }

private:
    double* beta(int k) { return m_beta.data() + static_cast<long>(k) * m_p; }
    double* eta(int k) { return m_eta.data() + static_cast<long>(k) * m_n; }
    const float* column(int j) const { return m_x.data() + static_cast<long>(j) * m_n; }

    void standardize(const Dataset& train, bool scaled)
    {
        m_standardization.scaled = scaled;
        m_standardization.mean.resize(m_p);
        m_standardization.scale.resize(m_p);
        m_columnMeanSquare.assign(static_cast<std::size_t>(m_p), 0.0);
        m_x.resize(static_cast<std::size_t>(m_n) * static_cast<std::size_t>(m_p));
        std::vector<double> values(static_cast<std::size_t>(m_n));
        for (int j = 0; j < m_p; ++j) {
            double sum = 0.0;
            for (long i = 0; i < m_n; ++i) {
                values[static_cast<std::size_t>(i)] = train.features(j, i);
                sum += values[static_cast<std::size_t>(i)];
            }
            const double mean = sum / m_n;
            double squares = 0.0;
            bool constant = true;
            for (long i = 0; i < m_n; ++i) {
                const double d = values[static_cast<std::size_t>(i)] - mean;
                squares += d * d;
                constant = constant && values[static_cast<std::size_t>(i)] == values[0];
            }
            const double deviation = std::sqrt(squares / m_n);
            const double scale = constant ? 0.0 : (scaled ? deviation : 1.0);
            m_standardization.mean(j) = mean;
            m_standardization.scale(j) = scale;
            float* out = m_x.data() + static_cast<long>(j) * m_n;
            double meanSquare = 0.0;
            for (long i = 0; i < m_n; ++i) {
                out[i] = scale > 0 ? static_cast<float>((values[static_cast<std::size_t>(i)] - mean) / scale) : 0.0f;
                meanSquare += static_cast<double>(out[i]) * out[i];
            }
            m_columnMeanSquare[static_cast<std::size_t>(j)] = meanSquare / m_n;
        }
    }

    void allocate()
    {
        const auto sampleSlots = static_cast<std::size_t>(m_n);
        const auto coefficientSlots = static_cast<std::size_t>(m_predictors) * static_cast<std::size_t>(m_p);
        m_beta.assign(coefficientSlots, 0.0);
        m_gradient.assign(coefficientSlots, 0.0);
        m_intercepts.assign(static_cast<std::size_t>(m_predictors), 0.0);
        m_interceptGradient.assign(static_cast<std::size_t>(m_predictors), 0.0);
        m_eta.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
        m_residualAll.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
        m_weight.assign(sampleSlots, 0.0);
        m_residual.assign(sampleSlots, 0.0);
        m_savedEta.assign(sampleSlots, 0.0);
        m_shift.assign(sampleSlots, 0.0);
        m_savedBeta.assign(static_cast<std::size_t>(m_p), 0.0);
        m_curvature.assign(static_cast<std::size_t>(m_p), 0.0);
        m_strong.assign(static_cast<std::size_t>(m_p), 0);
        m_strongList.reserve(static_cast<std::size_t>(m_p));
        m_activeList.reserve(static_cast<std::size_t>(m_p));
        m_classValues.resize(static_cast<std::size_t>(m_predictors));
        if (m_predictors > 1) {
            m_prob.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
            m_baseResidual.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
            m_stepEta.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
            m_savedEtaAll.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
            m_stepShared.assign(sampleSlots, 0.0);
            m_curvatureAll.assign(coefficientSlots, 0.0);
            m_savedBetaAll.assign(coefficientSlots, 0.0);
            m_interceptCurvature.assign(static_cast<std::size_t>(m_predictors), 0.0);
            m_savedIntercepts.assign(static_cast<std::size_t>(m_predictors), 0.0);
            m_exp.assign(sampleSlots * static_cast<std::size_t>(m_predictors), 0.0);
            m_sumExp.assign(sampleSlots, 0.0);
            m_reference.assign(sampleSlots, 0.0);
        }
        if (m_options.threads > 1)
            m_team = std::make_unique<ThreadTeam>(m_options.threads);
    }

    void startAtNullModel(const std::vector<long>& counts)
    {
        if (m_predictors == 1) {
            m_intercepts[0] = std::log(static_cast<double>(counts[1]) / static_cast<double>(counts[0]));
        } else {
            double mean = 0.0;
            for (int k = 0; k < m_predictors; ++k) {
                m_intercepts[static_cast<std::size_t>(k)] = std::log(static_cast<double>(counts[static_cast<std::size_t>(k)]) / m_n);
                mean += m_intercepts[static_cast<std::size_t>(k)] / m_predictors;
            }
            for (double& b : m_intercepts)
                b -= mean;
        }
        for (int k = 0; k < m_predictors; ++k)
            std::fill(eta(k), eta(k) + m_n, m_intercepts[static_cast<std::size_t>(k)]);
        if (m_predictors > 1)
            for (long i = 0; i < m_n; ++i)
                rebaseSample(i);
        m_loss = meanLoss();
        computeGradient();
        m_nullGradientMax = 0.0;
        for (double g : m_gradient)
            m_nullGradientMax = std::max(m_nullGradientMax, std::abs(g));
    }

    // --- probabilities and loss -------------------------------------------------------

    // Softmax bookkeeping: m_exp[i * K + k] = exp(eta_ik - reference_i), m_sumExp[i] their sum.
    void rebaseSample(long i)
    {
        const int K = m_predictors;
        double top = -std::numeric_limits<double>::infinity();
        for (int k = 0; k < K; ++k)
            top = std::max(top, m_eta[static_cast<std::size_t>(k * m_n + i)]);
        m_reference[static_cast<std::size_t>(i)] = top;
        double sum = 0.0;
        for (int k = 0; k < K; ++k) {
            const double e = std::exp(m_eta[static_cast<std::size_t>(k * m_n + i)] - top);
            m_exp[static_cast<std::size_t>(i * K + k)] = e;
            sum += e;
        }
        m_sumExp[static_cast<std::size_t>(i)] = sum;
    }

    // After predictor k's linear predictor changed.
    void refreshPredictor(int k)
    {
        if (m_predictors == 1)
            return;
        const int K = m_predictors;
        const double* e = eta(k);
        for (long i = 0; i < m_n; ++i) {
            const double exponent = e[i] - m_reference[static_cast<std::size_t>(i)];
            if (exponent > 500.0) {
                rebaseSample(i);
                continue;
            }
            double* row = m_exp.data() + i * K;
            row[k] = std::exp(exponent);
            double sum = 0.0;
            for (int c = 0; c < K; ++c)
                sum += row[c];
            if (sum < 1e-200)
                rebaseSample(i);
            else
                m_sumExp[static_cast<std::size_t>(i)] = sum;
        }
    }

    double probability(int k, long i) const
    {
        if (m_predictors == 1)
            return 1.0 / (1.0 + std::exp(-m_eta[static_cast<std::size_t>(i)]));
        return m_exp[static_cast<std::size_t>(i * m_predictors + k)] / m_sumExp[static_cast<std::size_t>(i)];
    }

    double target(int k, long i) const
    {
        const int label = m_labels[static_cast<std::size_t>(i)];
        return (m_predictors == 1 ? label == 1 : label == k) ? 1.0 : 0.0;
    }

    double meanLoss() const
    {
        double total = 0.0;
        if (m_predictors == 1) {
            for (long i = 0; i < m_n; ++i) {
                const double z = m_eta[static_cast<std::size_t>(i)];
                total += softplus(z) - (m_labels[static_cast<std::size_t>(i)] == 1 ? z : 0.0);
            }
        } else {
            for (long i = 0; i < m_n; ++i) {
                const int label = m_labels[static_cast<std::size_t>(i)];
                total += std::log(m_sumExp[static_cast<std::size_t>(i)]) + m_reference[static_cast<std::size_t>(i)]
                         - m_eta[static_cast<std::size_t>(label * m_n + i)];
            }
        }
        return total / m_n;
    }

    // Over the strong list: every non-zero coefficient is on it.
    double penalty() const
    {
        double l1 = 0.0;
        double l2 = 0.0;
        for (int k = 0; k < m_predictors; ++k)
            for (int j : m_strongList) {
                const double b = m_beta[static_cast<std::size_t>(k * m_p + j)];
                l1 += std::abs(b);
                l2 += b * b;
            }
        return m_lambda * (m_alpha * l1 + 0.5 * (1.0 - m_alpha) * l2);
    }

    // d meanLoss / d b_kj for every feature, and for the intercepts.
    // (p - y) / n per predictor and sample, and the intercepts' gradient.
    void computeResiduals()
    {
        for (int k = 0; k < m_predictors; ++k) {
            double* out = m_residualAll.data() + static_cast<long>(k) * m_n;
            double sum = 0.0;
            for (long i = 0; i < m_n; ++i) {
                out[i] = (probability(k, i) - target(k, i)) / m_n;
                sum += out[i];
            }
            m_interceptGradient[static_cast<std::size_t>(k)] = sum;
        }
    }

    // The gradient of the strong features only (the others' entries are left as they were),
    // and the largest KKT residual over them and the intercepts.
    double strongKktResidual()
    {
        computeResiduals();
        const double l1 = m_lambda * m_alpha;
        const double l2 = m_lambda * (1.0 - m_alpha);
        double worst = 0.0;
        for (double g : m_interceptGradient)
            worst = std::max(worst, std::abs(g));
        for (int j : m_strongList) {
            for (int k = 0; k < m_predictors; ++k)
                m_gradient[static_cast<std::size_t>(k * m_p + j)] = 0.0;
            solve::accumulateColumnProducts(column(j), m_n, 1, m_residualAll.data(), m_n, m_predictors, m_n,
                                            m_gradient.data() + j, m_p);
            for (int k = 0; k < m_predictors; ++k) {
                const auto s = static_cast<std::size_t>(k * m_p + j);
                worst = std::max(worst, coefficientResidual(m_beta[s], m_gradient[s], l1, l2));
            }
        }
        return worst;
    }

    static double coefficientResidual(double b, double g, double l1, double l2)
    {
        return b != 0.0 ? std::abs(g + l2 * b + (b > 0 ? l1 : -l1)) : std::max(0.0, std::abs(g) - l1);
    }

    void computeGradient()
    {
        const int K = m_predictors;
        computeResiduals();
        std::fill(m_gradient.begin(), m_gradient.end(), 0.0);
        const auto featureRange = [&](int first, int last) {
            for (long row = 0; row < m_n; row += kGradientRowBlock) {
                const long rows = std::min(kGradientRowBlock, m_n - row);
                solve::accumulateColumnProducts(m_x.data() + static_cast<long>(first) * m_n + row, m_n, last - first,
                                                m_residualAll.data() + row, m_n, K, rows, m_gradient.data() + first, m_p);
            }
        };
        if (!m_team) {
            featureRange(0, m_p);
            return;
        }
        const int members = m_team->size();
        auto task = [&](int member) {
            featureRange(static_cast<int>(static_cast<long>(m_p) * member / members),
                         static_cast<int>(static_cast<long>(m_p) * (member + 1) / members));
        };
        m_team->run(task);
    }

    double kktResidual() const
    {
        const double l1 = m_lambda * m_alpha;
        const double l2 = m_lambda * (1.0 - m_alpha);
        double worst = 0.0;
        for (std::size_t s = 0; s < m_beta.size(); ++s)
            worst = std::max(worst, coefficientResidual(m_beta[s], m_gradient[s], l1, l2));
        for (double g : m_interceptGradient)
            worst = std::max(worst, std::abs(g));
        return worst;
    }

    // --- coordinate descent ----------------------------------------------------------

    // One cycle over `list` and the intercept on the quadratic model of predictor k; returns the
    // largest curvature-weighted squared change (glmnet's convergence measure).
    double sweep(int k, const std::vector<int>& list, double weightSum)
    {
        const double l1 = m_lambda * m_alpha;
        const double l2 = m_lambda * (1.0 - m_alpha);
        double* b = beta(k);
        double* r = m_residual.data();
        const double* v = m_weight.data();
        double change = 0.0;
        for (int j : list) {
            const double curvature = m_curvature[static_cast<std::size_t>(j)];
            if (curvature + l2 <= 0.0)
                continue;
            const float* x = column(j);
            const double old = b[j];
            const double z = solve::dotFloatDouble(x, r, m_n) + curvature * old;
            const double updated = softThreshold(z, l1) / (curvature + l2);
            if (updated != old) {
                const double d = updated - old;
                b[j] = updated;
                solve::subtractWeightedColumn(r, d, v, x, m_n);
                change = std::max(change, curvature * d * d);
            }
        }
        const double d0 = solve::sumOfSamples(r, m_n) / weightSum;
        if (d0 != 0.0) {
            m_intercepts[static_cast<std::size_t>(k)] += d0;
            solve::subtractScaled(r, d0, v, m_n);
            change = std::max(change, weightSum * d0 * d0);
        }
        return change;
    }

    // The minimiser of the quadratic model over the active coefficients with their signs kept
    // (a smooth quadratic there: one linear solve), and the intercept. Where a sign would
    // change, the step stops at the first zero crossing and the cycles take over again.
    void solveActiveSetDirectly(int k, double weightSum)
    {
        const auto size = static_cast<Eigen::Index>(m_activeList.size()) + 1; // intercept last
        const double l1 = m_lambda * m_alpha;
        const double l2 = m_lambda * (1.0 - m_alpha);
        double* b = beta(k);
        const double* v = m_weight.data();
        double* r = m_residual.data();
        Eigen::MatrixXd system(size, size);
        Eigen::VectorXd gradient(size);
        m_weightedColumn.resize(static_cast<std::size_t>(m_n));
        for (Eigen::Index a = 0; a + 1 < size; ++a) {
            const int ja = m_activeList[static_cast<std::size_t>(a)];
            const float* xa = column(ja);
            for (long i = 0; i < m_n; ++i)
                m_weightedColumn[static_cast<std::size_t>(i)] = v[i] * xa[i];
            for (Eigen::Index c = a; c + 1 < size; ++c)
                system(a, c) = system(c, a) =
                    solve::dotFloatDouble(column(m_activeList[static_cast<std::size_t>(c)]), m_weightedColumn.data(), m_n);
            double sum = 0.0;
            for (long i = 0; i < m_n; ++i)
                sum += m_weightedColumn[static_cast<std::size_t>(i)];
            system(a, size - 1) = system(size - 1, a) = sum;
            system(a, a) += l2;
            gradient(a) = -solve::dotFloatDouble(xa, r, m_n) + (b[ja] > 0 ? l1 : -l1) + l2 * b[ja];
        }
        system(size - 1, size - 1) = weightSum;
        gradient(size - 1) = -solve::sumOfSamples(r, m_n);
        const Eigen::LDLT<Eigen::MatrixXd> factor(system);
        if (factor.info() != Eigen::Success)
            return;
        const Eigen::VectorXd step = factor.solve(-gradient);
        if (!step.allFinite())
            return;
        double fraction = 1.0;
        Eigen::Index crossing = -1;
        for (Eigen::Index a = 0; a + 1 < size; ++a) {
            const double old = b[m_activeList[static_cast<std::size_t>(a)]];
            if ((old > 0 && old + step(a) < 0) || (old < 0 && old + step(a) > 0)) {
                const double t = -old / step(a);
                if (t < fraction) {
                    fraction = t;
                    crossing = a;
                }
            }
        }
        for (Eigen::Index a = 0; a + 1 < size; ++a) {
            const int j = m_activeList[static_cast<std::size_t>(a)];
            const double updated = a == crossing ? 0.0 : b[j] + fraction * step(a);
            const double d = updated - b[j];
            if (d != 0.0) {
                b[j] = updated;
                solve::subtractWeightedColumn(r, d, v, column(j), m_n);
            }
        }
        const double d0 = fraction * step(size - 1);
        m_intercepts[static_cast<std::size_t>(k)] += d0;
        solve::subtractScaled(r, d0, v, m_n);
    }

    // Minimises the quadratic approximation in predictor k's coefficients (the others fixed),
    // then moves there, halving the step while the true objective would rise.
    double fitPredictor(int k, double tolerance)
    {
        double weightSum = 0.0;
        for (long i = 0; i < m_n; ++i) {
            const double p = probability(k, i);
            m_weight[static_cast<std::size_t>(i)] = std::max(p * (1.0 - p), kMinimumNewtonWeight) / m_n;
            m_residual[static_cast<std::size_t>(i)] = (target(k, i) - p) / m_n;
            weightSum += m_weight[static_cast<std::size_t>(i)];
        }
        double* b = beta(k);
        for (int j : m_strongList) {
            m_curvature[static_cast<std::size_t>(j)] = solve::weightedSquareSum(column(j), m_weight.data(), m_n);
            m_savedBeta[static_cast<std::size_t>(j)] = b[j];
        }
        const double savedIntercept = m_intercepts[static_cast<std::size_t>(k)];
        const double before = m_loss + penalty();

        // Active-set iterations: a cycle over the strong set, then cycles over the non-zero
        // coefficients only until they settle, until a full cycle changes nothing. Where the
        // cycles crawl (strongly correlated features, as near separation at small lambda),
        // the quadratic model on the active set is solved directly (once per active set) when
        // its cost, about |active| / 8 cycles, is half the cycles already spent on it.
        long sweeps = 0;
        bool first = true;
        while (sweeps < kMaxSweepsPerFit) {
            ++sweeps;
            const double strongChange = sweep(k, m_strongList, weightSum);
            if (first)
                tolerance = std::max(tolerance, kRelativeInnerTolerance * strongChange);
            first = false;
            if (strongChange < tolerance)
                break;
            m_activeList.clear();
            for (int j : m_strongList)
                if (b[j] != 0.0)
                    m_activeList.push_back(j);
            long activeSweeps = 0;
            bool solvedDirectly = false;
            const long sweepsBeforeDirectSolve = std::max<long>(4, static_cast<long>(m_activeList.size()) / 4);
            while (sweeps < kMaxSweepsPerFit) {
                ++sweeps;
                ++activeSweeps;
                if (sweep(k, m_activeList, weightSum) < tolerance)
                    break;
                if (!solvedDirectly && activeSweeps >= sweepsBeforeDirectSolve
                    && static_cast<long>(m_activeList.size()) <= kMaxDirectSolveSize) {
                    solvedDirectly = true;
                    solveActiveSetDirectly(k, weightSum);
                }
            }
        }
        m_sweeps += sweeps;

        // Move the linear predictor, checking the true objective.
        double* e = eta(k);
        std::copy(e, e + m_n, m_savedEta.begin());
        double change = 0.0;
        for (int j : m_strongList) {
            const double d = b[j] - m_savedBeta[static_cast<std::size_t>(j)];
            if (d != 0.0) {
                solve::addScaledColumn(e, d, column(j), m_n);
                change = std::max(change, m_curvature[static_cast<std::size_t>(j)] * d * d);
            }
        }
        const double d0 = m_intercepts[static_cast<std::size_t>(k)] - savedIntercept;
        for (long i = 0; i < m_n; ++i)
            e[i] += d0;
        change = std::max(change, weightSum * d0 * d0);
        refreshPredictor(k);
        double loss = meanLoss();
        for (int halving = 0; halving < kMaxHalvings && loss + penalty() > before + 1e-13 * std::abs(before); ++halving) {
            for (int j : m_strongList)
                b[j] = 0.5 * (b[j] + m_savedBeta[static_cast<std::size_t>(j)]);
            m_intercepts[static_cast<std::size_t>(k)] = 0.5 * (m_intercepts[static_cast<std::size_t>(k)] + savedIntercept);
            for (long i = 0; i < m_n; ++i)
                e[i] = 0.5 * (e[i] + m_savedEta[static_cast<std::size_t>(i)]);
            refreshPredictor(k);
            loss = meanLoss();
            change *= 0.25;
        }
        m_loss = loss;
        return change;
    }

    // More than two classes: one Newton step on every class at once. The model is the
    // second-order expansion of the softmax log-loss with its cross-class terms (the Hessian per
    // sample is diag(p) - p p^T). Cycling over one class at a time with the others fixed
    // converges only linearly where the classes are coupled (near separation, at small lambda);
    // the joint step keeps Newton's convergence there. Each coordinate's curvature is floored
    // (damping()) so that coefficients whose samples are all saturated do not take unbounded
    // steps; the floor acts like a proximal term centred on the coordinate's current value, so
    // the cycles' fixed point is still the model's minimiser.
    double fitAllClasses(double tolerance)
    {
        const int K = m_predictors;
        const double invN = 1.0 / static_cast<double>(m_n);
        for (long i = 0; i < m_n; ++i) {
            const double* row = m_exp.data() + i * K;
            const double inverseSum = 1.0 / m_sumExp[static_cast<std::size_t>(i)];
            const int label = m_labels[static_cast<std::size_t>(i)];
            for (int k = 0; k < K; ++k) {
                const double prob = row[k] * inverseSum;
                m_prob[static_cast<std::size_t>(k * m_n + i)] = prob;
                m_baseResidual[static_cast<std::size_t>(k * m_n + i)] = ((label == k ? 1.0 : 0.0) - prob) * invN;
            }
        }
        std::fill(m_stepEta.begin(), m_stepEta.end(), 0.0);
        std::fill(m_stepShared.begin(), m_stepShared.end(), 0.0);
        m_savedBetaAll = m_beta;
        for (int k = 0; k < K; ++k) {
            const double* prob = m_prob.data() + static_cast<long>(k) * m_n;
            double weightSum = 0.0;
            for (long i = 0; i < m_n; ++i) {
                m_weight[static_cast<std::size_t>(i)] = prob[i] * (1.0 - prob[i]) * invN;
                weightSum += m_weight[static_cast<std::size_t>(i)];
            }
            m_interceptCurvature[static_cast<std::size_t>(k)] = weightSum;
            m_savedIntercepts[static_cast<std::size_t>(k)] = m_intercepts[static_cast<std::size_t>(k)];
            for (int j : m_strongList)
                m_curvatureAll[static_cast<std::size_t>(k * m_p + j)] = solve::weightedSquareSum(column(j), m_weight.data(), m_n);
        }
        const double before = m_loss + penalty();

        m_strongPairs.clear();
        for (int j : m_strongList)
            for (int k = 0; k < K; ++k)
                m_strongPairs.push_back(k * m_p + j);
        long sweeps = 0;
        bool first = true;
        while (sweeps < kMaxSweepsPerFit) {
            ++sweeps;
            const double strongChange = sweepAllClasses(m_strongPairs);
            if (first)
                tolerance = std::max(tolerance, kRelativeInnerTolerance * strongChange);
            first = false;
            if (strongChange < tolerance)
                break;
            m_activePairs.clear();
            for (int index : m_strongPairs)
                if (m_beta[static_cast<std::size_t>(index)] != 0.0)
                    m_activePairs.push_back(index);
            long activeSweeps = 0;
            bool settled = false;
            while (sweeps < kMaxSweepsPerFit) {
                ++sweeps;
                ++activeSweeps;
                if (sweepAllClasses(m_activePairs) < tolerance) {
                    settled = true;
                    break;
                }
                if (activeSweeps % kSweepsBeforeConjugateGradient == 0
                    && activeSweeps <= kSweepsBeforeConjugateGradient * kMaxConjugateGradientSolves)
                    solveActivePairsByConjugateGradient(tolerance);
            }
            // The active pairs have settled: the closing cycle over the strong pairs would
            // change nothing if no zero pair would move.
            if (settled && zeroPairsStayZero())
                break;
        }
        m_sweeps += sweeps;

        // Move the linear predictors, checking the true objective.
        double change = 0.0;
        for (int index : m_strongPairs) {
            const double d = m_beta[static_cast<std::size_t>(index)] - m_savedBetaAll[static_cast<std::size_t>(index)];
            change = std::max(change, std::max(m_curvatureAll[static_cast<std::size_t>(index)], damping(index % m_p)) * d * d);
        }
        for (int k = 0; k < K; ++k) {
            const double d0 = m_intercepts[static_cast<std::size_t>(k)] - m_savedIntercepts[static_cast<std::size_t>(k)];
            change = std::max(change, std::max(m_interceptCurvature[static_cast<std::size_t>(k)], kInterceptDamping) * d0 * d0);
        }
        m_savedEtaAll = m_eta;
        for (std::size_t s = 0; s < m_eta.size(); ++s)
            m_eta[s] = m_savedEtaAll[s] + m_stepEta[s];
        for (long i = 0; i < m_n; ++i)
            rebaseSample(i);
        double loss = meanLoss();
        for (int halving = 0; halving < kMaxHalvings && loss + penalty() > before + 1e-13 * std::abs(before); ++halving) {
            for (int index : m_strongPairs)
                m_beta[static_cast<std::size_t>(index)] = 0.5 * (m_beta[static_cast<std::size_t>(index)] + m_savedBetaAll[static_cast<std::size_t>(index)]);
            for (int k = 0; k < K; ++k)
                m_intercepts[static_cast<std::size_t>(k)] = 0.5 * (m_intercepts[static_cast<std::size_t>(k)] + m_savedIntercepts[static_cast<std::size_t>(k)]);
            for (std::size_t s = 0; s < m_eta.size(); ++s) {
                m_stepEta[s] *= 0.5;
                m_eta[s] = m_savedEtaAll[s] + m_stepEta[s];
            }
            for (long i = 0; i < m_n; ++i)
                rebaseSample(i);
            loss = meanLoss();
            change *= 0.25;
        }
        m_loss = loss;
        return change;
    }

    // Into m_cgMoved: the joint model's negative gradient per class and sample at the current
    // step, rho_k = r_k - p_k (e_k - s) / n (class-major).
    void computeModelResidual()
    {
        const double invN = 1.0 / static_cast<double>(m_n);
        m_cgMoved.resize(static_cast<std::size_t>(m_predictors) * static_cast<std::size_t>(m_n));
        for (int k = 0; k < m_predictors; ++k) {
            const long offset = static_cast<long>(k) * m_n;
            for (long i = 0; i < m_n; ++i)
                m_cgMoved[static_cast<std::size_t>(offset + i)] =
                    m_baseResidual[static_cast<std::size_t>(offset + i)]
                    - invN * m_prob[static_cast<std::size_t>(offset + i)]
                          * (m_stepEta[static_cast<std::size_t>(offset + i)] - m_stepShared[static_cast<std::size_t>(i)]);
        }
    }

    // Whether a cycle over the strong pairs would leave every zero one at zero (its model
    // gradient within the threshold). Checked for all of them at once, which costs a fraction
    // of the cycle; the cycle then runs only when some would move.
    bool zeroPairsStayZero()
    {
        const int K = m_predictors;
        const auto strongCount = static_cast<long>(m_strongList.size());
        computeModelResidual();
        m_zeroCheckGradients.assign(static_cast<std::size_t>(K * strongCount), 0.0);
        for (long row = 0; row < m_n; row += kGradientRowBlock) {
            const long rows = std::min(kGradientRowBlock, m_n - row);
            for (long f = 0; f < strongCount; ++f)
                solve::accumulateColumnProducts(column(m_strongList[static_cast<std::size_t>(f)]) + row, m_n, 1,
                                                m_cgMoved.data() + row, m_n, K, rows, m_zeroCheckGradients.data() + f, strongCount);
        }
        const double l1 = m_lambda * m_alpha;
        for (long f = 0; f < strongCount; ++f) {
            const int j = m_strongList[static_cast<std::size_t>(f)];
            for (int k = 0; k < K; ++k)
                if (m_beta[static_cast<std::size_t>(k * m_p + j)] == 0.0
                    && std::abs(m_zeroCheckGradients[static_cast<std::size_t>(k * strongCount + f)]) > l1)
                    return false;
        }
        return true;
    }

    // The joint model's Hessian times `direction` over the active pairs and the intercepts
    // (intercept k at m_activePairs.size() + k).
    void applyModelHessian(const Eigen::VectorXd& direction, Eigen::VectorXd& product)
    {
        const int K = m_predictors;
        const double invN = 1.0 / static_cast<double>(m_n);
        const auto pairCount = static_cast<Eigen::Index>(m_activePairs.size());
        const auto featureCount = static_cast<int>(m_cgFeatures.size());
        std::fill(m_cgCoefficients.begin(), m_cgCoefficients.end(), 0.0);
        for (Eigen::Index a = 0; a < pairCount; ++a)
            m_cgCoefficients[static_cast<std::size_t>(m_cgSlot[static_cast<std::size_t>(a)])] = direction(a);
        // u = X d + intercepts (class-major), by blocks of rows that stay in cache, then per
        // sample (diag(p) - p p^T) u / n: p_k (u_k - sum_c p_c u_c) / n, then X^T of that for
        // the active pairs only.
        for (long row = 0; row < m_n; row += kGradientRowBlock) {
            const long rows = std::min(kGradientRowBlock, m_n - row);
            for (int k = 0; k < K; ++k)
                std::fill_n(m_cgMoved.data() + static_cast<long>(k) * m_n + row, rows, direction(pairCount + k));
            solve::accumulateColumnCombination(m_x.data() + row, m_n, m_cgFeatures.data(), featureCount,
                                               m_cgCoefficients.data(), K, rows, m_cgMoved.data() + row, m_n);
            double* shared = m_cgShared.data() + row;
            std::fill_n(shared, rows, 0.0);
            for (int k = 0; k < K; ++k) {
                const double* u = m_cgMoved.data() + static_cast<long>(k) * m_n + row;
                const double* prob = m_prob.data() + static_cast<long>(k) * m_n + row;
                for (long i = 0; i < rows; ++i)
                    shared[i] += prob[i] * u[i];
            }
            for (int k = 0; k < K; ++k) {
                double* u = m_cgMoved.data() + static_cast<long>(k) * m_n + row;
                const double* prob = m_prob.data() + static_cast<long>(k) * m_n + row;
                for (long i = 0; i < rows; ++i)
                    u[i] = invN * prob[i] * (u[i] - shared[i]);
            }
        }
        for (int k = 0; k < K; ++k)
            product(pairCount + k) = solve::sumOfSamples(m_cgMoved.data() + static_cast<long>(k) * m_n, m_n);
        const double l2 = m_lambda * (1.0 - m_alpha);
        for (Eigen::Index a = 0; a < pairCount; ++a) {
            const int index = m_activePairs[static_cast<std::size_t>(a)];
            product(a) = solve::dotFloatDouble(column(index % m_p), m_cgMoved.data() + static_cast<long>(index / m_p) * m_n, m_n)
                         + l2 * direction(a);
        }
    }

    // Where the cycles over the active pairs crawl (the classes of one feature are coupled,
    // and features correlated), the model with the active coefficients' signs kept is a
    // smooth quadratic: conjugate gradients, preconditioned by the curvatures, minimise it in
    // far fewer products than the cycles need (each costs about one cycle). The step stops
    // at the first sign change, as solveActiveSetDirectly's; the cycles then go on from there.
    void solveActivePairsByConjugateGradient(double tolerance)
    {
        const int K = m_predictors;
        const double l1 = m_lambda * m_alpha;
        const double l2 = m_lambda * (1.0 - m_alpha);
        const auto pairCount = static_cast<Eigen::Index>(m_activePairs.size());
        const Eigen::Index size = pairCount + K;
        m_cgShared.resize(static_cast<std::size_t>(m_n));
        // The features with an active class, and each pair's place among them.
        m_cgFeatures.clear();
        m_cgSlot.resize(static_cast<std::size_t>(pairCount));
        for (Eigen::Index a = 0; a < pairCount; ++a) {
            const int index = m_activePairs[static_cast<std::size_t>(a)];
            if (m_cgFeatures.empty() || m_cgFeatures.back() != index % m_p)
                m_cgFeatures.push_back(index % m_p);
            m_cgSlot[static_cast<std::size_t>(a)] = static_cast<int>(m_cgFeatures.size() - 1) * K + index / m_p;
        }
        m_cgCoefficients.resize(m_cgFeatures.size() * static_cast<std::size_t>(K));
        computeModelResidual();
        Eigen::VectorXd residual(size);
        Eigen::VectorXd diagonal(size);
        for (Eigen::Index a = 0; a < pairCount; ++a) {
            const int index = m_activePairs[static_cast<std::size_t>(a)];
            const int j = index % m_p;
            const double b = m_beta[static_cast<std::size_t>(index)];
            residual(a) = solve::dotFloatDouble(column(j), m_cgMoved.data() + static_cast<long>(index / m_p) * m_n, m_n)
                          - (b > 0 ? l1 : -l1) - l2 * b;
            diagonal(a) = m_curvatureAll[static_cast<std::size_t>(index)] + l2 + damping(j);
        }
        for (int k = 0; k < K; ++k) {
            residual(pairCount + k) = solve::sumOfSamples(m_cgMoved.data() + static_cast<long>(k) * m_n, m_n);
            diagonal(pairCount + k) = m_interceptCurvature[static_cast<std::size_t>(k)] + kInterceptDamping;
        }
        // Done when no single coordinate's Newton step would change the model by more than a
        // share of the cycles' tolerance (the same measure: curvature * step^2).
        const auto converged = [&](const Eigen::VectorXd& r) {
            return (r.array().square() / diagonal.array()).maxCoeff() < kConjugateGradientShare * tolerance;
        };
        Eigen::VectorXd step = Eigen::VectorXd::Zero(size);
        if (converged(residual))
            return;
        Eigen::VectorXd preconditioned = residual.cwiseQuotient(diagonal);
        Eigen::VectorXd direction = preconditioned;
        Eigen::VectorXd product(size);
        double rz = residual.dot(preconditioned);
        const Eigen::Index iterations = std::min<Eigen::Index>(size, kMaxConjugateGradientIterations);
        for (Eigen::Index it = 0; it < iterations; ++it) {
            applyModelHessian(direction, product);
            const double curvature = direction.dot(product);
            if (!(curvature > 0.0))
                break;
            const double length = rz / curvature;
            step += length * direction;
            residual -= length * product;
            if (converged(residual))
                break;
            preconditioned = residual.cwiseQuotient(diagonal);
            const double next = residual.dot(preconditioned);
            direction = preconditioned + (next / rz) * direction;
            rz = next;
        }
        if (!step.allFinite())
            return;
        double fraction = 1.0;
        Eigen::Index crossing = -1;
        for (Eigen::Index a = 0; a < pairCount; ++a) {
            const double old = m_beta[static_cast<std::size_t>(m_activePairs[static_cast<std::size_t>(a)])];
            if ((old > 0 && old + step(a) < 0) || (old < 0 && old + step(a) > 0)) {
                const double t = -old / step(a);
                if (t < fraction) {
                    fraction = t;
                    crossing = a;
                }
            }
        }
        takeModelStep(step, fraction, crossing);
    }

    // Moves the active pairs (and intercepts) by fraction * step, `crossing` to exactly 0.
    void takeModelStep(const Eigen::VectorXd& step, double fraction, Eigen::Index crossing)
    {
        const auto pairCount = static_cast<Eigen::Index>(m_activePairs.size());
        double* shared = m_stepShared.data();
        for (Eigen::Index a = 0; a < pairCount; ++a) {
            const int index = m_activePairs[static_cast<std::size_t>(a)];
            const double old = m_beta[static_cast<std::size_t>(index)];
            const double updated = a == crossing ? 0.0 : old + fraction * step(a);
            const double d = updated - old;
            if (d == 0.0)
                continue;
            m_beta[static_cast<std::size_t>(index)] = updated;
            const long offset = static_cast<long>(index / m_p) * m_n;
            solve::multinomialModelStep(m_stepEta.data() + offset, shared, m_prob.data() + offset, d, column(index % m_p), m_n);
        }
        for (int k = 0; k < m_predictors; ++k) {
            const double d = fraction * step(pairCount + k);
            if (d == 0.0)
                continue;
            m_intercepts[static_cast<std::size_t>(k)] += d;
            const long offset = static_cast<long>(k) * m_n;
            for (long i = 0; i < m_n; ++i) {
                m_stepEta[static_cast<std::size_t>(offset + i)] += d;
                shared[i] += d * m_prob[static_cast<std::size_t>(offset + i)];
            }
        }
    }

    // The curvature floor for feature j: a 1e-5 share of the largest possible curvature (1/4 of
    // the feature's mean square), the floor glmnet puts on the Newton weights.
    double damping(int j) const { return kDampingShare * m_columnMeanSquare[static_cast<std::size_t>(j)]; }

    // A constant that minimises the penalty of `values` (one feature's coefficients over the
    // classes) when subtracted from all of them. For the lasso with an even class count the
    // minimisers form the interval between the two middle values: glmnet reports the midpoint
    // (keepZeros false), which makes every class non-zero when exactly half are zero; while
    // solving, the point of the interval nearest 0 is taken (keepZeros true) so that zeros stay
    // zeros and the iterations do not move between equally good points.
    double classShift(std::vector<double>& values, bool keepZeros) const
    {
        const double c = penaltyMinimisingShift(values, m_alpha);
        if (!keepZeros || m_alpha != 1.0 || m_predictors % 2 == 1)
            return c;
        // penaltyMinimisingShift sorted the values.
        return std::clamp(0.0, values[static_cast<std::size_t>(m_predictors / 2 - 1)],
                          values[static_cast<std::size_t>(m_predictors / 2)]);
    }

    // Moves feature j's coefficients in every class by a penalty-minimising constant (the one
    // nearest 0); the step's linear predictors follow: each class's by -c x_j, and their
    // probability-weighted sum by the same, the probabilities summing to 1.
    void shiftFeatureInStep(int j)
    {
        for (int k = 0; k < m_predictors; ++k)
            m_classValues[static_cast<std::size_t>(k)] = m_beta[static_cast<std::size_t>(k * m_p + j)];
        const double c = classShift(m_classValues, true);
        if (c == 0.0)
            return;
        const float* x = column(j);
        for (int k = 0; k < m_predictors; ++k) {
            m_beta[static_cast<std::size_t>(k * m_p + j)] -= c;
            solve::addScaledColumn(m_stepEta.data() + static_cast<long>(k) * m_n, -c, x, m_n);
        }
        solve::addScaledColumn(m_stepShared.data(), -c, x, m_n);
    }

    // One cycle of the joint multinomial model over `pairs` (class * features + feature, the
    // classes of one feature together) and every intercept; returns the largest
    // curvature-weighted squared change. The model, like the likelihood, does not change when
    // one feature's coefficients all move by the same constant (each sample's Hessian and
    // gradient sum to zero over the classes), so after a feature's classes are updated they
    // are shifted by the constant that minimises the penalty: along that flat direction the
    // cycles would otherwise creep.
    double sweepAllClasses(const std::vector<int>& pairs)
    {
        const double l1 = m_lambda * m_alpha;
        const double l2 = m_lambda * (1.0 - m_alpha);
        const double invN = 1.0 / static_cast<double>(m_n);
        double* shared = m_stepShared.data();
        double change = 0.0;
        for (std::size_t first = 0; first < pairs.size();) {
            const int j = pairs[first] % m_p;
            std::size_t last = first;
            bool moved = false;
            for (; last < pairs.size() && pairs[last] % m_p == j; ++last) {
                const int index = pairs[last];
                const int k = index / m_p;
                const double curvature = std::max(m_curvatureAll[static_cast<std::size_t>(index)], damping(j));
                if (curvature + l2 <= 0.0)
                    continue;
                const long offset = static_cast<long>(k) * m_n;
                const float* x = column(j);
                const double old = m_beta[static_cast<std::size_t>(index)];
                const double z = solve::multinomialModelDot(x, m_baseResidual.data() + offset, m_prob.data() + offset,
                                                            m_stepEta.data() + offset, shared, invN, m_n)
                                 + curvature * old;
                const double updated = softThreshold(z, l1) / (curvature + l2);
                if (updated != old) {
                    const double d = updated - old;
                    m_beta[static_cast<std::size_t>(index)] = updated;
                    solve::multinomialModelStep(m_stepEta.data() + offset, shared, m_prob.data() + offset, d, x, m_n);
                    change = std::max(change, curvature * d * d);
                    moved = true;
                }
            }
            if (moved)
                shiftFeatureInStep(j);
            first = last;
        }
        for (int k = 0; k < m_predictors; ++k) {
            const long offset = static_cast<long>(k) * m_n;
            const double* r = m_baseResidual.data() + offset;
            const double* prob = m_prob.data() + offset;
            double* e = m_stepEta.data() + offset;
            double gradient = 0.0;
            for (long i = 0; i < m_n; ++i)
                gradient += r[i] - invN * prob[i] * (e[i] - shared[i]);
            const double curvature = std::max(m_interceptCurvature[static_cast<std::size_t>(k)], kInterceptDamping);
            const double current = m_intercepts[static_cast<std::size_t>(k)];
            const double updated = current + gradient / curvature;
            const double d = updated - current;
            if (d != 0.0) {
                m_intercepts[static_cast<std::size_t>(k)] = updated;
                for (long i = 0; i < m_n; ++i) {
                    e[i] += d;
                    shared[i] += d * prob[i];
                }
                change = std::max(change, curvature * d * d);
            }
        }
        return change;
    }

    // Softmax: the likelihood ignores a constant added to a feature's coefficients in every
    // class, and to all intercepts; take the constant that minimises the penalty.
    void applySymmetricShifts(bool keepZeros)
    {
        bool shifted = false;
        std::fill(m_shift.begin(), m_shift.end(), 0.0);
        for (int j : m_strongList) {
            bool any = false;
            for (int k = 0; k < m_predictors; ++k) {
                m_classValues[static_cast<std::size_t>(k)] = m_beta[static_cast<std::size_t>(k * m_p + j)];
                any = any || m_classValues[static_cast<std::size_t>(k)] != 0.0;
            }
            if (!any)
                continue;
            const double c = classShift(m_classValues, keepZeros);
            if (c == 0.0)
                continue;
            for (int k = 0; k < m_predictors; ++k)
                m_beta[static_cast<std::size_t>(k * m_p + j)] -= c;
            solve::addScaledColumn(m_shift.data(), c, column(j), m_n);
            shifted = true;
        }
        double meanIntercept = 0.0;
        for (double b : m_intercepts)
            meanIntercept += b / m_predictors;
        for (double& b : m_intercepts)
            b -= meanIntercept;
        if (!shifted && meanIntercept == 0.0)
            return;
        for (long i = 0; i < m_n; ++i)
            m_shift[static_cast<std::size_t>(i)] += meanIntercept;
        for (int k = 0; k < m_predictors; ++k) {
            double* e = eta(k);
            for (long i = 0; i < m_n; ++i)
                e[i] -= m_shift[static_cast<std::size_t>(i)];
        }
        // exp(eta - reference) is unchanged when the reference moves with eta.
        for (long i = 0; i < m_n; ++i)
            m_reference[static_cast<std::size_t>(i)] -= m_shift[static_cast<std::size_t>(i)];
    }

    // Outer loop on the strong set. False when cancelled.
    bool solveOnStrongSet(double tolerance, const std::atomic<bool>* cancel, int& outerIterations)
    {
        double previousChange = 0.0;
        for (int it = 0; it < m_options.maxOuterIterations; ++it) {
            if (cancel && cancel->load())
                return false;
            // Inexact Newton: while the quadratic approximations still move a lot, solving
            // them to the final tolerance is wasted work.
            const double innerTolerance = std::max(tolerance, 1e-3 * previousChange);
            double change = 0.0;
            if (m_predictors == 1) {
                change = fitPredictor(0, innerTolerance);
            } else {
                change = fitAllClasses(innerTolerance);
                applySymmetricShifts(true);
            }
            ++outerIterations;
            if (change < tolerance || strongKktResidual() <= kStrongKktShare * m_kktTolerance)
                break;
            previousChange = change;
        }
        return true;
    }

    void rebuildStrongList()
    {
        m_strongList.clear();
        for (int j = 0; j < m_p; ++j)
            if (m_strong[static_cast<std::size_t>(j)])
                m_strongList.push_back(j);
    }

    double largestGradient(int j) const
    {
        double g = 0.0;
        for (int k = 0; k < m_predictors; ++k)
            g = std::max(g, std::abs(m_gradient[static_cast<std::size_t>(k * m_p + j)]));
        return g;
    }

    bool solveAt(double lambda, double previousLambda, const std::atomic<bool>* cancel, ElasticNetSolution& solution)
    {
        m_lambda = lambda;
        m_sweeps = 0;
        int outerIterations = 0;
        const double l1 = lambda * m_alpha;
        const bool nullModel = m_alpha > 0.0 && l1 >= m_nullGradientMax
                               && std::all_of(m_beta.begin(), m_beta.end(), [](double b) { return b == 0.0; });
        if (!nullModel) {
            // Sequential strong rule: features whose gradient at the previous solution is below
            // alpha (2 lambda - previous) are left out until the KKT check says otherwise.
            const double screen = m_alpha * (2.0 * lambda - previousLambda);
            for (int j = 0; j < m_p; ++j) {
                bool keep = largestGradient(j) >= screen;
                for (int k = 0; k < m_predictors && !keep; ++k)
                    keep = m_beta[static_cast<std::size_t>(k * m_p + j)] != 0.0;
                m_strong[static_cast<std::size_t>(j)] = keep ? 1 : 0;
            }
            rebuildStrongList();
            m_loss = meanLoss();
            // The cycles stop when no coefficient moves the quadratic model by more than this
            // (curvature * change^2); where the KKT check still fails, it is tightened.
            // At small lambda a coefficient's KKT residual of kktTolerance may be a sizeable
            // share of the threshold lambda * alpha, and whether it is zero then depends on
            // the rounding of the stop; the tolerance also shrinks with lambda.
            m_kktTolerance = l1 > 0.0 ? std::min(m_options.kktTolerance, kThresholdShareOfKkt * l1) : m_options.kktTolerance;
            double tolerance = m_kktTolerance * m_kktTolerance;
            int tightenings = 0;
            for (int round = 0; round < kMaxKktRounds; ++round) {
                if (!solveOnStrongSet(tolerance, cancel, outerIterations))
                    return false;
                computeGradient();
                int added = 0;
                for (int j = 0; j < m_p; ++j)
                    if (!m_strong[static_cast<std::size_t>(j)] && largestGradient(j) > l1) {
                        m_strong[static_cast<std::size_t>(j)] = 1;
                        ++added;
                    }
                if (added > 0) {
                    rebuildStrongList();
                    continue;
                }
                if (kktResidual() <= m_kktTolerance || ++tightenings > kMaxTightenings)
                    break;
                tolerance *= 0.01;
            }
            if (m_predictors > 1) {
                // The solution reported in glmnet's convention (classShift); the likelihood
                // and so the gradient do not change.
                applySymmetricShifts(false);
                m_loss = meanLoss();
                computeGradient();
            }
        }
        fillSolution(solution);
        solution.outerIterations = outerIterations;
        solution.coordinateSweeps = m_sweeps;
        return true;
    }

    void fillSolution(ElasticNetSolution& s) const
    {
        s.lambda = m_lambda;
        s.standardizedWeights.resize(m_predictors, m_p);
        s.weights.resize(m_predictors, m_p);
        s.standardizedIntercepts.resize(m_predictors);
        s.intercepts.resize(m_predictors);
        s.nonZeroWeights = 0;
        double l1 = 0.0;
        double l2 = 0.0;
        for (int k = 0; k < m_predictors; ++k) {
            double intercept = m_intercepts[static_cast<std::size_t>(k)];
            for (int j = 0; j < m_p; ++j) {
                const double b = m_beta[static_cast<std::size_t>(k * m_p + j)];
                const double scale = m_standardization.scale(j);
                const double w = scale > 0 ? b / scale : 0.0;
                s.standardizedWeights(k, j) = b;
                s.weights(k, j) = w;
                intercept -= w * m_standardization.mean(j);
                s.nonZeroWeights += b != 0.0;
                l1 += std::abs(b);
                l2 += b * b;
            }
            s.standardizedIntercepts(k) = m_intercepts[static_cast<std::size_t>(k)];
            s.intercepts(k) = intercept;
        }
        s.meanLogLoss = meanLoss();
        s.penalty = m_lambda * (m_alpha * l1 + 0.5 * (1.0 - m_alpha) * l2);
        s.objective = s.meanLogLoss + s.penalty;
        s.kktResidual = kktResidual();
    }

    long m_n;
    int m_p;
    int m_classes;
    int m_predictors;
    double m_alpha;
    ElasticNetOptions m_options;
    ElasticNetStandardization m_standardization;
    Labels m_labels;
    std::vector<float> m_x;            // standardised, one contiguous column of samples per feature
    std::vector<double> m_beta;        // predictors x features, row per predictor
    std::vector<double> m_intercepts;
    std::vector<double> m_eta;         // predictors x samples, row per predictor
    std::vector<double> m_exp;         // samples x predictors (softmax only)
    std::vector<double> m_sumExp;
    std::vector<double> m_reference;
    std::vector<double> m_gradient;    // like m_beta
    std::vector<double> m_interceptGradient;
    std::vector<double> m_residualAll; // like m_eta: (p - y) / n
    std::vector<double> m_weight;      // Newton weights of the predictor being fitted
    std::vector<double> m_residual;    // weighted working residual of its quadratic model
    std::vector<double> m_savedEta;
    std::vector<double> m_shift;
    std::vector<double> m_savedBeta;
    std::vector<double> m_curvature;   // sum_i w_i x_ij^2
    std::vector<double> m_classValues;
    std::vector<double> m_weightedColumn;
    std::vector<char> m_strong;
    std::vector<double> m_columnMeanSquare; // sum_i x_ij^2 / n of the standardised column
    // The joint multinomial step (fitAllClasses), class-major like m_eta.
    std::vector<double> m_prob;
    std::vector<double> m_baseResidual;    // (y - p) / n at the step's start
    std::vector<double> m_stepEta;         // the step's change of the linear predictors
    std::vector<double> m_stepShared;      // sum over classes of p * m_stepEta, per sample
    std::vector<double> m_savedEtaAll;
    std::vector<double> m_curvatureAll;    // sum_i x_ij^2 p_ik (1 - p_ik) / n
    std::vector<double> m_savedBetaAll;
    std::vector<double> m_interceptCurvature;
    std::vector<double> m_savedIntercepts;
    std::vector<double> m_cgMoved;         // class-major scratch of the conjugate-gradient solve
    std::vector<double> m_cgShared;
    std::vector<double> m_zeroCheckGradients; // class x strong feature (zeroPairsStayZero)
    std::vector<int> m_cgFeatures;         // features with an active class, in the pairs' order
    std::vector<int> m_cgSlot;             // per active pair: feature slot * classes + class
    std::vector<double> m_cgCoefficients;  // feature slot x class
    std::vector<int> m_strongPairs;        // class * features + feature
    std::vector<int> m_activePairs;
    std::vector<int> m_strongList;
    std::vector<int> m_activeList;
    std::unique_ptr<ThreadTeam> m_team;
    double m_lambda = 0;
    double m_kktTolerance = 0;         // this lambda's, from the options' (solveAt)
    double m_loss = 0;
    double m_nullGradientMax = 0;
    long m_sweeps = 0;
};

} // namespace

double elasticNetLambdaMax(const Dataset& train, double alpha, bool standardize)
{
    ElasticNetOptions options;
    options.alpha = alpha;
    options.standardize = standardize;
    options.validate();
    return PathSolver(train, options).lambdaMax();
}

ElasticNetPath fitElasticNetPath(const Dataset& train, const ElasticNetOptions& options,
                                 const std::atomic<bool>* cancel, const std::function<void(double)>& onProgress)
{
    options.validate();
    PathSolver solver(train, options);
    std::vector<double> lambdas = options.lambdas;
    if (lambdas.empty()) {
        const double ratio = options.minRatio > 0 ? options.minRatio : (train.sampleCount() > train.featureCount() ? 1e-4 : 1e-2);
        lambdas = elasticNetLambdaSequence(solver.lambdaMax(), options.lambdaCount, ratio);
    }
    std::sort(lambdas.begin(), lambdas.end(), std::greater<>());
    return solver.run(lambdas, cancel, onProgress);
}

Labels predictElasticNet(const ElasticNetSolution& solution, const Matrix& features)
{
    const Eigen::MatrixXd scores = (solution.weights * features.cast<double>()).colwise() + solution.intercepts;
    Labels labels(static_cast<std::size_t>(features.cols()));
    for (Eigen::Index i = 0; i < scores.cols(); ++i) {
        if (scores.rows() == 1) {
            labels[static_cast<std::size_t>(i)] = scores(0, i) > 0 ? 1 : 0;
        } else {
            Eigen::Index best = 0;
            scores.col(i).maxCoeff(&best);
            labels[static_cast<std::size_t>(i)] = static_cast<int>(best);
        }
    }
    return labels;
}

} // namespace ss
