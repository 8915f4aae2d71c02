#include "window/AppSettings.h"

#include "common/Error.h"

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

// The controls' keys carry no defaults: ControlState's are the ones (read in controls()).
// Enums are kept by name, so that reordering one leaves saved settings meaning the same.
const Setting<QString> dataset{QStringLiteral("dataset/name")};
const Setting<int> samples{QStringLiteral("dataset/samples")};
const Setting<double> noise{QStringLiteral("dataset/noise")};
const Setting<int> classes{QStringLiteral("dataset/classes")};
const Setting<qulonglong> dataSeed{QStringLiteral("dataset/seed")};
const Setting<double> testFraction{QStringLiteral("dataset/testFraction")};

const Setting<QString> hidden{QStringLiteral("model/hidden")};
const Setting<QString> activation{QStringLiteral("model/activation")};
const Setting<qulonglong> modelSeed{QStringLiteral("model/seed")};

const Setting<QString> optimizer{QStringLiteral("training/optimizer")};
const Setting<double> learningRate{QStringLiteral("training/learningRate")};
const Setting<int> batch{QStringLiteral("training/batchSize")};
const Setting<double> lambda{QStringLiteral("training/lambda")};
const Setting<double> alpha{QStringLiteral("training/alpha")};
const Setting<QString> l1Mode{QStringLiteral("training/l1Mode")};
const Setting<double> dropout{QStringLiteral("training/dropout")};
const Setting<QString> compare{QStringLiteral("training/compare")};
const Setting<double> pace{QStringLiteral("training/pace")};
const Setting<int> epochLimit{QStringLiteral("training/epochLimit")};

const Setting<QString> pruneBy{QStringLiteral("compression/pruneBy")};
const Setting<double> threshold{QStringLiteral("compression/threshold")};
const Setting<double> targetSparsity{QStringLiteral("compression/targetSparsity")};
const Setting<QString> pruneScope{QStringLiteral("compression/scope")};
const Setting<QString> precision{QStringLiteral("compression/precision")}; // the ladder's label, e.g. "int8"
const Setting<QString> granularity{QStringLiteral("compression/granularity")};
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
// The value a stored name names, by the core's fromString; the fallback for anything else.
template <typename Enum, typename Parse>
Enum named(const QString& name, Parse&& parse, Enum fallback)
{
    try {
        return parse(name.toStdString());
    } catch (const ConfigError&) {
        return fallback;
    }
}
template <typename Enum, std::size_t N>
auto fromTable(const EnumName<Enum> (&table)[N])
{
    return [&table](const std::string& name) { return enumFromString(table, name, "setting"); };
}
template <typename Enum, std::size_t N>
QString nameIn(const EnumName<Enum> (&table)[N], Enum value)
{
    return QString::fromStdString(enumToString(table, value, "setting"));
}
// A ladder label; a number is an index, as settings written before labels kept it.
int precisionIndexFrom(const QString& stored, int fallback)
{
    const std::vector<PrecisionStop>& ladder = precisionLadder();
    bool isIndex = false;
    const int index = stored.toInt(&isIndex);
    if (isIndex)
        return std::clamp(index, 0, static_cast<int>(ladder.size()) - 1);
    for (std::size_t i = 0; i < ladder.size(); ++i)
        if (stored.toStdString() == ladder[i].label)
            return static_cast<int>(i);
    return fallback;
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
    const QString dataset = keys::dataset.get(m_settings, QString::fromStdString(defaults.dataset.nameOrPath));
    bool known = false;
    for (const auto& choice : datasetChoices())
        known = known || choice.key == dataset;
    const bool usable = known ? (dataset != QStringLiteral("fashion-mnist") || fashionMnistAvailable())
                              : QFileInfo::exists(dataset);
    s.dataset.nameOrPath = (usable ? dataset : QString::fromStdString(defaults.dataset.nameOrPath)).toStdString();
    s.dataset.samples = std::clamp(keys::samples.get(m_settings, defaults.dataset.samples), 20, 100000);
    s.dataset.noise = finiteIn(keys::noise.get(m_settings, defaults.dataset.noise), 0.0, 2.0, defaults.dataset.noise);
    s.dataset.classes = std::clamp(keys::classes.get(m_settings, defaults.dataset.classes), 2, 10);
    s.dataset.seed = keys::dataSeed.get(m_settings, defaults.dataset.seed);
    s.dataset.testFraction = finiteIn(keys::testFraction.get(m_settings, defaults.dataset.testFraction), 0.05, 0.6, defaults.dataset.testFraction);
    if (!isGenerator(QString::fromStdString(s.dataset.nameOrPath))) {
        s.dataset.samples = 0;
        s.dataset.noise = -1.0;
    }
    try {
        s.model.hidden = hiddenFromText(keys::hidden.get(m_settings, hiddenToText(defaults.model.hidden)));
    } catch (const std::exception&) {
        s.model.hidden = defaults.model.hidden;
    }
    s.model.activation = named(keys::activation.get(m_settings), activationFromString, defaults.model.activation);
    s.model.seed = keys::modelSeed.get(m_settings, defaults.model.seed);
    s.optimizer = named(keys::optimizer.get(m_settings), optimizerFromString, defaults.optimizer);
    s.learningRate = finiteIn(keys::learningRate.get(m_settings, defaults.learningRate), 1e-6, 10.0, defaults.learningRate);
    s.batchSize = std::clamp(keys::batch.get(m_settings, defaults.batchSize), 1, 4096);
    s.lambda = finiteIn(keys::lambda.get(m_settings, defaults.lambda), 0.0, 10.0, defaults.lambda);
    s.alpha = finiteIn(keys::alpha.get(m_settings, defaults.alpha), 0.0, 1.0, defaults.alpha);
    s.l1Mode = named(keys::l1Mode.get(m_settings), l1ModeFromString, defaults.l1Mode);
    s.dropout = finiteIn(keys::dropout.get(m_settings, defaults.dropout), 0.0, 0.9, defaults.dropout);
    s.compare = named(keys::compare.get(m_settings), fromTable(kComparisonNames), defaults.compare);
    s.pace = finiteIn(keys::pace.get(m_settings, defaults.pace), 0.0, 1000.0, defaults.pace);
    s.epochLimit = std::clamp(keys::epochLimit.get(m_settings, defaults.epochLimit), 0, 100000);
    s.pruneBy = named(keys::pruneBy.get(m_settings), fromTable(kPruningCriterionNames), defaults.pruneBy);
    s.threshold = finiteIn(keys::threshold.get(m_settings, defaults.threshold), 0.0, 1e6, defaults.threshold);
    s.targetSparsity = finiteIn(keys::targetSparsity.get(m_settings, defaults.targetSparsity), 0.0, 0.999, defaults.targetSparsity);
    s.pruneScope = named(keys::pruneScope.get(m_settings), pruningScopeFromString, defaults.pruneScope);
    s.precisionIndex = precisionIndexFrom(keys::precision.get(m_settings), defaults.precisionIndex);
    s.granularity = named(keys::granularity.get(m_settings), fromTable(kGranularityNames), defaults.granularity);
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
    keys::activation.set(m_settings, QString::fromStdString(toString(s.model.activation)));
    keys::modelSeed.set(m_settings, static_cast<qulonglong>(s.model.seed));
    keys::optimizer.set(m_settings, nameIn(kOptimizerNames, s.optimizer));
    keys::learningRate.set(m_settings, s.learningRate);
    keys::batch.set(m_settings, s.batchSize);
    keys::lambda.set(m_settings, s.lambda);
    keys::alpha.set(m_settings, s.alpha);
    keys::l1Mode.set(m_settings, nameIn(kL1ModeNames, s.l1Mode));
    keys::dropout.set(m_settings, s.dropout);
    keys::compare.set(m_settings, nameIn(kComparisonNames, s.compare));
    keys::pace.set(m_settings, s.pace);
    keys::epochLimit.set(m_settings, s.epochLimit);
    keys::pruneBy.set(m_settings, nameIn(kPruningCriterionNames, s.pruneBy));
    keys::threshold.set(m_settings, s.threshold);
    keys::targetSparsity.set(m_settings, s.targetSparsity);
    keys::pruneScope.set(m_settings, nameIn(kPruningScopeNames, s.pruneScope));
    keys::precision.set(m_settings, QString::fromStdString(precisionLadder()[static_cast<std::size_t>(s.precisionIndex)].label));
    keys::granularity.set(m_settings, nameIn(kGranularityNames, s.granularity));
    emit controlsChanged();
}

} // namespace ss
