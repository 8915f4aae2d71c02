// The sparse tail (the layers after the first of a ReLU MLP, skipping inactive inputs) must
// give the logits of a plain forward pass to float rounding, on the SIMD path it runs on
// (SPARSESCOPE_ISA forces one: ctest runs this suite once per path the machine has), for
// any widths (around the group widths 8 and 16: partial groups), sample counts (partial
// batches of 16 and blocks of 256), depths, with pruned inputs and dead units, and with or
// without threads; and it must not allocate once it has seen a network's sizes. This suite
// replaces malloc and friends for the whole process to count the allocations (as
// tst_trainer_allocation does); under AddressSanitizer that check is skipped.
#include "common/Random.h"
#include "common/ThreadTeam.h"
#include "eval/SparseTail.h"
#include "kernels/Isa.h"

#include "TestNetworks.h"

#include <QtTest>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <string>

#include "AllocationCounter.h"

using namespace ss;

namespace {

Network makeNetwork(int inputs, std::vector<int> hidden, int classes, std::uint64_t seed)
{
    return makeTestNetwork(inputs, std::move(hidden), classes, seed, Activation::ReLU, 0.2);
}

Matrix randomFeatures(int inputs, int samples, std::uint64_t seed)
{
    Random random(seed);
    Matrix features(inputs, samples);
    for (Eigen::Index i = 0; i < features.size(); ++i)
        features.data()[i] = random.bernoulli(0.3) ? 0.0f : static_cast<Scalar>(random.normal(0.0, 1.0));
    return features;
}

// Largest |difference| / (1 + largest |logit|) over the samples.
double relativeDifference(const Matrix& a, const Matrix& b)
{
    double worst = 0;
    for (Eigen::Index s = 0; s < b.cols(); ++s)
        worst = std::max(worst, (a.col(s) - b.col(s)).cwiseAbs().maxCoeff() / (1.0 + b.col(s).cwiseAbs().maxCoeff()));
    return worst;
}

// The network with the outgoing weights of some inputs of every later layer zeroed, as
// pruning leaves them: every third, and a whole group of 8 and of 16 (inputs 16 to 31).
Network withPrunedInputs(Network network)
{
    for (std::size_t l = 1; l < network.layers().size(); ++l) {
        Matrix& weights = network.layers()[l].weights;
        for (Eigen::Index i = 0; i < weights.cols(); ++i)
            if (i % 3 == 0 || (i >= 16 && i < 32))
                weights.col(i).setZero();
    }
    return network;
}

// The tail's logits against the forward pass's; an empty string when they agree.
QString mismatch(SparseTail& tail, const Network& network, const Matrix& features, ThreadTeam* team)
{
    const Matrix z1t = (network.layers()[0].weights * features).transpose();
    Matrix logits;
    tail.run(network, z1t, team, logits);
    const Matrix reference = network.logits(features);
    if (logits.rows() != reference.rows() || logits.cols() != reference.cols())
        return QString("logits are %1 x %2, expected %3 x %4")
            .arg(logits.rows())
            .arg(logits.cols())
            .arg(reference.rows())
            .arg(reference.cols());
    const double difference = relativeDifference(logits, reference);
    return difference < 1e-5 ? QString() : QString("relative difference %1").arg(difference);
}

} // namespace

class TestSparseTail : public QObject {
    Q_OBJECT

private slots:
    void runsOnTheRequestedPath();
    void matchesForwardPass_data();
    void matchesForwardPass();
    void prepareBringsBlocksUpToDate();
    void reusedAcrossNetworks();
    void noAllocationOnceSized();
    void appliesOnlyToReluNetworks();
};

void TestSparseTail::runsOnTheRequestedPath()
{
    const std::string path = activeSimdPath();
    const int width = SparseTail::groupWidth();
    qInfo("SIMD path %s, groups of %d outputs", path.c_str(), width);
    const char* requested = std::getenv("SPARSESCOPE_ISA");
    const std::string wanted = requested ? requested : "";
    if (wanted == "avx512") {
        QVERIFY2(path == "avx512" || path == "avx512-vnni", path.c_str());
        QCOMPARE(width, 16);
    } else if (wanted == "avx2") {
        QCOMPARE(path, std::string("avx2"));
        QCOMPARE(width, 8);
    } else if (wanted == "baseline") {
        QVERIFY2(path == "sse4" || path == "neon" || path == "sve" || path == "sve2", path.c_str());
    } else if (wanted == "scalar") {
        QCOMPARE(path, std::string("scalar"));
    }
    // The width was read after activeSimdPath(), which on Highway 1.0.3 resets the chosen
    // target: the tail still runs on the requested path.
    if (path == "avx512" || path == "avx512-vnni")
        QCOMPARE(width, 16);
    else if (path == "avx2")
        QCOMPARE(width, 8);
    else
        QVERIFY(width >= 4 && width % 4 == 0);
}

void TestSparseTail::matchesForwardPass_data()
{
    QTest::addColumn<int>("inputs");
    QTest::addColumn<QList<int>>("hidden");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("samples");
    QTest::addColumn<bool>("threads");
    QTest::newRow("784-256-128-10") << 784 << QList<int>{256, 128} << 10 << 1000 << true;
    QTest::newRow("odd widths, partial batch") << 23 << QList<int>{37, 19} << 3 << 101 << false;
    QTest::newRow("one hidden layer, binary") << 9 << QList<int>{17} << 2 << 33 << false;
    QTest::newRow("deep, widths below 16") << 5 << QList<int>{7, 5, 3} << 4 << 50 << true;
    QTest::newRow("single sample") << 12 << QList<int>{48, 32} << 6 << 1 << true;
    QTest::newRow("threads, odd sizes") << 40 << QList<int>{70, 33} << 7 << 4001 << true;
    // Every layer as wide as a group, one less, one more, and a few groups and a bit.
    for (const int width : {1, 7, 8, 9, 15, 16, 17, 33})
        QTest::addRow("width %d", width) << 6 << QList<int>{width, width} << std::max(2, width) << 37 << false;
    QTest::newRow("widths 9 then 17, threads") << 11 << QList<int>{33, 9, 17} << 15 << 4100 << true;
    // Around the batch (16 samples) and the prepare block (256).
    for (const int samples : {15, 16, 17, 255, 256, 257, 513})
        QTest::addRow("%d samples", samples) << 10 << QList<int>{24, 16} << 5 << samples << (samples > 256);
}

void TestSparseTail::matchesForwardPass()
{
    QFETCH(int, inputs);
    QFETCH(QList<int>, hidden);
    QFETCH(int, classes);
    QFETCH(int, samples);
    QFETCH(bool, threads);
    const Network network = makeNetwork(inputs, {hidden.begin(), hidden.end()}, classes, 7);
    const Matrix features = randomFeatures(inputs, samples, 8);
    ThreadTeam team(2);
    ThreadTeam* members = threads ? &team : nullptr;
    SparseTail tail;
    QString problem = mismatch(tail, network, features, members);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Inputs without outgoing weights are skipped: the same logits.
    problem = mismatch(tail, withPrunedInputs(network), features, members);
    QVERIFY2(problem.isEmpty(), qPrintable("pruned inputs: " + problem));
    // Hidden units that are never active: all-negative biases in the first layer, then in
    // the second as well.
    Network dead = network;
    dead.layers()[0].bias.setConstant(-1e3f);
    problem = mismatch(tail, dead, features, members);
    QVERIFY2(problem.isEmpty(), qPrintable("dead first layer: " + problem));
    if (dead.layers().size() > 2) {
        dead = network;
        dead.layers()[1].bias.setConstant(-1e3f);
        problem = mismatch(tail, dead, features, members);
        QVERIFY2(problem.isEmpty(), qPrintable("dead second layer: " + problem));
    }
}

void TestSparseTail::prepareBringsBlocksUpToDate()
{
    // z1t starts stale (zero); prepare(begin, end) writes the block's rows, as the
    // InstantEvaluator brings them up to date. Each block is prepared once, by one member,
    // before it is read.
    const Network network = makeNetwork(30, {64, 24}, 6, 11);
    const int samples = 3 * static_cast<int>(SparseTail::kPrepareBlock) + 77;
    const Matrix features = randomFeatures(30, samples, 12);
    const Matrix fresh = (network.layers()[0].weights * features).transpose();
    Matrix z1t = Matrix::Zero(fresh.rows(), fresh.cols());
    std::vector<std::atomic<int>> calls(4);
    std::atomic<bool> misaligned{false};
    ThreadTeam team(2);
    SparseTail tail;
    Matrix logits;
    tail.run(network, z1t, &team, logits, [&](Eigen::Index begin, Eigen::Index end) {
        if (begin % SparseTail::kPrepareBlock != 0 || end != std::min<Eigen::Index>(begin + SparseTail::kPrepareBlock, samples))
            misaligned = true;
        calls[static_cast<std::size_t>(begin / SparseTail::kPrepareBlock)]++;
        z1t.middleRows(begin, end - begin) = fresh.middleRows(begin, end - begin);
    });
    QVERIFY(!misaligned);
    for (const auto& count : calls)
        QCOMPARE(count.load(), 1);
    QVERIFY(relativeDifference(logits, network.logits(features)) < 1e-5);
}

void TestSparseTail::reusedAcrossNetworks()
{
    // One tail for networks that grow and shrink: its packed weights and scratch follow.
    SparseTail tail;
    ThreadTeam team(2);
    const std::vector<std::vector<int>> shapes = {{8, 8}, {256, 128}, {5, 3, 2}, {64, 33}, {9}};
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const Network network = makeNetwork(20, shapes[i], 4, 20 + i);
        const QString problem = mismatch(tail, network, randomFeatures(20, 700, 30 + i), &team);
        QVERIFY2(problem.isEmpty(), qPrintable(QString("network %1: ").arg(i) + problem));
    }
}

void TestSparseTail::noAllocationOnceSized()
{
    if (!kCounting)
        QSKIP("AddressSanitizer replaces malloc: allocations cannot be counted here");
    QVERIFY(allocationsOfAProbe() >= 2); // the counter itself works

    const Network network = makeNetwork(40, {70, 33}, 7, 3);
    const Network pruned = withPrunedInputs(network);
    const Matrix features = randomFeatures(40, 4001, 4);
    const Matrix z1t = (network.layers()[0].weights * features).transpose();
    ThreadTeam team(2);
    for (ThreadTeam* members : {static_cast<ThreadTeam*>(nullptr), &team}) {
        SparseTail tail;
        Matrix logits;
        tail.run(network, z1t, members, logits);
        g_allocations = 0;
        g_counting = true;
        tail.run(network, z1t, members, logits);
        tail.run(pruned, z1t, members, logits); // other weights, the same sizes
        g_counting = false;
        QCOMPARE(g_allocations.load(), 0L);
    }
}

void TestSparseTail::appliesOnlyToReluNetworks()
{
    QVERIFY(SparseTail::applies(makeNetwork(2, {2}, 2, 1))); // on every path
    QVERIFY(!SparseTail::applies(makeNetwork(4, {}, 3, 1))); // one layer: nothing after the first
    Network tanh = makeNetwork(4, {5}, 3, 1);
    tanh.layers()[0].activation = Activation::Tanh;
    QVERIFY(!SparseTail::applies(tanh));
}

QTEST_APPLESS_MAIN(TestSparseTail)
#include "tst_sparsetail.moc"
