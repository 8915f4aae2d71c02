// The instant evaluator must give exactly what a full evaluation of the pruned + quantized
// model gives, after any sequence of settings (slow drags both ways, random jumps, bit
// width changes), and its bookkeeping (sparsity, thresholds, statistics, efficiency) too.
#include "common/Error.h"
#include "common/Random.h"
#include "common/ThreadTeam.h"
#include "compress/PrecisionLadder.h"
#include "eval/Decisions.h"
#include "eval/InstantEvaluator.h"
#include "kernels/IntegerProduct.h"

#include "TestNetworks.h"
#include <omp.h>

#include <QtTest>

#include <cmath>
#include <set>

using namespace ss;

namespace {

Network makeNetwork(int inputs, std::vector<int> hidden, int classes, std::uint64_t seed,
                    Activation activation = Activation::ReLU)
{
    return makeTestNetwork(inputs, std::move(hidden), classes, seed, activation);
}

// Features drawn at random; labels from the network itself with some flipped, so that the
// accuracy starts high and falls as the model is pruned.
Dataset makeDataset(const Network& network, int samples, std::uint64_t seed)
{
    Random random(seed);
    Dataset data;
    data.name = "synthetic";
    const int inputs = network.layers().front().inputs();
    data.features.resize(inputs, samples);
    for (Eigen::Index c = 0; c < samples; ++c)
        for (Eigen::Index r = 0; r < inputs; ++r)
            data.features(r, c) = random.bernoulli(0.3) ? 0.0f : static_cast<Scalar>(random.normal(0.0, 1.0));
    data.labels = network.predict(data.features);
    for (int& label : data.labels)
        if (random.bernoulli(0.1))
            label = static_cast<int>(random.below(static_cast<std::uint64_t>(network.classCount())));
    for (int c = 0; c < network.classCount(); ++c)
        data.classNames.push_back("class " + std::to_string(c));
    for (int f = 0; f < inputs; ++f)
        data.featureNames.push_back("x" + std::to_string(f));
    return data;
}

// The suite's usual subject: a seeded network, a test set drawn for it (from seed + 1) and
// the evaluator of the two.
struct EvaluatorCase {
    EvaluatorCase(int inputs, std::vector<int> hidden, int classes, std::uint64_t seed, int samples)
        : network(makeNetwork(inputs, std::move(hidden), classes, seed))
        , test(makeDataset(network, samples, seed + 1))
        , evaluator(network, test)
    {
    }
    Network network;
    Dataset test;
    InstantEvaluator evaluator;
};

QuantizationSpec randomPrecision(Random& random)
{
    static const std::vector<std::string> specs = {"32", "fp16", "bf16", "8", "6", "4", "3", "2", "ternary",
                                                   "binary", "8-row", "4-row", "2-row", "ternary-row", "binary-row"};
    return QuantizationSpec::parse(specs[random.below(specs.size())]);
}

// Counts exactly; the norms to double rounding (the evaluator keeps running sums of the
// unquantized survivors rather than summing the matrix again).
bool sameStatistics(const WeightStatistics& a, const WeightStatistics& b)
{
    const auto near = [](double x, double y) { return std::abs(x - y) <= 1e-9 * std::max(1.0, std::abs(y)); };
    return a.weights == b.weights && a.zeroWeights == b.zeroWeights && a.biases == b.biases
           && a.zeroBiases == b.zeroBiases && a.sparsity == b.sparsity && near(a.l1Norm, b.l1Norm)
           && near(a.l2Norm, b.l2Norm) && near(a.hoyer, b.hoyer) && near(a.meanAbsWeight, b.meanAbsWeight);
}

// Everything but the log loss must be identical; the log loss to float precision.
void compareEvaluations(const Evaluation& fast, const Evaluation& full, const QString& where)
{
    const QByteArray context = where.toUtf8();
    QVERIFY2(fast.predictions == full.predictions, context.constData());
    QVERIFY2(fast.report.confusion == full.report.confusion, context.constData());
    QVERIFY2(fast.report.accuracy == full.report.accuracy, context.constData());
    QVERIFY2(fast.report.macro.f1 == full.report.macro.f1, context.constData());
    QVERIFY2(std::abs(fast.logLoss - full.logLoss) <= 1e-4 * (1.0 + full.logLoss), context.constData());
    QVERIFY2(fast.pruning.achievedSparsity == full.pruning.achievedSparsity, context.constData());
    QVERIFY2(fast.pruning.prunedWeights == full.pruning.prunedWeights, context.constData());
    QVERIFY2(fast.pruning.layerSparsity == full.pruning.layerSparsity, context.constData());
    QVERIFY2(fast.pruning.layerThresholds == full.pruning.layerThresholds, context.constData());
    QVERIFY2(fast.thresholdUsed == full.thresholdUsed, context.constData());
    QVERIFY2(sameStatistics(fast.weights, full.weights), context.constData());
    QVERIFY2(fast.layers.size() == full.layers.size(), context.constData());
    for (std::size_t l = 0; l < fast.layers.size(); ++l)
        QVERIFY2(sameStatistics(fast.layers[l], full.layers[l]), context.constData());
    QVERIFY2(fast.efficiency.nonZeroWeights == full.efficiency.nonZeroWeights, context.constData());
    QVERIFY2(fast.efficiency.bytesSmallest == full.efficiency.bytesSmallest, context.constData());
    QVERIFY2(fast.efficiency.energyTotalPj == full.efficiency.energyTotalPj, context.constData());
    QVERIFY2(fast.denseFp32.bytesSmallest == full.denseFp32.bytesSmallest, context.constData());
    QVERIFY2(fast.trainedFp32.bytesSmallest == full.trainedFp32.bytesSmallest, context.constData());
    QVERIFY2(fast.denseFp32.nonZeroWeights == fast.denseFp32.weights, context.constData());
}

// How far the evaluator's float logits are from a fresh forward pass of the compressed
// network, relative to the scale the exact-decision tolerance uses.
double logitDiscrepancy(const InstantEvaluator& evaluator, const CompressionSetting& setting, const Dataset& test)
{
    // One thread: Eigen's threaded GEMM busy-waits, which is slow on a loaded machine.
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const Matrix reference = evaluator.compressedNetwork(setting).logits(test.features);
    omp_set_num_threads(threads);
    return relativeLogitDiscrepancy(evaluator.lastLogits(), reference);
}

// Evaluates `setting` quickly and fully, compares the two, and says which path the
// evaluator's first layer took.
std::string checkAgainstFullEvaluation(InstantEvaluator& evaluator, const Network& network, const Dataset& test,
                                       const CompressionSetting& setting, const QString& where)
{
    compareEvaluations(evaluator.evaluate(setting), evaluateFully(network, test, setting), where);
    return evaluator.lastFirstLayerPath();
}

// A network and a test set of pixels k / 255 as the image scaler makes them, a fraction
// `blank` of them 0 (the evaluator keeps such inputs as bytes for its column updates),
// labelled by the network; the generator goes on where the pixels left it.
struct PixelCase {
    Network network;
    Dataset test;
    Random random;
};

PixelCase pixelCase(int inputs, std::vector<int> hidden, int classes, std::uint64_t seed, int samples, double blank)
{
    PixelCase c{makeNetwork(inputs, std::move(hidden), classes, seed), {}, Random(seed + 2)};
    c.test = makeDataset(c.network, samples, seed + 1);
    for (Eigen::Index i = 0; i < c.test.features.size(); ++i)
        c.test.features.data()[i] = c.random.bernoulli(blank) ? 0.0f
                                                              : static_cast<Scalar>(c.random.below(256)) * (Scalar(1) / Scalar(255));
    c.test.labels = c.network.predict(c.test.features);
    return c;
}

QString describe(const CompressionSetting& s)
{
    const bool threshold = s.pruning.criterion == PruningSpec::Criterion::Threshold;
    return QStringLiteral("%1 %2 %3 %4")
        .arg(threshold ? "threshold" : "target")
        .arg(threshold ? s.pruning.threshold : s.pruning.targetSparsity)
        .arg(s.pruning.scope == PruningSpec::Scope::Global ? "global" : "per-layer")
        .arg(QString::fromStdString(s.precision.label()));
}

} // namespace

class TestInstantEvaluator : public QObject {
    Q_OBJECT

private slots:
    void equalsFullEvaluationOnRandomSettings();
    void slowDragsBackAndForth();
    void bitWidthSweeps();
    void imageInputs();
    void otherArchitectures();
    void largeEnoughForThreads();
    void fullEvaluationOnATeamEqualsOneThread();
    void tiesAreDecidedExactly();
    void modelMasksAreKept();
    void compressedNetworkMatches();
    void lastCompressedNetworkIsTheEvaluatedOne();
    void checkpointsKeepJumpsExact();
    void idleWorkPreparesOneCheckpointAPiece();
    void precomputedPrecisionsAreExact();
    void badSettingsThrowAndKeepState();
    void incompatibleDataThrows();
    void aSetCancelFlagStopsConstruction();
    void logitDiscrepancyIsPerSampleRelative();
};

void TestInstantEvaluator::equalsFullEvaluationOnRandomSettings()
{
    EvaluatorCase subject(30, {24, 16}, 5, 1, 700);
    auto& [network, test, evaluator] = subject;
    QVERIFY(!evaluator.byteCodedInputs()); // negative inputs: floats
    Random random(3);
    for (int step = 0; step < 120; ++step) {
        CompressionSetting setting;
        const auto kind = random.below(4);
        if (kind == 0) {
            setting.pruning = PruningSpec::atThreshold(random.uniform(0.0, 0.6));
        } else if (kind == 1) {
            setting.pruning = PruningSpec::sparsity(random.uniform(0.0, 1.0));
        } else if (kind == 2) {
            setting.pruning = PruningSpec::sparsity(random.uniform(0.0, 0.999), PruningSpec::Scope::PerLayer);
        } else {
            setting.pruning = PruningSpec::sparsity(0.0, PruningSpec::Scope::PerLayer);
            setting.pruning.perLayerTargets = {random.uniform(0, 1), random.uniform(0, 1), random.uniform(0, 1)};
        }
        setting.precision = random.bernoulli(0.5) ? QuantizationSpec::float32() : randomPrecision(random);
        const Evaluation fast = evaluator.evaluate(setting);
        const Evaluation full = evaluateFully(network, test, setting);
        compareEvaluations(fast, full, QStringLiteral("step %1: %2").arg(step).arg(describe(setting)));
    }
}

void TestInstantEvaluator::slowDragsBackAndForth()
{
    EvaluatorCase subject(40, {32, 12}, 4, 4, 800);
    auto& [network, test, evaluator] = subject;
    std::set<std::string> paths;
    long incrementalMoves = 0;
    double worstDiscrepancy = 0;
    // Eight slow drags of 0.4 % steps over the lower half of the range and back, then a
    // threshold drag: hundreds of incremental updates of the same cache.
    for (int pass = 0; pass < 8; ++pass) {
        for (int step = 0; step <= 60; ++step) {
            const int k = pass % 2 == 0 ? step : 60 - step;
            const CompressionSetting setting{PruningSpec::sparsity(0.1 + 0.004 * k)};
            const Evaluation fast = evaluator.evaluate(setting);
            paths.insert(evaluator.lastFirstLayerPath());
            incrementalMoves += evaluator.lastFirstLayerPath() == "incremental";
            if (step % 5 == 0 || pass == 7) {
                compareEvaluations(fast, evaluateFully(network, test, setting),
                                   QStringLiteral("pass %1 step %2").arg(pass).arg(step));
                worstDiscrepancy = std::max(worstDiscrepancy, logitDiscrepancy(evaluator, setting, test));
            }
        }
    }
    for (int step = 0; step < 80; ++step)
        paths.insert(checkAgainstFullEvaluation(evaluator, network, test, {PruningSpec::atThreshold(0.002 * step)},
                                                QStringLiteral("threshold step %1").arg(step)));
    QVERIFY(incrementalMoves > 300);
    // After hundreds of incremental updates the float logits are still far inside the margin
    // below which decisions are recomputed exactly.
    qInfo("worst relative logit discrepancy after the drags: %g (tolerance %g)", worstDiscrepancy,
          kExactMarginTolerance);
    QVERIFY2(worstDiscrepancy < kExactMarginTolerance / 16, qPrintable(QString::number(worstDiscrepancy)));
    QVERIFY(worstDiscrepancy > 0); // the paths really do round differently
    QVERIFY(paths.count("incremental") == 1);
    QVERIFY(paths.count("full") + paths.count("sparse") >= 1); // the first evaluation and the periodic refreshes
}

void TestInstantEvaluator::bitWidthSweeps()
{
    EvaluatorCase subject(25, {20}, 3, 6, 500);
    auto& [network, test, evaluator] = subject;
    const std::vector<std::string> down = {"32", "fp16", "bf16", "8", "7", "6", "5", "4", "3", "2", "ternary", "binary"};
    std::vector<std::string> sweep = down;
    sweep.insert(sweep.end(), down.rbegin(), down.rend());
    bool sawCached = false;
    for (double sparsity : {0.0, 0.5, 0.9}) {
        for (const std::string& bits : sweep) {
            for (const char* suffix : {"", "-row"}) {
                const CompressionSetting setting{
                    PruningSpec::sparsity(sparsity),
                    QuantizationSpec::parse(bits + (bits.size() <= 1 || bits == "ternary" ? suffix : ""))};
                const QString where =
                    QStringLiteral("%1 at %2").arg(QString::fromStdString(setting.precision.label())).arg(sparsity);
                sawCached = checkAgainstFullEvaluation(evaluator, network, test, setting, where) == "cached" || sawCached;
            }
        }
    }
    QVERIFY(sawCached); // the way back reuses the per-precision caches
}

void TestInstantEvaluator::imageInputs()
{
    // Pixels k / 255 as the image scaler makes them: the evaluator keeps them as bytes for
    // its column updates. Slow drags, jumps to high sparsity (rebuilt from the non-zero
    // weights) and precisions must still agree exactly.
    PixelCase pixels = pixelCase(64, {24, 12}, 4, 80, 600, 0.5);
    auto& [network, test, random] = pixels;
    InstantEvaluator evaluator(network, test);
    QVERIFY(evaluator.byteCodedInputs());
    std::set<std::string> paths;
    for (int step = 0; step < 60; ++step) {
        const CompressionSetting setting{PruningSpec::sparsity(step < 40 ? 0.005 * step : random.uniform(0.9, 0.999)),
                                         step % 7 == 6 ? randomPrecision(random) : QuantizationSpec::float32()};
        paths.insert(checkAgainstFullEvaluation(evaluator, network, test, setting,
                                                QStringLiteral("image step %1").arg(step)));
    }
    // Every integer format at low sparsity: the 8-bit integer product where the CPU has it.
    for (const char* bits : {"8", "5-row", "3", "2-row", "ternary", "binary-row"}) {
        const CompressionSetting setting{PruningSpec::sparsity(0.1), QuantizationSpec::parse(bits)};
        paths.insert(checkAgainstFullEvaluation(evaluator, network, test, setting,
                                                QStringLiteral("image integer %1").arg(QString::fromStdString(bits))));
    }
    if (integerProductSpeedup(1) > 0) // the paths with an integer product (tst_isa names them)
        QVERIFY(paths.count("integer") == 1);
    QVERIFY(paths.count("incremental") == 1);
}

void TestInstantEvaluator::otherArchitectures()
{
    struct Case {
        std::vector<int> hidden;
        int classes;
        Activation activation;
    };
    const std::vector<Case> cases = {{{}, 2, Activation::ReLU},        // binary logistic regression
                                     {{}, 4, Activation::ReLU},        // softmax regression
                                     {{12, 8}, 2, Activation::Tanh},   // binary MLP, tanh
                                     {{10}, 3, Activation::Sigmoid}};
    std::uint64_t seed = 20;
    for (const Case& c : cases) {
        const Network network = makeNetwork(15, c.hidden, c.classes, seed++, c.activation);
        const Dataset test = makeDataset(network, 300, seed++);
        InstantEvaluator evaluator(network, test);
        Random random(seed++);
        for (int step = 0; step < 40; ++step) {
            const CompressionSetting setting{
                step % 2 ? PruningSpec::sparsity(random.uniform(0, 0.98)) : PruningSpec::sparsity(0.01 * step),
                step % 3 == 0 ? randomPrecision(random) : QuantizationSpec::float32()};
            checkAgainstFullEvaluation(evaluator, network, test, setting,
                                       QStringLiteral("case %1 step %2").arg(seed).arg(step));
        }
    }
}

void TestInstantEvaluator::largeEnoughForThreads()
{
    // Big enough (samples x weights >= 1e7) for the evaluator's helper threads: split
    // products, column updates over sample ranges and the sparse tail run on the team.
    PixelCase pixels = pixelCase(100, {64, 32}, 5, 90, 2000, 0.4);
    auto& [network, test, random] = pixels;
    InstantEvaluator evaluator(network, test);
    std::set<std::string> paths;
    for (int step = 0; step < 30; ++step) {
        const CompressionSetting setting{PruningSpec::sparsity(step < 15 ? 0.02 * step : random.uniform(0.0, 0.99)),
                                         step % 5 == 4 ? randomPrecision(random) : QuantizationSpec::float32()};
        paths.insert(checkAgainstFullEvaluation(evaluator, network, test, setting,
                                                QStringLiteral("threaded step %1").arg(step)));
    }
    QVERIFY(paths.count("incremental") == 1);
    QVERIFY(paths.count("full") + paths.count("sparse") >= 1);
}

void TestInstantEvaluator::fullEvaluationOnATeamEqualsOneThread()
{
    // The live experiment shares evaluateFully's forward pass and decisions among a team
    // while training (blocks of 512 samples, decisions from 4096 samples on): the same figures
    // as on one thread, for blocks that do not divide the set too.
    PixelCase pixels = pixelCase(100, {64, 32}, 5, 95, 5000, 0.4);
    auto& [network, test, random] = pixels;
    ThreadTeam team(2);
    for (int step = 0; step < 6; ++step) {
        const CompressionSetting setting{PruningSpec::sparsity(0.15 * step),
                                         step % 3 == 2 ? randomPrecision(random) : QuantizationSpec::float32()};
        Network shared, alone;
        const Evaluation onTeam = evaluateFully(network, test, setting, {}, &shared, &team);
        const Evaluation onOne = evaluateFully(network, test, setting, {}, &alone);
        compareEvaluations(onTeam, onOne, QStringLiteral("team step %1: ").arg(step) + describe(setting));
        QCOMPARE(shared.layers().back().weights, alone.layers().back().weights);
    }
}

void TestInstantEvaluator::tiesAreDecidedExactly()
{
    // Classes 0 and 1 have identical output rows: their logits tie exactly for every sample,
    // so the float margin is zero and each decision must come from exactPrediction (which
    // picks the first maximum) in both paths.
    Network network = makeNetwork(10, {8}, 3, 30);
    DenseLayer& output = network.layers().back();
    output.weights.row(1) = output.weights.row(0);
    output.bias(1) = output.bias(0);
    const Dataset test = makeDataset(network, 200, 31);
    InstantEvaluator evaluator(network, test);
    const Evaluation fast = evaluator.evaluate({});
    const Evaluation full = evaluateFully(network, test, {});
    compareEvaluations(fast, full, QStringLiteral("ties"));
    QVERIFY(fast.exactlyRecomputed > 0);
    QCOMPARE(fast.exactlyRecomputed, full.exactlyRecomputed);
    for (int label : fast.predictions)
        QVERIFY(label != 1);
    // exactPrediction agrees with the float network wherever the margin is clear.
    const Network plain = makeNetwork(10, {8}, 3, 32);
    const Labels predicted = plain.predict(test.features);
    for (int s = 0; s < test.sampleCount(); ++s)
        QCOMPARE(exactPrediction(plain, test.features.col(s)), predicted[static_cast<std::size_t>(s)]);
}

void TestInstantEvaluator::modelMasksAreKept()
{
    Network network = makeNetwork(20, {16}, 3, 40);
    const double own = prune(network, PruningSpec::sparsity(0.3, PruningSpec::Scope::PerLayer)).achievedSparsity;
    const Dataset test = makeDataset(network, 300, 41);
    InstantEvaluator evaluator(network, test);
    for (double target : {0.0, 0.2, 0.5, 0.1, 0.9, 0.0}) {
        const CompressionSetting setting{PruningSpec::sparsity(target)};
        const Evaluation fast = evaluator.evaluate(setting);
        compareEvaluations(fast, evaluateFully(network, test, setting), QStringLiteral("own masks %1").arg(target));
        QVERIFY(fast.pruning.achievedSparsity >= own);
        // The trained model's own zeros count in its fp32 estimate, not in the dense baseline.
        QCOMPARE(fast.trainedFp32.nonZeroWeights, network.weightCount() - std::lround(own * network.weightCount()));
        QCOMPARE(fast.denseFp32.nonZeroWeights, network.weightCount());
    }
}

void TestInstantEvaluator::compressedNetworkMatches()
{
    EvaluatorCase subject(12, {9}, 3, 50, 100);
    auto& [network, test, evaluator] = subject;
    CompressionSetting setting;
    setting.pruning = PruningSpec::sparsity(0.6);
    setting.precision = QuantizationSpec::parse("4-row");
    const Evaluation evaluation = evaluator.evaluate(setting);
    const Network compressed = evaluator.compressedNetwork(setting);
    QCOMPARE(compressed.predict(test.features).size(), evaluation.predictions.size());
    std::set<float> levels;
    for (Eigen::Index i = 0; i < compressed.layers()[0].weights.cols(); ++i)
        levels.insert(compressed.layers()[0].weights(0, i));
    QVERIFY(levels.size() <= 15); // int4: at most 15 levels in a row
    QCOMPARE(compressed.layers()[0].mask, evaluator.compressedNetwork(setting).layers()[0].mask);
    QVERIFY(std::abs(evaluation.pruning.achievedSparsity - 0.6) <= 1.0 / network.weightCount());
    QCOMPARE(evaluation.weights.zeroWeights, evaluation.efficiency.weights - evaluation.efficiency.nonZeroWeights);
}

void TestInstantEvaluator::lastCompressedNetworkIsTheEvaluatedOne()
{
    EvaluatorCase subject(12, {9, 7}, 3, 52, 100);
    auto& [network, test, evaluator] = subject;
    Random random(54);
    for (int step = 0; step < 30; ++step) {
        CompressionSetting setting;
        setting.pruning = step % 2 ? PruningSpec::sparsity(random.uniform(0.0, 0.95))
                                   : PruningSpec::atThreshold(random.uniform(0.0, 0.3));
        setting.precision = step % 3 == 0 ? randomPrecision(random) : QuantizationSpec::float32();
        evaluator.evaluate(setting);
        if (step == 10)
            evaluator.prepareCheckpoints(); // must leave the evaluated network as it was
        const Network expected = compressNetwork(network, setting);
        const Network& last = evaluator.lastCompressedNetwork();
        QCOMPARE(last.layers().size(), expected.layers().size());
        for (std::size_t l = 0; l < expected.layers().size(); ++l) {
            QVERIFY2(last.layers()[l].weights == expected.layers()[l].weights, qPrintable(describe(setting)));
            QVERIFY2(last.layers()[l].mask == expected.layers()[l].mask, qPrintable(describe(setting)));
            QVERIFY(last.layers()[l].bias == expected.layers()[l].bias);
        }
    }
}

void TestInstantEvaluator::checkpointsKeepJumpsExact()
{
    // Large enough for threads; after the checkpoints, jumps copy them instead of moving them,
    // and every result still equals a full evaluation.
    EvaluatorCase subject(100, {64, 32}, 5, 95, 2000);
    auto& [network, test, evaluator] = subject;
    evaluator.prepareCheckpoints();
    Random random(97);
    std::set<std::string> paths;
    for (int step = 0; step < 40; ++step) {
        CompressionSetting setting;
        setting.pruning = step % 4 == 3 ? PruningSpec::atThreshold(random.uniform(0.0, 0.2))
                                        : PruningSpec::sparsity(random.uniform(0.0, 0.99));
        if (step % 7 == 6)
            setting.precision = randomPrecision(random);
        paths.insert(checkAgainstFullEvaluation(evaluator, network, test, setting,
                                                QStringLiteral("jump %1: %2").arg(step).arg(describe(setting))));
    }
    // Back to the checkpoints' own sparsities: they are still there, unchanged.
    for (const double sparsity : {0.0, 0.25, 0.5})
        QCOMPARE(checkAgainstFullEvaluation(evaluator, network, test, {PruningSpec::sparsity(sparsity)},
                                            QStringLiteral("checkpoint %1").arg(sparsity)),
                 std::string("cached"));
    QVERIFY(paths.count("incremental") == 1);
}

void TestInstantEvaluator::idleWorkPreparesOneCheckpointAPiece()
{
    // Eight checkpoints fit beside the working slots for a small model: eight idle pieces,
    // the evaluated state unchanged by each, then the bit widths.
    EvaluatorCase subject(30, {16}, 3, 98, 300);
    auto& [network, test, evaluator] = subject;
    const CompressionSetting setting{PruningSpec::sparsity(0.4)};
    evaluator.evaluate(setting);
    const Matrix before = evaluator.lastCompressedNetwork().layers()[0].weights;
    int pieces = 0;
    while (!evaluator.checkpointsPrepared()) {
        QVERIFY(evaluator.hasIdleWork());
        evaluator.doIdleWork();
        ++pieces;
        QVERIFY(evaluator.lastCompressedNetwork().layers()[0].weights == before);
    }
    QCOMPARE(pieces, 8);
    QVERIFY(evaluator.hasIdleWork()); // the bit widths come next
    for (const double sparsity : {0.0, 0.125, 0.875})
        QCOMPARE(checkAgainstFullEvaluation(evaluator, network, test, {PruningSpec::sparsity(sparsity)},
                                            QStringLiteral("checkpoint %1").arg(sparsity)),
                 std::string("cached"));
}

void TestInstantEvaluator::badSettingsThrowAndKeepState()
{
    EvaluatorCase subject(12, {9}, 3, 60, 150);
    auto& [network, test, evaluator] = subject;
    const CompressionSetting good{PruningSpec::sparsity(0.4)};
    evaluator.evaluate(good);
    CompressionSetting bad{PruningSpec::sparsity(1.5)};
    QVERIFY_THROWS_EXCEPTION(ConfigError, evaluator.evaluate(bad));
    bad.pruning = PruningSpec::sparsity(0.3, PruningSpec::Scope::PerLayer);
    bad.pruning.perLayerTargets = {0.1};
    QVERIFY_THROWS_EXCEPTION(ConfigError, evaluator.evaluate(bad));
    bad = good;
    bad.precision.format = QuantizationSpec::Format::Int;
    bad.precision.bits = 12;
    QVERIFY_THROWS_EXCEPTION(ConfigError, evaluator.evaluate(bad));
    const CompressionSetting next{PruningSpec::sparsity(0.45)};
    compareEvaluations(evaluator.evaluate(next), evaluateFully(network, test, next), QStringLiteral("after errors"));
}

void TestInstantEvaluator::precomputedPrecisionsAreExact()
{
    // Byte-coded images, so that the integer product takes part where the path has one.
    Network network = makeNetwork(48, {20, 10}, 3, 90);
    Dataset test = makeDataset(network, 500, 91);
    Random random(92);
    for (Eigen::Index i = 0; i < test.features.size(); ++i)
        test.features.data()[i] = static_cast<Scalar>(random.below(256)) * (Scalar(1) / Scalar(255));
    test.labels = network.predict(test.features);
    InstantEvaluator evaluator(network, test);
    for (const auto granularity : {QuantizationSpec::Granularity::PerRow, QuantizationSpec::Granularity::PerTensor}) {
        CompressionSetting current;
        current.pruning = PruningSpec::sparsity(0.3);
        current.precision = QuantizationSpec::integer(4, granularity);
        evaluator.evaluate(current);
        const Network shown = evaluator.lastCompressedNetwork();
        int pieces = 0;
        while (evaluator.hasIdleWork()) {
            evaluator.doIdleWork();
            QVERIFY(++pieces <= 2 * static_cast<int>(precisionLadder().size()) + 2);
            // While idle work runs, the accessors still show the current setting.
            QCOMPARE(evaluator.lastCompressedNetwork().layers()[0].weights, shown.layers()[0].weights);
        }
        for (int position = 0; position < static_cast<int>(precisionLadder().size()); ++position) {
            CompressionSetting moved = current;
            moved.precision = precisionAt(position, granularity);
            const Evaluation fast = evaluator.evaluate(moved);
            QCOMPARE(evaluator.lastFirstLayerPath(), std::string("precomputed"));
            const QString where = QStringLiteral("precomputed %1").arg(describe(moved));
            compareEvaluations(fast, evaluateFully(network, test, moved), where);
            const Network expected = compressNetwork(network, moved);
            for (std::size_t l = 0; l < expected.layers().size(); ++l)
                QCOMPARE(evaluator.lastCompressedNetwork().layers()[l].weights, expected.layers()[l].weights);
        }
        // Another pruning: the kept results do not apply and nothing stale is returned.
        CompressionSetting other = current;
        other.pruning = PruningSpec::sparsity(0.6);
        compareEvaluations(evaluator.evaluate(other), evaluateFully(network, test, other), QStringLiteral("after"));
        QVERIFY(evaluator.lastFirstLayerPath() != "precomputed");
        QVERIFY(evaluator.hasIdleWork());
    }
}

void TestInstantEvaluator::incompatibleDataThrows()
{
    const Network network = makeNetwork(12, {9}, 3, 70);
    const Network other = makeNetwork(13, {9}, 3, 71);
    const Dataset test = makeDataset(other, 50, 72);
    QVERIFY_THROWS_EXCEPTION(ConfigError, InstantEvaluator(network, test));
    QVERIFY_THROWS_EXCEPTION(ConfigError, evaluateFully(network, test, {}));
    const Network fourClasses = makeNetwork(13, {9}, 4, 73);
    QVERIFY_THROWS_EXCEPTION(ConfigError, InstantEvaluator(fourClasses, test));
}

void TestInstantEvaluator::aSetCancelFlagStopsConstruction()
{
    // The live experiment passes its abort: closing the window must not wait for a build.
    const Network network = makeNetwork(12, {9}, 3, 74);
    const Dataset test = makeDataset(network, 50, 75);
    std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(Cancelled, InstantEvaluator(network, test, {}, &cancel));
    cancel = false;
    InstantEvaluator evaluator(network, test, {}, &cancel);
    compareEvaluations(evaluator.evaluate({}), evaluateFully(network, test, {}), QStringLiteral("not cancelled"));
}

void TestInstantEvaluator::logitDiscrepancyIsPerSampleRelative()
{
    // Sample 0: off by 0.3 where its largest |logit| is 2 (0.3 / 3); sample 1: off by 0.8
    // where it is 3 (0.8 / 4): the worse of the two.
    Matrix reference(2, 2), logits(2, 2);
    reference << 1.0f, -3.0f,
        2.0f, 0.0f;
    logits << 1.3f, -3.0f,
        2.0f, 0.8f;
    QVERIFY(std::abs(relativeLogitDiscrepancy(logits, reference) - 0.2) < 1e-6);
    QCOMPARE(relativeLogitDiscrepancy(reference, reference), 0.0);
    QVERIFY_THROWS_EXCEPTION(ConfigError, relativeLogitDiscrepancy(Matrix(2, 3), reference));
}

QTEST_APPLESS_MAIN(TestInstantEvaluator)
#include "tst_instantevaluator.moc"
