// The sparse tail (the layers after the first of a ReLU MLP, skipping inactive inputs) must
// give the logits of a plain forward pass to float rounding, for any widths (not multiples of
// 16: masked lanes), sample counts (partial batches), depths, and with or without threads.
#include "common/Random.h"
#include "eval/SparseTail.h"
#include "common/ThreadTeam.h"

#include "TestNetworks.h"

#include <QtTest>

#include <cmath>

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

} // namespace

class TestSparseTail : public QObject {
    Q_OBJECT

private slots:
    void matchesForwardPass_data();
    void matchesForwardPass();
    void appliesOnlyToReluNetworks();
};

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
    const Matrix z1t = (network.layers()[0].weights * features).transpose();
    ThreadTeam team(2);
    SparseTail tail;
    Matrix logits;
    tail.run(network, z1t, threads ? &team : nullptr, logits);
    const Matrix reference = network.logits(features);
    QCOMPARE(logits.rows(), reference.rows());
    QCOMPARE(logits.cols(), reference.cols());
    QVERIFY2(relativeDifference(logits, reference) < 1e-5, qPrintable(QString::number(relativeDifference(logits, reference))));
    // Inputs without outgoing weights (as pruning leaves them) are skipped: the same logits.
    Network pruned = network;
    for (std::size_t l = 1; l < pruned.layers().size(); ++l) {
        Matrix& weights = pruned.layers()[l].weights;
        for (Eigen::Index i = 0; i < weights.cols(); ++i)
            if (i % 3 == 0 || (i >= 16 && i < 32))
                weights.col(i).setZero();
    }
    tail.run(pruned, z1t, threads ? &team : nullptr, logits);
    QVERIFY(relativeDifference(logits, pruned.logits(features)) < 1e-5);
    // Hidden units that are never active: all-negative biases in the first layer.
    Network dead = network;
    dead.layers()[0].bias.setConstant(-1e3f);
    tail.run(dead, z1t, threads ? &team : nullptr, logits);
    QVERIFY(relativeDifference(logits, dead.logits(features)) < 1e-5);
}

void TestSparseTail::appliesOnlyToReluNetworks()
{
    QVERIFY(SparseTail::applies(makeNetwork(2, {2}, 2, 1)));
    QVERIFY(!SparseTail::applies(makeNetwork(4, {}, 3, 1))); // one layer: nothing after the first
    Network tanh = makeNetwork(4, {5}, 3, 1);
    tanh.layers()[0].activation = Activation::Tanh;
    QVERIFY(!SparseTail::applies(tanh));
}

QTEST_APPLESS_MAIN(TestSparseTail)
#include "tst_sparsetail.moc"
