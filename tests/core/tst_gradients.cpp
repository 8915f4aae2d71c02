// Full-network gradients from Backpropagation against central finite differences. The
// reference loss is computed independently here in double precision (its own forward pass),
// so that a step of 1e-6 gives accurate differences and no ReLU kink is crossed in practice.

#include "common/Error.h"
#include "common/Random.h"
#include "nn/Backpropagation.h"
#include "nn/Network.h"

#include <QtTest>

#include <cmath>

using namespace ss;

namespace {

using MatrixD = Eigen::MatrixXd;

double activate(Activation activation, double z)
{
    switch (activation) {
    case Activation::ReLU: return z > 0 ? z : 0;
    case Activation::Tanh: return std::tanh(z);
    case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-z));
    case Activation::Linear: return z;
    }
    return z;
}

struct DoubleLayer {
    MatrixD weights;
    Eigen::VectorXd bias;
    Activation activation;
};

// Mean cross-entropy of the network in double; dropoutMasks (if given) multiply hidden layers.
double referenceLoss(const std::vector<DoubleLayer>& layers, const MatrixD& x, const Labels& y, bool binary,
                     const std::vector<MatrixD>* dropoutMasks = nullptr)
{
    MatrixD a = x;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        MatrixD z = layers[l].weights * a;
        z.colwise() += layers[l].bias;
        if (l + 1 < layers.size()) {
            z = z.unaryExpr([&](double v) { return activate(layers[l].activation, v); });
            if (dropoutMasks)
                z = z.cwiseProduct((*dropoutMasks)[l]);
        }
        a = z;
    }
    double sum = 0;
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
        const int label = y[static_cast<std::size_t>(j)];
        if (binary) {
            const double z = a(0, j);
            sum += std::max(z, 0.0) - (label ? z : 0.0) + std::log1p(std::exp(-std::abs(z)));
        } else {
            const double top = a.col(j).maxCoeff();
            sum += top + std::log((a.col(j).array() - top).exp().sum()) - a(label, j);
        }
    }
    return sum / static_cast<double>(a.cols());
}

std::vector<DoubleLayer> toDouble(const Network& network)
{
    std::vector<DoubleLayer> layers;
    for (const DenseLayer& layer : network.layers())
        layers.push_back({layer.weights.cast<double>(), layer.bias.cast<double>(), layer.activation});
    return layers;
}

} // namespace

class TestGradients : public QObject {
    Q_OBJECT

private:
    void checkNetwork(Activation activation, int classes, double dropoutRate)
    {
        Architecture architecture;
        architecture.inputs = 4;
        architecture.hidden = {5, 3};
        architecture.hiddenActivation = activation;
        architecture.classes = classes;
        Network network(architecture, 17);
        Random random(3);
        // Non-zero biases so that every bias gradient is exercised.
        for (DenseLayer& layer : network.layers())
            for (Eigen::Index i = 0; i < layer.bias.size(); ++i)
                layer.bias(i) = static_cast<Scalar>(random.normal(0.0, 0.3));
        const int samples = 6;
        Matrix x(4, samples);
        for (Eigen::Index j = 0; j < x.cols(); ++j)
            for (Eigen::Index i = 0; i < x.rows(); ++i)
                x(i, j) = static_cast<Scalar>(random.normal());
        Labels y(samples);
        for (int j = 0; j < samples; ++j)
            y[static_cast<std::size_t>(j)] = j % classes;

        Backpropagation backpropagation;
        backpropagation.prepare(network, samples, dropoutRate > 0);
        Dropout dropout(99);
        const double loss = backpropagation.compute(network, x, y, dropoutRate > 0 ? &dropout : nullptr, dropoutRate);

        std::vector<MatrixD> masks;
        if (dropoutRate > 0)
            for (std::size_t l = 0; l + 1 < network.layers().size(); ++l)
                masks.push_back(backpropagation.dropoutMask(l).cast<double>());
        const std::vector<MatrixD>* maskPointer = dropoutRate > 0 ? &masks : nullptr;

        std::vector<DoubleLayer> reference = toDouble(network);
        const MatrixD xd = x.cast<double>();
        const bool binary = classes == 2;
        const double referenceValue = referenceLoss(reference, xd, y, binary, maskPointer);
        QVERIFY2(std::abs(loss - referenceValue) < 1e-5 * std::max(1.0, referenceValue),
                 qPrintable(QString("loss %1 vs reference %2").arg(loss).arg(referenceValue)));

        const double h = 1e-6;
        int checked = 0;
        const auto compare = [&](double& parameter, float analytic, const QString& where) {
            const double saved = parameter;
            parameter = saved + h;
            const double plus = referenceLoss(reference, xd, y, binary, maskPointer);
            parameter = saved - h;
            const double minus = referenceLoss(reference, xd, y, binary, maskPointer);
            parameter = saved;
            const double numeric = (plus - minus) / (2 * h);
            // float forward/backward against an exact reference: ~1e-6 relative plus roundoff.
            const double tolerance = 1e-3 * std::abs(numeric) + 2e-6;
            QVERIFY2(std::abs(numeric - analytic) <= tolerance,
                     qPrintable(QString("%1: numeric %2 analytic %3").arg(where).arg(numeric, 0, 'g', 9).arg(analytic, 0, 'g', 9)));
            ++checked;
        };
        for (std::size_t l = 0; l < reference.size(); ++l) {
            for (Eigen::Index c = 0; c < reference[l].weights.cols(); ++c)
                for (Eigen::Index r = 0; r < reference[l].weights.rows(); ++r)
                    compare(reference[l].weights(r, c), backpropagation.weightGradient(l)(r, c),
                            QString("layer %1 weight (%2,%3)").arg(l).arg(r).arg(c));
            for (Eigen::Index r = 0; r < reference[l].bias.size(); ++r)
                compare(reference[l].bias(r), backpropagation.biasGradient(l)(r), QString("layer %1 bias %2").arg(l).arg(r));
        }
        QCOMPARE(checked, int(network.weightCount() + network.biasCount()));
        // The gradients are not trivially zero.
        QVERIFY(backpropagation.weightGradient(0).norm() > 1e-4f);
    }

private slots:
    void networkGradients_data()
    {
        QTest::addColumn<int>("activation");
        QTest::addColumn<int>("classes");
        for (const Activation activation : {Activation::ReLU, Activation::Tanh, Activation::Sigmoid, Activation::Linear})
            for (const int classes : {2, 3})
                QTest::newRow(qPrintable(QString::fromStdString(toString(activation)) + (classes == 2 ? " sigmoid+BCE" : " softmax+CE")))
                    << int(activation) << classes;
    }
    void networkGradients()
    {
        QFETCH(int, activation);
        QFETCH(int, classes);
        checkNetwork(Activation(activation), classes, 0.0);
    }

    void gradientsWithDropout_data()
    {
        QTest::addColumn<int>("classes");
        QTest::newRow("binary") << 2;
        QTest::newRow("softmax") << 4;
    }
    void gradientsWithDropout()
    {
        // With its mask fixed, dropout is a linear map: the gradient flows through kept units only.
        QFETCH(int, classes);
        checkNetwork(Activation::Tanh, classes, 0.4);
    }

    void logisticRegressionGradient()
    {
        // No hidden layer: dW = (sigmoid(Wx+b) - y) x^T / n, in closed form.
        Architecture architecture;
        architecture.inputs = 2;
        architecture.classes = 2;
        Network network(architecture, 1);
        network.layers()[0].weights << 0.5f, -0.25f;
        network.layers()[0].bias << 0.1f;
        Matrix x(2, 2);
        x << 1, 2,
             3, -1;
        const Labels y = {1, 0};
        Backpropagation backpropagation;
        backpropagation.prepare(network, 2, false);
        backpropagation.compute(network, x, y);
        const double z0 = 0.5 * 1 - 0.25 * 3 + 0.1, z1 = 0.5 * 2 + 0.25 + 0.1;
        const double e0 = 1 / (1 + std::exp(-z0)) - 1, e1 = 1 / (1 + std::exp(-z1));
        QVERIFY(std::abs(backpropagation.weightGradient(0)(0, 0) - (e0 * 1 + e1 * 2) / 2) < 1e-6);
        QVERIFY(std::abs(backpropagation.weightGradient(0)(0, 1) - (e0 * 3 + e1 * -1) / 2) < 1e-6);
        QVERIFY(std::abs(backpropagation.biasGradient(0)(0) - (e0 + e1) / 2) < 1e-6);
    }

    void smallerBatchThanPrepared()
    {
        // The trainer's last mini-batch of an epoch is smaller than the buffers.
        Architecture architecture;
        architecture.inputs = 3;
        architecture.hidden = {4};
        architecture.classes = 3;
        Network network(architecture, 5);
        Matrix x = Matrix::Random(3, 8);
        const Labels y = {0, 1, 2, 0, 1, 2, 0, 1};
        Backpropagation big;
        big.prepare(network, 8, false);
        Backpropagation exact;
        exact.prepare(network, 3, false);
        const double a = big.compute(network, x.leftCols(3), std::span<const int>(y.data(), 3));
        const double b = exact.compute(network, x.leftCols(3), std::span<const int>(y.data(), 3));
        QCOMPARE(a, b);
        QCOMPARE(big.weightGradient(0), exact.weightGradient(0));
        QCOMPARE(big.logits().cols(), 3);
        QVERIFY_THROWS_EXCEPTION(ConfigError, exact.compute(network, x, y)); // 8 > prepared 3
    }
};

QTEST_APPLESS_MAIN(TestGradients)
#include "tst_gradients.moc"
