// Magnitude pruning (exact achieved sparsity with ties, global vs per layer, thresholds,
// masks that persist), structured neuron pruning, the gradual schedule and rewinding.
#include "common/Error.h"
#include "common/Random.h"
#include "compress/Pruning.h"
#include "compress/Quantization.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

using namespace ss;

namespace {

Network makeNetwork(std::vector<int> hidden, std::uint64_t seed, int inputs = 20, int classes = 3)
{
    Architecture architecture;
    architecture.inputs = inputs;
    architecture.hidden = std::move(hidden);
    architecture.classes = classes;
    return Network(architecture, seed);
}

long zeros(const Network& network)
{
    long count = 0;
    for (const DenseLayer& layer : network.layers())
        count += static_cast<long>((layer.weights.array() == 0.0f).count());
    return count;
}

long zeros(const Matrix& m) { return static_cast<long>((m.array() == 0.0f).count()); }

} // namespace

class TestPruning : public QObject {
    Q_OBJECT

private slots:
    void achievedSparsityIsExact_data();
    void achievedSparsityIsExact();
    void tiesBrokenByIndex();
    void prunesTheSmallestMagnitudes();
    void perLayerUniformAndTargets();
    void globalDiffersFromPerLayer();
    void thresholdCriterion();
    void masksPersist();
    void thresholdForSparsityQuantile();
    void structuredPerLayer();
    void structuredGlobalAndLimits();
    void scheduleValues();
    void scheduleTurns();
    void scheduleValidation();
    void rewindKeepsMask();
    void badSpecsThrow();
    void negativeZeroIsAZero();
    void quantizedZerosArePrunedFirst();
    void structuredNormsAreTakenBeforePruning();
};

void TestPruning::achievedSparsityIsExact_data()
{
    QTest::addColumn<double>("target");
    for (double t : {0.0, 0.1, 1.0 / 3.0, 0.5, 0.77777, 0.9, 0.999, 1.0})
        QTest::newRow(qPrintable(QString::number(t))) << t;
}

void TestPruning::achievedSparsityIsExact()
{
    QFETCH(double, target);
    Network network = makeNetwork({17, 9}, 3);
    const long n = network.weightCount();
    const PruningResult result = prune(network, PruningSpec::sparsity(target));
    const long expected = std::lround(target * n);
    QCOMPARE(zeros(network), expected);
    QCOMPARE(result.prunedWeights, expected);
    QCOMPARE(result.totalWeights, n);
    QCOMPARE(result.achievedSparsity, double(expected) / double(n));
    QVERIFY(std::abs(result.achievedSparsity - target) <= 0.5 / double(n) + 1e-12);
    // Masks agree with the zeros.
    long masked = 0;
    for (const DenseLayer& layer : network.layers())
        masked += static_cast<long>((layer.mask.array() == 0.0f).count());
    QCOMPARE(masked, expected);
    QCOMPARE(result.layerSparsity.size(), network.layers().size());
}

void TestPruning::tiesBrokenByIndex()
{
    // Every weight has the same magnitude: only the tie-break decides, and the achieved
    // sparsity must still be exact.
    Network network = makeNetwork({8}, 5, 6, 3);
    for (DenseLayer& layer : network.layers())
        for (Eigen::Index i = 0; i < layer.weights.size(); ++i)
            layer.weights.data()[i] = (i % 2 == 0) ? 0.5f : -0.5f;
    const long n = network.weightCount(); // 48 + 24 = 72
    const PruningResult result = prune(network, PruningSpec::sparsity(60.0 / 72.0));
    QCOMPARE(zeros(network), 60L);
    QCOMPARE(n, 72L);
    QCOMPARE(result.thresholdUsed, 0.5);
    // Ties go by position: layer 1 (48 weights) first, then the first 12 of layer 2.
    QVERIFY(network.layers()[0].weights.isZero(0));
    const Matrix& second = network.layers()[1].weights;
    for (Eigen::Index i = 0; i < second.size(); ++i)
        QCOMPARE(second.data()[i] == 0.0f, i < 12);
}

void TestPruning::prunesTheSmallestMagnitudes()
{
    Network network = makeNetwork({13}, 8);
    const Network before = network;
    const PruningResult result = prune(network, PruningSpec::sparsity(0.6));
    // Every pruned weight is no larger than every survivor, and the reported threshold
    // separates them (|w| < threshold was pruned; ties can sit at the threshold).
    float largestPruned = 0, smallestKept = 1e9f;
    for (std::size_t l = 0; l < network.layers().size(); ++l) {
        const Matrix& w0 = before.layers()[l].weights;
        const Matrix& w1 = network.layers()[l].weights;
        for (Eigen::Index i = 0; i < w0.size(); ++i) {
            if (w1.data()[i] == 0)
                largestPruned = std::max(largestPruned, std::abs(w0.data()[i]));
            else {
                smallestKept = std::min(smallestKept, std::abs(w0.data()[i]));
                QCOMPARE(w1.data()[i], w0.data()[i]); // survivors untouched
            }
        }
    }
    QVERIFY(largestPruned <= smallestKept);
    QCOMPARE(result.thresholdUsed, double(smallestKept));
}

void TestPruning::perLayerUniformAndTargets()
{
    Network network = makeNetwork({15, 7}, 11);
    PruningSpec spec = PruningSpec::sparsity(0.4, PruningSpec::Scope::PerLayer);
    const PruningResult uniform = prune(network, spec);
    for (std::size_t l = 0; l < network.layers().size(); ++l) {
        const Matrix& w = network.layers()[l].weights;
        QCOMPARE(zeros(w), std::lround(0.4 * double(w.size())));
        QCOMPARE(uniform.layerSparsity[l], double(zeros(w)) / double(w.size()));
    }

    Network second = makeNetwork({15, 7}, 11);
    spec.perLayerTargets = {0.9, 0.5, 0.0};
    const PruningResult targeted = prune(second, spec);
    const std::vector<double> targets = {0.9, 0.5, 0.0};
    for (std::size_t l = 0; l < second.layers().size(); ++l) {
        const Matrix& w = second.layers()[l].weights;
        QCOMPARE(zeros(w), std::lround(targets[l] * double(w.size())));
    }
    QCOMPARE(targeted.layerThresholds.size(), std::size_t(3));
    QCOMPARE(targeted.layerThresholds[2], 0.0);
}

void TestPruning::globalDiffersFromPerLayer()
{
    // Scale layer 2 up: global pruning takes (almost) nothing from it, per layer takes 50 %.
    Network network = makeNetwork({10}, 12);
    network.layers()[1].weights *= 100.0f;
    Network perLayer = network;
    prune(network, PruningSpec::sparsity(0.5));
    prune(perLayer, PruningSpec::sparsity(0.5, PruningSpec::Scope::PerLayer));
    QCOMPARE(zeros(network.layers()[1].weights), 0L);
    QCOMPARE(zeros(network), std::lround(0.5 * double(network.weightCount())));
    QCOMPARE(zeros(perLayer.layers()[1].weights), std::lround(0.5 * 30));
}

void TestPruning::thresholdCriterion()
{
    Network network = makeNetwork({12}, 13);
    const Network before = network;
    const PruningResult result = prune(network, PruningSpec::atThreshold(0.2));
    QCOMPARE(result.thresholdUsed, 0.2);
    for (std::size_t l = 0; l < network.layers().size(); ++l) {
        const Matrix& w0 = before.layers()[l].weights;
        const Matrix& w1 = network.layers()[l].weights;
        for (Eigen::Index i = 0; i < w0.size(); ++i)
            QCOMPARE(w1.data()[i], std::abs(w0.data()[i]) < 0.2f ? 0.0f : w0.data()[i]);
    }
    // Per-layer thresholds.
    Network second = before;
    PruningSpec spec = PruningSpec::atThreshold(0.0);
    spec.scope = PruningSpec::Scope::PerLayer;
    spec.perLayerTargets = {10.0, 0.0};
    prune(second, spec);
    QVERIFY(second.layers()[0].weights.isZero(0));
    QCOMPARE(second.layers()[1].weights, before.layers()[1].weights);
}

void TestPruning::masksPersist()
{
    Network network = makeNetwork({16}, 14);
    prune(network, PruningSpec::sparsity(0.5));
    std::vector<Matrix> firstMasks;
    for (const DenseLayer& layer : network.layers())
        firstMasks.push_back(layer.mask);
    // Training moves every weight; re-applying the masks zeroes the pruned ones again.
    Random random(1);
    for (DenseLayer& layer : network.layers())
        for (Eigen::Index i = 0; i < layer.weights.size(); ++i)
            layer.weights.data()[i] += static_cast<Scalar>(random.normal(0, 1));
    network.applyMasks();
    QCOMPARE(zeros(network), std::lround(0.5 * double(network.weightCount())));
    // A lower target prunes nothing new and revives nothing.
    const PruningResult lower = prune(network, PruningSpec::sparsity(0.3));
    QCOMPARE(lower.prunedWeights, std::lround(0.5 * double(network.weightCount())));
    // A higher target keeps every earlier pruned weight pruned.
    prune(network, PruningSpec::sparsity(0.7));
    QCOMPARE(zeros(network), std::lround(0.7 * double(network.weightCount())));
    for (std::size_t l = 0; l < network.layers().size(); ++l)
        for (Eigen::Index i = 0; i < firstMasks[l].size(); ++i)
            if (firstMasks[l].data()[i] == 0)
                QCOMPARE(network.layers()[l].mask.data()[i], 0.0f);
}

void TestPruning::thresholdForSparsityQuantile()
{
    std::vector<float> values = {0.5f, -0.1f, 0.3f, -0.9f, 0.2f, 0.7f, -0.4f, 0.05f};
    QCOMPARE(thresholdForSparsity(values, 0.0), 0.0);
    QCOMPARE(thresholdForSparsity(values, 0.25), 0.2f); // prunes 0.05 and 0.1
    QCOMPARE(thresholdForSparsity(values, 0.5), 0.4f);
    QVERIFY(thresholdForSparsity(values, 1.0) > 0.9f);
    // Agrees with prune(): the threshold prunes exactly the same count when no ties.
    Network network = makeNetwork({9}, 15);
    std::vector<float> magnitudes;
    for (const DenseLayer& layer : network.layers())
        magnitudes.insert(magnitudes.end(), layer.weights.data(), layer.weights.data() + layer.weights.size());
    const double t = thresholdForSparsity(magnitudes, 0.65);
    Network byThreshold = network;
    prune(byThreshold, PruningSpec::atThreshold(t));
    const PruningResult byTarget = prune(network, PruningSpec::sparsity(0.65));
    QCOMPARE(byTarget.thresholdUsed, t);
    QCOMPARE(zeros(byThreshold), zeros(network));
    QVERIFY_THROWS_EXCEPTION(ConfigError, thresholdForSparsity(values, 1.5));
}

void TestPruning::structuredPerLayer()
{
    Network network = makeNetwork({6, 4}, 16, 5, 3);
    // Give layer 1's neurons known incoming norms: neuron i has norm proportional to (i + 1),
    // except neuron 4, made the smallest.
    Matrix& w1 = network.layers()[0].weights;
    for (int i = 0; i < 6; ++i)
        w1.row(i).setConstant(float(i + 1));
    w1.row(4).setConstant(0.01f);
    network.layers()[0].bias.setConstant(0.3f);
    const StructuredPruningResult result = pruneNeurons(network, 0.5);
    QCOMPARE(result.neuronsRemoved.size(), std::size_t(2));
    QCOMPARE(result.neuronsRemoved[0], 3);
    QCOMPARE(result.neuronsKept[0], 3);
    QCOMPARE(result.neuronsRemoved[1], 2);
    QCOMPARE(result.neuronsKept[1], 2);
    // Removed in layer 1: neurons 4, 0, 1 (norms 0.01, 1, 2).
    for (int i : {4, 0, 1}) {
        QVERIFY(network.layers()[0].weights.row(i).isZero(0));
        QVERIFY(network.layers()[0].mask.row(i).isZero(0));
        QCOMPARE(network.layers()[0].bias(i), 0.0f);
        QVERIFY(network.layers()[1].weights.col(i).isZero(0));
        QVERIFY(network.layers()[1].mask.col(i).isZero(0));
    }
    for (int i : {2, 3, 5})
        QVERIFY(network.layers()[0].mask.row(i).isOnes(0));
    // Shapes are kept, and the removed neurons no longer influence the output.
    QCOMPARE(network.layers()[0].weights.rows(), 6);
    const Matrix x = Matrix::Random(5, 4);
    const Matrix before = network.logits(x);
    network.layers()[0].bias(0) = 5.0f;
    QVERIFY(network.logits(x).isApprox(before, 0));
    const double expected = double(zeros(network)) / double(network.weightCount());
    QCOMPARE(result.achievedSparsity, expected);
}

void TestPruning::structuredGlobalAndLimits()
{
    Network network = makeNetwork({4, 4}, 17, 3, 2);
    network.layers()[0].weights *= 0.001f; // layer 1's neurons are all the smallest
    const StructuredPruningResult global = pruneNeurons(network, 0.5, PruningSpec::Scope::Global);
    // 4 of the 8 hidden neurons go; layer 1 can lose at most 3 (one must stay).
    QCOMPARE(global.neuronsRemoved[0], 3);
    QCOMPARE(global.neuronsRemoved[1], 1);
    Network all = makeNetwork({5}, 18, 3, 2);
    const StructuredPruningResult limited = pruneNeurons(all, 1.0);
    QCOMPARE(limited.neuronsKept[0], 1);
    QVERIFY_THROWS_EXCEPTION(ConfigError, pruneNeurons(all, -0.1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, pruneNeurons(all, 1.5));
    Network logistic = makeNetwork({}, 19, 3, 2);
    QVERIFY(pruneNeurons(logistic, 0.5).neuronsRemoved.empty());
}

void TestPruning::scheduleValues()
{
    GradualPruningSchedule s;
    s.initialSparsity = 0.0;
    s.finalSparsity = 0.9;
    s.beginStep = 100;
    s.endStep = 1100;
    s.frequency = 100;
    QCOMPARE(s.power, 3.0); // TF-MOT's default
    QCOMPARE(s.sparsityAt(0), 0.0);
    QCOMPARE(s.sparsityAt(100), 0.0);
    QCOMPARE(s.sparsityAt(1100), 0.9);
    QCOMPARE(s.sparsityAt(5000), 0.9);
    // Halfway: 0.9 + (0 - 0.9) * 0.5^3 = 0.7875.
    QVERIFY(std::abs(s.sparsityAt(600) - 0.7875) < 1e-12);
    // A quarter: 0.9 - 0.9 * 0.75^3 = 0.5203125.
    QVERIFY(std::abs(s.sparsityAt(350) - 0.5203125) < 1e-12);
    // Monotone between pruning steps too.
    for (long t = 100; t < 1100; t += 37)
        QVERIFY(s.sparsityAt(t + 37) >= s.sparsityAt(t));
    GradualPruningSchedule from;
    from.initialSparsity = 0.5;
    from.finalSparsity = 0.8;
    from.beginStep = 0;
    from.endStep = 10;
    QCOMPARE(from.sparsityAt(0), 0.5);
    QVERIFY(std::abs(from.sparsityAt(5) - (0.8 - 0.3 * 0.125)) < 1e-12);
    GradualPruningSchedule instant;
    instant.beginStep = instant.endStep = 20;
    QCOMPARE(instant.sparsityAt(19), instant.initialSparsity);
    QCOMPARE(instant.sparsityAt(20), instant.finalSparsity);
}

void TestPruning::scheduleTurns()
{
    GradualPruningSchedule s;
    s.beginStep = 100;
    s.endStep = 1100;
    s.frequency = 100;
    QVERIFY(!s.shouldPruneAt(0));
    QVERIFY(!s.shouldPruneAt(99));
    QVERIFY(s.shouldPruneAt(100));
    QVERIFY(!s.shouldPruneAt(150));
    QVERIFY(s.shouldPruneAt(200));
    QVERIFY(s.shouldPruneAt(1100));
    QVERIFY(!s.shouldPruneAt(1200));
    // End not on the grid: pruned once more at the end so the final sparsity is reached.
    s.beginStep = 0;
    s.endStep = 250;
    QVERIFY(s.shouldPruneAt(0));
    QVERIFY(s.shouldPruneAt(200));
    QVERIFY(!s.shouldPruneAt(240));
    QVERIFY(s.shouldPruneAt(250));
    QVERIFY(!s.shouldPruneAt(300));
}

void TestPruning::scheduleValidation()
{
    GradualPruningSchedule s;
    s.validate();
    s.finalSparsity = 1.0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, s.validate());
    s.finalSparsity = 0.9;
    s.frequency = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, s.validate());
    s.frequency = 10;
    s.endStep = -5;
    QVERIFY_THROWS_EXCEPTION(ConfigError, s.validate());
    s.endStep = 100;
    s.power = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, s.validate());
}

void TestPruning::rewindKeepsMask()
{
    const Network initial = makeNetwork({11}, 20);
    Network trained = initial;
    for (DenseLayer& layer : trained.layers()) {
        layer.weights *= 3.0f;
        layer.bias.setConstant(0.7f);
    }
    prune(trained, PruningSpec::sparsity(0.8));
    rewindToEarlyWeights(trained, initial);
    QCOMPARE(zeros(trained), std::lround(0.8 * double(trained.weightCount())));
    for (std::size_t l = 0; l < trained.layers().size(); ++l) {
        const DenseLayer& layer = trained.layers()[l];
        QCOMPARE(layer.bias, initial.layers()[l].bias);
        for (Eigen::Index i = 0; i < layer.weights.size(); ++i)
            QCOMPARE(layer.weights.data()[i], layer.mask.data()[i] != 0 ? initial.layers()[l].weights.data()[i] : 0.0f);
    }
    const Network other = makeNetwork({12}, 20);
    QVERIFY_THROWS_EXCEPTION(ConfigError, rewindToEarlyWeights(trained, other));
}

void TestPruning::badSpecsThrow()
{
    Network network = makeNetwork({5}, 21);
    QVERIFY_THROWS_EXCEPTION(ConfigError, prune(network, PruningSpec::sparsity(1.5)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, prune(network, PruningSpec::sparsity(std::nan(""))));
    QVERIFY_THROWS_EXCEPTION(ConfigError, prune(network, PruningSpec::atThreshold(-1)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, prune(network, PruningSpec::atThreshold(INFINITY)));
    PruningSpec spec = PruningSpec::sparsity(0.5, PruningSpec::Scope::PerLayer);
    spec.perLayerTargets = {0.5};
    try {
        prune(network, spec);
        QFAIL("no exception");
    } catch (const ConfigError& error) {
        QVERIFY(std::string(error.what()).find("1 per-layer targets for 2 layers") != std::string::npos);
    }
    QCOMPARE(zeros(network), 0L); // nothing changed by the failed calls
}

// -0.0 is a zero like +0.0: it ranks with the zeros, before every positive magnitude, as
// torch.nn.utils.prune does (it takes |w|, and |-0.0| = 0).
void TestPruning::negativeZeroIsAZero()
{
    QVERIFY(pruningOrderKey(-0.0f, false, 7) < pruningOrderKey(std::numeric_limits<float>::denorm_min(), false, 0));
    QCOMPARE(pruningOrderKey(-0.0f, false, 3) >> 32, pruningOrderKey(0.0f, false, 3) >> 32);
    QCOMPARE(pruningOrderKey(-0.5f, false, 3), pruningOrderKey(0.5f, false, 3));

    // One layer of 8 weights, four of them zero (three -0.0, one +0.0).
    const std::vector<float> values = {-0.0f, 0.5f, -0.0f, 0.25f, 0.0f, -0.75f, 0.1f, -0.0f};
    for (const PruningSpec::Scope scope : {PruningSpec::Scope::Global, PruningSpec::Scope::PerLayer}) {
        Network network = makeNetwork({}, 31, 8, 2); // binary: one output row of 8
        QCOMPARE(network.layers()[0].weights.size(), Eigen::Index(8));
        for (std::size_t i = 0; i < values.size(); ++i)
            network.layers()[0].weights.data()[i] = values[i];
        const Network before = network;
        // 50 %: the four zeros are the four weights pruned; every non-zero weight survives.
        PruningResult half = prune(network, PruningSpec::sparsity(0.5, scope));
        QCOMPARE(half.achievedSparsity, 0.5);
        QCOMPARE(half.layerThresholds[0], double(0.1f)); // the smallest survivor
        QVERIFY(network.layers()[0].weights == before.layers()[0].weights);
        // 25 %: two of the zeros are pruned; the zeros already there keep the sparsity at 50 %
        // and the threshold at 0.
        network = before;
        const PruningResult quarter = prune(network, PruningSpec::sparsity(0.25, scope));
        QCOMPARE(quarter.achievedSparsity, 0.5);
        QCOMPARE(quarter.layerThresholds[0], 0.0);
        QVERIFY(network.layers()[0].weights == before.layers()[0].weights);
        // 75 %: the zeros, then 0.1 and 0.25.
        network = before;
        const PruningResult most = prune(network, PruningSpec::sparsity(0.75, scope));
        QCOMPARE(most.achievedSparsity, 0.75);
        QCOMPARE(most.layerThresholds[0], 0.5);
        QCOMPARE(network.layers()[0].weights.data()[6], 0.0f);
        QCOMPARE(network.layers()[0].weights.data()[3], 0.0f);
        QCOMPARE(network.layers()[0].weights.data()[1], 0.5f);
    }
}

// Every quantizer, on weights of both signs: the weights it rounds to zero (of either sign)
// are the first to be pruned, so pruning a quantized model below its own sparsity prunes
// nothing that is non-zero, and the threshold reported is 0.
void TestPruning::quantizedZerosArePrunedFirst()
{
    const std::vector<std::string> specs = {"fp16", "bf16", "8", "6", "4", "3", "2", "ternary", "binary",
                                            "8-row", "4-row", "2-row", "ternary-row", "binary-row"};
    for (const std::string& text : specs) {
        Network network = makeNetwork({6}, 33, 8, 3);
        Random random(34);
        for (DenseLayer& layer : network.layers())
            for (Eigen::Index i = 0; i < layer.weights.size(); ++i) {
                // Large weights of both signs, and tiny ones of both signs that every integer
                // format rounds to 0 and fp16/bf16 round to a zero of the same sign; plus
                // exact zeros of both signs (what a binary or fp format keeps as zero).
                const double sign = (i % 2 == 0) ? 1.0 : -1.0;
                const int kind = static_cast<int>(i % 5);
                const double value = kind == 0 ? sign * 0.0 : kind == 1 ? sign * 1e-30
                                                                       : sign * (0.5 + random.uniform());
                layer.weights.data()[i] = static_cast<Scalar>(value);
            }
        const QuantizationSpec spec = QuantizationSpec::parse(text);
        for (DenseLayer& layer : network.layers())
            layer.weights = quantize(layer.weights, spec);
        const long ownZeros = zeros(network);
        QVERIFY2(ownZeros >= network.weightCount() / 5, text.c_str());
        const Network before = network;
        const double below = 0.9 * double(ownZeros) / double(network.weightCount());
        const PruningResult result = prune(network, PruningSpec::sparsity(below));
        QVERIFY2(zeros(network) == ownZeros, text.c_str());
        QVERIFY2(result.prunedWeights == ownZeros, text.c_str());
        QVERIFY2(result.thresholdUsed == 0.0, text.c_str());
        for (std::size_t l = 0; l < network.layers().size(); ++l)
            QVERIFY2(network.layers()[l].weights == before.layers()[l].weights, text.c_str());
    }
}

// Per layer, every layer's norms come from the weights before any neuron was removed (as
// torch.nn.utils.prune.ln_structured on each layer's original weights): removing layer 1's
// neurons zeroes columns of layer 2, which must not change layer 2's ranking.
void TestPruning::structuredNormsAreTakenBeforePruning()
{
    Network network = makeNetwork({4, 4}, 35, 3, 3);
    Matrix& w1 = network.layers()[0].weights; // 4 x 3
    for (int i = 0; i < 4; ++i)
        w1.row(i).setConstant(float(i));
    w1.row(0).setConstant(0.01f); // layer 1 loses neurons 0 and 1 (norms 0.017, 1.73)
    Matrix& w2 = network.layers()[1].weights; // 4 x 4
    w2.row(0) << 10.0f, 0.1f, 0.1f, 0.1f; // norm 10.0; 0.14 once columns 0 and 1 are gone
    w2.row(1) << 0.0f, 1.0f, 1.0f, 1.0f;  // 1.73; 1.41 after
    w2.row(2) << 0.0f, 2.0f, 2.0f, 2.0f;  // 3.46; 2.83 after
    w2.row(3) << 0.0f, 3.0f, 3.0f, 3.0f;  // 5.20; 4.24 after
    const StructuredPruningResult result = pruneNeurons(network, 0.5);
    QCOMPARE(result.neuronsRemoved, (std::vector<int>{2, 2}));
    for (int i : {0, 1})
        QVERIFY(network.layers()[0].mask.row(i).isZero(0));
    // On the original norms layer 2 loses neurons 1 and 2 (1.73, 3.46) and keeps neuron 0
    // (10.0) and 3; taking the norms after layer 1's removals would remove 0 and 1 instead.
    for (int i : {1, 2})
        QVERIFY2(network.layers()[1].mask.row(i).isZero(0), std::to_string(i).c_str());
    for (int i : {0, 3})
        QVERIFY2(!network.layers()[1].mask.row(i).isZero(0), std::to_string(i).c_str());
    QCOMPARE(network.layers()[1].weights(0, 2), 0.1f);
}

QTEST_APPLESS_MAIN(TestPruning)
#include "tst_pruning.moc"
