#include "common/Error.h"
#include "nn/Network.h"

#include <QtTest>

#include <omp.h>

#include <cmath>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {
bool messageContains(const std::exception& error, const std::string& text)
{
    return std::string(error.what()).find(text) != std::string::npos;
}
} // namespace

class TestNetwork : public QObject {
    Q_OBJECT

private slots:
    void shapes()
    {
        const Architecture architecture = test::mlp(5, {7, 3}, 4);
        const Network network(architecture, 1);
        QCOMPARE(network.layers().size(), std::size_t(3));
        QCOMPARE(network.layers()[0].weights.rows(), 7);
        QCOMPARE(network.layers()[0].weights.cols(), 5);
        QCOMPARE(network.layers()[1].weights.rows(), 3);
        QCOMPARE(network.layers()[1].weights.cols(), 7);
        QCOMPARE(network.layers()[2].weights.rows(), 4);
        QCOMPARE(network.layers()[2].weights.cols(), 3);
        for (const DenseLayer& layer : network.layers()) {
            QCOMPARE(layer.bias.size(), layer.weights.rows());
            QVERIFY(layer.bias.isZero(0));
            QCOMPARE(layer.mask.rows(), layer.weights.rows());
            QCOMPARE(layer.mask.cols(), layer.weights.cols());
            QVERIFY(layer.mask.isOnes(0));
        }
        QCOMPARE(network.weightCount(), 5L * 7 + 7 * 3 + 3 * 4);
        QCOMPARE(network.biasCount(), 7L + 3 + 4);
        QVERIFY(network.isFinite());

        const Matrix x = Matrix::Random(5, 9);
        QCOMPARE(network.logits(x).rows(), 4);
        QCOMPARE(network.logits(x).cols(), 9);
        QCOMPARE(network.probabilities(x).rows(), 4);
        QCOMPARE(network.predict(x).size(), std::size_t(9));
    }

    void logisticRegressionHasOneLayer()
    {
        const Architecture architecture = test::mlp(3, {}, 2);
        const Network network(architecture, 3);
        QCOMPARE(network.layers().size(), std::size_t(1));
        QCOMPARE(network.layers()[0].weights.rows(), 1);
        QVERIFY(network.isBinary());
        QCOMPARE(network.architecture().describe(), std::string("logistic"));
    }

    void initialisationStatistics_data()
    {
        QTest::addColumn<int>("activation");
        QTest::addColumn<double>("expectedStddev");
        // 400 inputs, 300 hidden units: He sqrt(2/400), Glorot sqrt(2/700).
        QTest::newRow("relu (He)") << int(Activation::ReLU) << std::sqrt(2.0 / 400);
        QTest::newRow("tanh (Glorot)") << int(Activation::Tanh) << std::sqrt(2.0 / 700);
    }
    void initialisationStatistics()
    {
        QFETCH(int, activation);
        QFETCH(double, expectedStddev);
        const Architecture architecture = test::mlp(400, {300}, 10, Activation(activation));
        const Network network(architecture, 7);
        const Matrix& w = network.layers()[0].weights;
        const double n = double(w.size());
        const double mean = w.cast<double>().sum() / n;
        const double stddev = std::sqrt((w.cast<double>().array() - mean).square().sum() / (n - 1));
        QVERIFY2(std::abs(mean) < 0.01 * expectedStddev * 10, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(stddev / expectedStddev - 1.0) < 0.01, qPrintable(QString::number(stddev)));
        // Output layer: Glorot sqrt(2/(300+10)).
        const Matrix& out = network.layers()[1].weights;
        const double outStd = std::sqrt(out.cast<double>().array().square().sum() / double(out.size()));
        QVERIFY(std::abs(outStd / std::sqrt(2.0 / 310) - 1.0) < 0.05);
    }

    void seedDeterminesWeights()
    {
        const Architecture architecture = test::mlp(4, {6}, 3);
        const Network a(architecture, 11);
        const Network b(architecture, 11);
        const Network c(architecture, 12);
        QCOMPARE(a.layers()[0].weights, b.layers()[0].weights);
        QCOMPARE(a.layers()[1].weights, b.layers()[1].weights);
        QVERIFY(a.layers()[0].weights != c.layers()[0].weights);
    }

    void probabilitiesSumToOne_data()
    {
        QTest::addColumn<int>("classes");
        QTest::newRow("binary") << 2;
        QTest::newRow("softmax") << 5;
    }
    void probabilitiesSumToOne()
    {
        QFETCH(int, classes);
        const Architecture architecture = test::mlp(3, {8}, classes, Activation::Tanh);
        const Network network(architecture, 5);
        const Matrix x = 3.0f * Matrix::Random(3, 50);
        const Matrix p = network.probabilities(x);
        QCOMPARE(p.rows(), classes);
        const Labels predicted = network.predict(x);
        for (int j = 0; j < p.cols(); ++j) {
            QVERIFY(std::abs(p.col(j).sum() - 1.0f) < 1e-5f);
            QVERIFY((p.col(j).array() >= 0).all());
            Eigen::Index best = 0;
            p.col(j).maxCoeff(&best);
            QCOMPARE(predicted[j], int(best));
        }
    }

    void forwardMatchesHandComputation()
    {
        const Architecture architecture = test::mlp(2, {2}, 2);
        Network network(architecture, 1);
        network.layers()[0].weights << 1, -1, 2, 0.5f;
        network.layers()[0].bias << 0.5f, -3;
        network.layers()[1].weights << 2, -1;
        network.layers()[1].bias << 0.25f;
        Matrix x(2, 1);
        x << 1, 2;
        // hidden: relu(1-2+0.5) = 0, relu(2+1-3) = 0 -> logit 0.25
        QCOMPARE(network.logits(x)(0, 0), 0.25f);
        x << 3, 1;
        // hidden: relu(3-1+0.5)=2.5, relu(6+0.5-3)=3.5 -> 5 - 3.5 + 0.25 = 1.75
        QCOMPARE(network.logits(x)(0, 0), 1.75f);
        const Matrix p = network.probabilities(x);
        QVERIFY(std::abs(p(1, 0) - 1.0f / (1.0f + std::exp(-1.75f))) < 1e-6f);
        QCOMPARE(network.predict(x)[0], 1);
    }

    void logitsIndependentOfThreadCount()
    {
        // Large inputs are forwarded in fixed chunks shared among threads: the same bits with
        // one thread or two, and the same values as a plain double-precision forward pass.
        const Architecture architecture = test::mlp(64, {128, 64}, 10);
        const Network network(architecture, 3);
        const Matrix x = Matrix::Random(64, 1000);
        const int saved = omp_get_max_threads();
        omp_set_num_threads(1);
        const Matrix one = network.logits(x);
        omp_set_num_threads(2);
        const Matrix two = network.logits(x);
        omp_set_num_threads(saved);
        QVERIFY(one == two);
        Eigen::MatrixXd a = x.cast<double>();
        for (std::size_t l = 0; l < network.layers().size(); ++l) {
            Eigen::MatrixXd z = network.layers()[l].weights.cast<double>().lazyProduct(a);
            z.colwise() += network.layers()[l].bias.cast<double>();
            a = l + 1 < network.layers().size() ? Eigen::MatrixXd(z.cwiseMax(0.0)) : z;
        }
        QVERIFY((one.cast<double>() - a).cwiseAbs().maxCoeff() < 1e-4);
        QCOMPARE(network.logits(x.leftCols(0)).cols(), 0);
    }

    void stableAtExtremeLogits()
    {
        Matrix logits(3, 2);
        logits << 1000, -1000, 0, -1000, -1000, 1000;
        const Matrix p = probabilitiesFromLogits(logits, false);
        QVERIFY(p.allFinite());
        QCOMPARE(p(0, 0), 1.0f);
        QCOMPARE(p(2, 1), 1.0f);
        Matrix binary(1, 2);
        binary << 1000, -1000;
        const Matrix pb = probabilitiesFromLogits(binary, true);
        QVERIFY(pb.allFinite());
        QCOMPARE(pb(1, 0), 1.0f);
        QCOMPARE(pb(0, 1), 1.0f);
        const Labels labels = predictFromLogits(binary, true);
        QCOMPARE(labels, Labels({1, 0}));
    }

    void mismatchedInputRejected()
    {
        const Architecture architecture = test::mlp(4, {}, 3);
        const Network network(architecture, 1);
        try {
            network.logits(Matrix::Zero(3, 2));
            QFAIL("expected ConfigError");
        } catch (const ConfigError& error) {
            QVERIFY2(messageContains(error, "3 features") && messageContains(error, "expects 4"), error.what());
        }
    }

    void badArchitectureRejected()
    {
        Architecture architecture;
        architecture.inputs = 2;
        architecture.hidden = {4, 0};
        try {
            Network network(architecture, 1);
            QFAIL("expected ConfigError");
        } catch (const ConfigError& error) {
            QVERIFY2(messageContains(error, "hidden layer 2") && messageContains(error, "got 0"), error.what());
        }
        architecture.hidden = {};
        architecture.classes = 1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, Network(architecture, 1));
        architecture.classes = 2;
        architecture.inputs = 0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, Network(architecture, 1));
    }

    void masksZeroWeights()
    {
        Architecture architecture;
        architecture.inputs = 3;
        architecture.hidden = {4};
        Network network(architecture, 2);
        DenseLayer& layer = network.layers()[0];
        layer.mask(1, 2) = 0;
        layer.mask(3, 0) = 0;
        layer.weights(3, 0) = std::numeric_limits<float>::quiet_NaN();
        network.applyMasks();
        QCOMPARE(layer.weights(1, 2), 0.0f);
        QCOMPARE(layer.weights(3, 0), 0.0f);
        QVERIFY(!std::signbit(layer.weights(1, 2)));
        QVERIFY(network.isFinite());
        QCOMPARE((layer.weights.array() == 0).count(), 2);

        layer.mask.resize(2, 2);
        layer.mask.setOnes();
        QVERIFY_THROWS_EXCEPTION(ConfigError, network.applyMasks());
    }

    void fromLayers()
    {
        const Architecture architecture = test::mlp(3, {4}, 3, Activation::Sigmoid);
        const Network original(architecture, 8);
        std::vector<DenseLayer> layers = original.layers();
        layers[0].mask(0, 0) = 0;
        layers[1].mask.resize(0, 0); // no mask: all kept
        const Network copy = Network::fromLayers(architecture, layers);
        QCOMPARE(copy.layers()[0].weights(0, 0), 0.0f); // mask applied
        QVERIFY(copy.layers()[1].mask.isOnes(0));
        QVERIFY(copy.layers()[0].activation == Activation::Sigmoid);
        QCOMPARE(copy.layers()[1].weights, original.layers()[1].weights);

        layers = original.layers();
        layers[1].weights.resize(3, 5);
        try {
            Network::fromLayers(architecture, layers);
            QFAIL("mismatched layer accepted");
        } catch (const ConfigError& error) {
            QVERIFY2(messageContains(error, "layer 2 weights are 3x5, expected 3x4"), error.what());
        }
        layers = original.layers();
        layers.pop_back();
        QVERIFY_THROWS_EXCEPTION(ConfigError, Network::fromLayers(architecture, layers));
        layers = original.layers();
        layers[0].bias.resize(2);
        QVERIFY_THROWS_EXCEPTION(ConfigError, Network::fromLayers(architecture, layers));
    }

    void isFiniteDetectsNonFinite()
    {
        Architecture architecture;
        architecture.inputs = 2;
        Network network(architecture, 2);
        network.layers()[0].bias(0) = std::numeric_limits<float>::infinity();
        QVERIFY(!network.isFinite());
    }

    void describeAndParse()
    {
        Architecture architecture;
        architecture.hidden = {16, 8};
        architecture.hiddenActivation = Activation::Tanh;
        QCOMPARE(architecture.describe(), std::string("16-8 tanh"));
        QCOMPARE(parseHiddenSizes("16,16"), std::vector<int>({16, 16}));
        QCOMPARE(parseHiddenSizes(" 32 , 4 "), std::vector<int>({32, 4}));
        QCOMPARE(parseHiddenSizes("logistic"), std::vector<int>());
        for (const char* bad : {"16,x", "0", "-3", "", "16,,4", "16,", "1.5"}) {
            try {
                parseHiddenSizes(bad);
                QFAIL(qPrintable(QString("accepted '%1'").arg(bad)));
            } catch (const ConfigError&) {
            }
        }
        try {
            parseHiddenSizes("16,abc");
        } catch (const ConfigError& error) {
            QVERIFY(messageContains(error, "'abc'"));
        }
    }
};

QTEST_APPLESS_MAIN(TestNetwork)
#include "tst_network.moc"
