#include "controls/ControlState.h"

#include "common/Error.h"
#include "nn/Network.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace ss {

ControlState::ControlState()
{
    dataset.nameOrPath = "moons";
    dataset.samples = 400;
    dataset.noise = 0.2;
    dataset.classes = 3;
    dataset.seed = 42;
    dataset.testFraction = 0.25;
    model.hidden = {8, 8};
    model.activation = Activation::ReLU;
    model.seed = 42;
}

TrainingConfig ControlState::trainingConfig() const
{
    TrainingConfig config;
    config.optimizer.kind = optimizer;
    config.optimizer.learningRate = learningRate;
    config.batchSize = batchSize;
    config.regularization.l1 = lambda * alpha;
    config.regularization.l2 = lambda * (1.0 - alpha);
    config.regularization.l1Mode = l1Mode;
    config.regularization.dropout = dropout;
    config.seed = model.seed;
    return config;
}

PruningSpec ControlState::pruning() const
{
    PruningSpec spec;
    spec.criterion = pruneBy;
    spec.scope = pruneScope;
    spec.threshold = threshold;
    spec.targetSparsity = targetSparsity;
    return spec;
}

QuantizationSpec ControlState::precision() const
{
    return precisionAt(precisionIndex, granularity);
}

CompressionSetting ControlState::compression() const
{
    CompressionSetting setting;
    setting.pruning = pruning();
    setting.precision = precision();
    return setting;
}

QStringList precisionLabels()
{
    QStringList labels;
    for (const PrecisionStop& stop : precisionLadder())
        labels << QString::fromStdString(stop.label);
    return labels;
}

QList<DatasetChoice> datasetChoices()
{
    return {
        {QStringLiteral("article"), QStringLiteral("Article example (x\u2080 > 0.5)"), true, false},
        {QStringLiteral("moons"), QStringLiteral("Two moons"), true, false},
        {QStringLiteral("circles"), QStringLiteral("Circles"), true, false},
        {QStringLiteral("xor"), QStringLiteral("XOR"), true, false},
        {QStringLiteral("spiral"), QStringLiteral("Spiral"), true, true},
        {QStringLiteral("blobs"), QStringLiteral("Gaussian blobs"), true, true},
        {QStringLiteral("iris"), QStringLiteral("Iris (150 \u00d7 4)"), false, false},
        {QStringLiteral("breast-cancer"), QStringLiteral("Breast cancer (569 \u00d7 30)"), false, false},
        {QStringLiteral("digits"), QStringLiteral("Digits 8\u00d78 (1797)"), false, false},
        {QStringLiteral("fashion-mnist"), QStringLiteral("Fashion-MNIST (70k \u00d7 784)"), false, false},
    };
}

QString datasetTitle(const QString& key)
{
    for (const auto& choice : datasetChoices())
        if (choice.key == key)
            return choice.title;
    return QFileInfo(key).fileName();
}

bool isListedDataset(const QString& key)
{
    for (const auto& choice : datasetChoices())
        if (choice.key == key)
            return true;
    return false;
}

bool isGenerator(const QString& key)
{
    for (const auto& choice : datasetChoices())
        if (choice.key == key)
            return choice.generator;
    return false;
}

std::vector<int> hiddenFromText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.compare(QStringLiteral("logistic"), Qt::CaseInsensitive) == 0
        || trimmed == QStringLiteral("-") || trimmed == QStringLiteral("0"))
        return {};
    QString normalised = trimmed;
    normalised.replace(QLatin1Char('-'), QLatin1Char(',')).replace(QLatin1Char(' '), QLatin1Char(','));
    QStringList parts = normalised.split(QLatin1Char(','), Qt::SkipEmptyParts);
    return parseHiddenSizes(parts.join(QLatin1Char(',')).toStdString());
}

QString hiddenToText(const std::vector<int>& hidden)
{
    if (hidden.empty())
        return QStringLiteral("logistic");
    QStringList parts;
    for (int size : hidden)
        parts << QString::number(size);
    return parts.join(QLatin1Char(','));
}

QString fashionMnistDirectory()
{
    // The Debian package's folder; SPARSESCOPE_FASHION_MNIST_DIR points elsewhere (tests,
    // a copy of one's own).
    return qEnvironmentVariable("SPARSESCOPE_FASHION_MNIST_DIR", QStringLiteral("/usr/share/datasets/fashion-mnist"));
}

DatasetRequest resolvedRequest(DatasetRequest request)
{
    if (request.nameOrPath == "fashion-mnist" && request.fashionMnistDir.empty())
        request.fashionMnistDir = fashionMnistDirectory().toStdString();
    return request;
}

bool fashionMnistAvailable()
{
    const QDir dir(fashionMnistDirectory());
    return dir.exists(QStringLiteral("train-images-idx3-ubyte.gz"))
        && dir.exists(QStringLiteral("t10k-images-idx3-ubyte.gz"));
}

QString fashionMnistMissingMessage()
{
    return QStringLiteral(
        "Fashion-MNIST is not installed: %1 has no train-images-idx3-ubyte.gz.\n\n"
        "Install the Debian package and choose it again:\n"
        "    sudo apt install dataset-fashion-mnist\n\n"
        "The current dataset stays active.").arg(fashionMnistDirectory());
}

} // namespace ss
