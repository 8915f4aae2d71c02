#include "controls/ControlState.h"

#include "common/Error.h"
#include "data/IdxReader.h"
#include "metrics/Metrics.h"
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

SnapshotPtr withPositiveClass(const SnapshotPtr& snapshot, const std::string& positiveClass)
{
    if (!snapshot || positiveClass.empty() || !snapshot->data || !snapshot->evaluation.report.binary)
        return snapshot;
    const std::vector<std::string>& names = snapshot->data->split.test.classNames;
    const auto found = std::find(names.begin(), names.end(), positiveClass);
    if (names.size() != 2 || found == names.end())
        return snapshot;
    const int index = static_cast<int>(found - names.begin());
    auto chosen = std::make_shared<Snapshot>(*snapshot);
    choosePositiveClass(chosen->evaluation.report, index, PositiveClassChoice::Rule::Chosen);
    if (chosen->comparison && chosen->comparison->report.binary)
        choosePositiveClass(chosen->comparison->report, index, PositiveClassChoice::Rule::Chosen);
    return chosen;
}

QString automaticPositiveClassText(const Dataset& test)
{
    if (test.classNames.size() != 2)
        return QStringLiteral("Automatic");
    std::vector<long> counts(2, 0);
    for (const int label : test.labels)
        ++counts[static_cast<std::size_t>(label)];
    const PositiveClassChoice choice = defaultPositiveClass(test.classNames, counts);
    return QStringLiteral("Automatic (%1: %2)")
        .arg(QString::fromStdString(test.classNames[static_cast<std::size_t>(choice.index)]),
             QString::fromStdString(positiveClassRuleText(choice.rule)));
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
    QList<DatasetChoice> choices;
    for (const NamedDataset& dataset : namedDatasets())
        choices.push_back({QString::fromStdString(dataset.name), QString::fromStdString(dataset.title), dataset.generator,
                           dataset.hasClasses});
    return choices;
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
    return QString::fromStdString(activeFashionMnistDirectory());
}

DatasetRequest resolvedRequest(DatasetRequest request)
{
    if (request.nameOrPath == "fashion-mnist" && request.fashionMnistDir.empty())
        request.fashionMnistDir = fashionMnistDirectory().toStdString();
    return request;
}

bool fashionMnistAvailable()
{
    return hasFashionMnist();
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
