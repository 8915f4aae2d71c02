#include "window/AppSettings.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace ss {

namespace keys {
const Setting<QByteArray> geometry{QStringLiteral("window/geometry"), {}};
const Setting<QByteArray> state{QStringLiteral("window/state"), {}};
const Setting<QString> view{QStringLiteral("window/view"), QStringLiteral("training")};
const Setting<bool> tiled{QStringLiteral("window/tiled"), false};
const Setting<QString> directory{QStringLiteral("files/lastDirectory"), {}};
const Setting<QStringList> recentSessions{QStringLiteral("files/recentSessions"), {}};
const Setting<QString> exportDirectory{QStringLiteral("files/exportDirectory"), {}};

const Setting<QString> dataset{QStringLiteral("dataset/name"), QStringLiteral("moons")};
const Setting<int> samples{QStringLiteral("dataset/samples"), 400};
const Setting<double> noise{QStringLiteral("dataset/noise"), 0.2};
const Setting<int> classes{QStringLiteral("dataset/classes"), 3};
const Setting<qulonglong> dataSeed{QStringLiteral("dataset/seed"), 42};
const Setting<double> testFraction{QStringLiteral("dataset/testFraction"), 0.25};

const Setting<QString> hidden{QStringLiteral("model/hidden"), QStringLiteral("8,8")};
const Setting<int> activation{QStringLiteral("model/activation"), static_cast<int>(Activation::ReLU)};
const Setting<qulonglong> modelSeed{QStringLiteral("model/seed"), 42};

const Setting<int> optimizer{QStringLiteral("training/optimizer"), static_cast<int>(OptimizerKind::Adam)};
const Setting<double> learningRate{QStringLiteral("training/learningRate"), 0.01};
const Setting<int> batch{QStringLiteral("training/batchSize"), 32};
const Setting<double> lambda{QStringLiteral("training/lambda"), 0.001};
const Setting<double> alpha{QStringLiteral("training/alpha"), 1.0};
const Setting<int> l1Mode{QStringLiteral("training/l1Mode"), static_cast<int>(L1Mode::Proximal)};
const Setting<double> dropout{QStringLiteral("training/dropout"), 0.0};
const Setting<int> compare{QStringLiteral("training/compare"), 0};
const Setting<double> pace{QStringLiteral("training/pace"), 20.0};
const Setting<int> epochLimit{QStringLiteral("training/epochLimit"), 0};

const Setting<int> pruneBy{QStringLiteral("compression/pruneBy"), 0};
const Setting<double> threshold{QStringLiteral("compression/threshold"), 0.0};
const Setting<double> targetSparsity{QStringLiteral("compression/targetSparsity"), 0.0};
const Setting<int> pruneScope{QStringLiteral("compression/scope"), 0};
const Setting<int> precision{QStringLiteral("compression/precision"), 0};
const Setting<int> granularity{QStringLiteral("compression/granularity"), 0};
} // namespace keys

AppSettings::AppSettings(QObject* parent)
    : QObject(parent)
{
}

AppSettings::AppSettings(const QString& fileName, QObject* parent)
    : QObject(parent)
    , m_settings(fileName, QSettings::IniFormat)
{
}

QStringList AppSettings::recentSessions() const { return keys::recentSessions.get(m_settings); }
void AppSettings::setRecentSessions(const QStringList& paths) { keys::recentSessions.set(m_settings, paths); }
QString AppSettings::exportDirectory() const { return keys::exportDirectory.get(m_settings); }
void AppSettings::setExportDirectory(const QString& directory) { keys::exportDirectory.set(m_settings, directory); }
QByteArray AppSettings::windowGeometry() const { return keys::geometry.get(m_settings); }
void AppSettings::setWindowGeometry(const QByteArray& geometry) { keys::geometry.set(m_settings, geometry); }
QByteArray AppSettings::windowState() const { return keys::state.get(m_settings); }
void AppSettings::setWindowState(const QByteArray& state) { keys::state.set(m_settings, state); }
QString AppSettings::currentView() const { return keys::view.get(m_settings); }
void AppSettings::setCurrentView(const QString& id) { keys::view.set(m_settings, id); }
bool AppSettings::tiledViews() const { return keys::tiled.get(m_settings); }
void AppSettings::setTiledViews(bool tiled) { keys::tiled.set(m_settings, tiled); }
QString AppSettings::lastDirectory() const { return keys::directory.get(m_settings); }
void AppSettings::setLastDirectory(const QString& directory) { keys::directory.set(m_settings, directory); }

namespace {
template <typename Enum>
Enum enumIn(int value, Enum first, Enum last, Enum fallback)
{
    return value >= static_cast<int>(first) && value <= static_cast<int>(last) ? static_cast<Enum>(value) : fallback;
}
double finiteIn(double value, double low, double high, double fallback)
{
    return std::isfinite(value) && value >= low && value <= high ? value : fallback;
}
} // namespace

ControlState AppSettings::controls() const
{
    const ControlState defaults;
    ControlState s;
    const QString dataset = keys::dataset.get(m_settings);
    bool known = false;
    for (const auto& choice : datasetChoices())
        known = known || choice.key == dataset;
    const bool usable = known ? (dataset != QStringLiteral("fashion-mnist") || fashionMnistAvailable())
                              : QFileInfo::exists(dataset);
    s.dataset.nameOrPath = (usable ? dataset : QString::fromStdString(defaults.dataset.nameOrPath)).toStdString();
    s.dataset.samples = std::clamp(keys::samples.get(m_settings), 20, 100000);
    s.dataset.noise = finiteIn(keys::noise.get(m_settings), 0.0, 2.0, defaults.dataset.noise);
    s.dataset.classes = std::clamp(keys::classes.get(m_settings), 2, 10);
    s.dataset.seed = keys::dataSeed.get(m_settings);
    s.dataset.testFraction = finiteIn(keys::testFraction.get(m_settings), 0.05, 0.6, defaults.dataset.testFraction);
    if (!isGenerator(QString::fromStdString(s.dataset.nameOrPath))) {
        s.dataset.samples = 0;
        s.dataset.noise = -1.0;
    }
    try {
        s.model.hidden = hiddenFromText(keys::hidden.get(m_settings));
    } catch (const std::exception&) {
        s.model.hidden = defaults.model.hidden;
    }
    s.model.activation = enumIn(keys::activation.get(m_settings), Activation::ReLU, Activation::Linear, defaults.model.activation);
    s.model.seed = keys::modelSeed.get(m_settings);
    s.optimizer = enumIn(keys::optimizer.get(m_settings), OptimizerKind::Sgd, OptimizerKind::Adam, defaults.optimizer);
    s.learningRate = finiteIn(keys::learningRate.get(m_settings), 1e-6, 10.0, defaults.learningRate);
    s.batchSize = std::clamp(keys::batch.get(m_settings), 1, 4096);
    s.lambda = finiteIn(keys::lambda.get(m_settings), 0.0, 10.0, defaults.lambda);
    s.alpha = finiteIn(keys::alpha.get(m_settings), 0.0, 1.0, defaults.alpha);
    s.l1Mode = enumIn(keys::l1Mode.get(m_settings), L1Mode::Proximal, L1Mode::Subgradient, defaults.l1Mode);
    s.dropout = finiteIn(keys::dropout.get(m_settings), 0.0, 0.9, defaults.dropout);
    s.compare = enumIn(keys::compare.get(m_settings), ComparisonKind::None, ComparisonKind::NoPenalty, defaults.compare);
    s.pace = finiteIn(keys::pace.get(m_settings), 0.0, 1000.0, defaults.pace);
    s.epochLimit = std::clamp(keys::epochLimit.get(m_settings), 0, 100000);
    s.pruneBy = enumIn(keys::pruneBy.get(m_settings), PruningSpec::Criterion::Threshold, PruningSpec::Criterion::TargetSparsity,
                       defaults.pruneBy);
    s.threshold = finiteIn(keys::threshold.get(m_settings), 0.0, 1e6, 0.0);
    s.targetSparsity = finiteIn(keys::targetSparsity.get(m_settings), 0.0, 0.999, 0.0);
    s.pruneScope = enumIn(keys::pruneScope.get(m_settings), PruningSpec::Scope::Global, PruningSpec::Scope::PerLayer, defaults.pruneScope);
    s.precisionIndex = std::clamp(keys::precision.get(m_settings), 0, static_cast<int>(precisionLabels().size()) - 1);
    s.granularity = enumIn(keys::granularity.get(m_settings), QuantizationSpec::Granularity::PerTensor,
                           QuantizationSpec::Granularity::PerRow, defaults.granularity);
    return s;
}

void AppSettings::setControls(const ControlState& s)
{
    keys::dataset.set(m_settings, QString::fromStdString(s.dataset.nameOrPath));
    if (s.dataset.samples > 0)
        keys::samples.set(m_settings, s.dataset.samples);
    if (s.dataset.noise >= 0)
        keys::noise.set(m_settings, s.dataset.noise);
    keys::classes.set(m_settings, s.dataset.classes);
    keys::dataSeed.set(m_settings, static_cast<qulonglong>(s.dataset.seed));
    keys::testFraction.set(m_settings, s.dataset.testFraction);
    keys::hidden.set(m_settings, hiddenToText(s.model.hidden));
    keys::activation.set(m_settings, static_cast<int>(s.model.activation));
    keys::modelSeed.set(m_settings, static_cast<qulonglong>(s.model.seed));
    keys::optimizer.set(m_settings, static_cast<int>(s.optimizer));
    keys::learningRate.set(m_settings, s.learningRate);
    keys::batch.set(m_settings, s.batchSize);
    keys::lambda.set(m_settings, s.lambda);
    keys::alpha.set(m_settings, s.alpha);
    keys::l1Mode.set(m_settings, static_cast<int>(s.l1Mode));
    keys::dropout.set(m_settings, s.dropout);
    keys::compare.set(m_settings, static_cast<int>(s.compare));
    keys::pace.set(m_settings, s.pace);
    keys::epochLimit.set(m_settings, s.epochLimit);
    keys::pruneBy.set(m_settings, static_cast<int>(s.pruneBy));
    keys::threshold.set(m_settings, s.threshold);
    keys::targetSparsity.set(m_settings, s.targetSparsity);
    keys::pruneScope.set(m_settings, static_cast<int>(s.pruneScope));
    keys::precision.set(m_settings, s.precisionIndex);
    keys::granularity.set(m_settings, static_cast<int>(s.granularity));
    emit controlsChanged();
}

} // namespace ss
