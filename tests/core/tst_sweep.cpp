// Sweeps: grid size, cross-validation folds and statistics, L1 sparsity, fine-tuning, Pareto
// flags, cancel and progress, bad grids.
#include "common/Error.h"
#include "data/Generators.h"
#include "eval/Sweep.h"

#include <QtTest>

#include <atomic>
#include <set>
#include <string>
#include <vector>

using namespace ss;

namespace {

struct Data {
    Dataset train;
    Dataset test;
};

Data blobs()
{
    const Dataset all = generateBlobs(240, 0.8, 3, 5);
    const TrainTestSplit split = stratifiedSplit(all, 0.25, 6);
    return {split.train, split.test};
}

SweepOptions smallOptions()
{
    SweepOptions options;
    options.architecture.hidden = {8};
    options.architecture.hiddenActivation = Activation::Tanh;
    options.training.optimizer.kind = OptimizerKind::Adam;
    options.training.optimizer.learningRate = 0.02;
    options.training.batchSize = 16;
    options.training.seed = 3;
    options.epochs = 15;
    return options;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

private slots:
    void folds();
    void gridOnTestSet();
    void crossValidation();
    void fineTuningRecovers();
    void cancelKeepsFinishedLambdas();
    void badInput();
    void sizeLimits();
    void gridParsers();
    void gridParsersReadWhatTheAppAndCliBothTake();
};

void TestSweep::folds()
{
    Labels labels;
    for (int i = 0; i < 53; ++i)
        labels.push_back(i < 30 ? 0 : (i < 45 ? 1 : 2)); // 30, 15, 8
    const auto folds = stratifiedFolds(labels, 3, 4, 1);
    QCOMPARE(folds.size(), std::size_t(4));
    std::set<int> seen;
    for (const auto& fold : folds) {
        QVERIFY(fold.size() == 13 || fold.size() == 14);
        int perClass[3] = {0, 0, 0};
        for (int i : fold) {
            QVERIFY(seen.insert(i).second); // each sample in exactly one fold
            ++perClass[labels[static_cast<std::size_t>(i)]];
        }
        QVERIFY(perClass[0] >= 7 && perClass[0] <= 8);  // 30 / 4
        QVERIFY(perClass[1] >= 3 && perClass[1] <= 4);  // 15 / 4
        QVERIFY(perClass[2] == 2);                      // 8 / 4
    }
    QCOMPARE(seen.size(), std::size_t(53));
    QCOMPARE(stratifiedFolds(labels, 3, 4, 1), folds); // seeded
    QVERIFY(stratifiedFolds(labels, 3, 4, 2) != folds);
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedFolds(labels, 3, 1, 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedFolds(labels, 3, 60, 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedFolds(Labels{0, 5}, 3, 2, 1));
}

void TestSweep::gridOnTestSet()
{
    const Data data = blobs();
    SweepGrid grid;
    grid.l1 = {1e-4, 0.05};
    grid.l2 = {1e-3};
    grid.sparsities = {0.0, 0.5};
    grid.precisions = {QuantizationSpec::float32(), QuantizationSpec::parse("4")};
    QCOMPARE(grid.configurations(), 12);
    std::vector<double> progress;
    const SweepResult result = runSweep(data.train, &data.test, smallOptions(), grid, nullptr,
                                        [&](double f) { progress.push_back(f); });
    QCOMPARE(result.rows.size(), std::size_t(12));
    QCOMPARE(progress.size(), std::size_t(12));
    QCOMPARE(progress.back(), 1.0);
    QCOMPARE(QString::fromStdString(result.rows[0].penalty), QStringLiteral("l1"));
    QCOMPARE(QString::fromStdString(result.rows[11].penalty), QStringLiteral("l2"));
    bool anySparsityFront = false, anyEnergyFront = false;
    for (const SweepRow& row : result.rows) {
        QCOMPARE(row.folds, 1);
        QCOMPARE(row.accuracyStd, 0.0);
        QVERIFY(row.accuracy > 0.5);
        QVERIFY(row.sparsity >= row.targetSparsity - 0.02);
        QVERIFY(row.bytes > 0 && row.energyPj > 0);
        QVERIFY(row.seconds > 0);
        anySparsityFront = anySparsityFront || row.paretoSparsity;
        anyEnergyFront = anyEnergyFront || row.paretoEnergy;
    }
    QVERIFY(anySparsityFront && anyEnergyFront);
    // The strong proximal L1 run zeroes weights by itself (sparsity at target 0).
    QVERIFY(result.rows[4].lambda == 0.05 && result.rows[4].targetSparsity == 0.0);
    QVERIFY(result.rows[4].sparsity > result.rows[0].sparsity);
    // 4 bits takes fewer bytes than fp32 for the same model.
    QVERIFY(result.rows[1].bytes < result.rows[0].bytes);
    // Among the most accurate rows, the sparsest is on the sparsity front and the cheapest on
    // the energy front.
    double top = 0;
    for (const SweepRow& row : result.rows)
        top = std::max(top, row.accuracy);
    const SweepRow* sparsest = nullptr;
    const SweepRow* cheapest = nullptr;
    for (const SweepRow& row : result.rows) {
        if (row.accuracy != top)
            continue;
        if (!sparsest || row.sparsity > sparsest->sparsity)
            sparsest = &row;
        if (!cheapest || row.energyPj < cheapest->energyPj)
            cheapest = &row;
    }
    QVERIFY(sparsest->paretoSparsity);
    QVERIFY(cheapest->paretoEnergy);
}

void TestSweep::crossValidation()
{
    const Data data = blobs();
    SweepGrid grid;
    grid.l2 = {1e-3};
    grid.sparsities = {0.0, 0.8};
    SweepOptions options = smallOptions();
    options.folds = 3;
    const SweepResult result = runSweep(data.train, nullptr, options, grid);
    QCOMPARE(result.rows.size(), std::size_t(2));
    for (const SweepRow& row : result.rows) {
        QCOMPARE(row.folds, 3);
        QVERIFY(row.accuracy > 0.5);
        QVERIFY(row.accuracyStd > 0.0); // three different validation folds
        QVERIFY(row.accuracyStd < 0.2);
    }
    QVERIFY(std::abs(result.rows[1].sparsity - 0.8) < 0.02);
}

void TestSweep::fineTuningRecovers()
{
    const Data data = blobs();
    SweepGrid grid;
    grid.sparsities = {0.85};
    SweepOptions options = smallOptions();
    const SweepResult plain = runSweep(data.train, &data.test, options, grid);
    options.fineTuneEpochs = 10;
    const SweepResult tuned = runSweep(data.train, &data.test, options, grid);
    QCOMPARE(plain.rows.size(), std::size_t(1));
    QVERIFY(tuned.rows[0].accuracy >= plain.rows[0].accuracy);
    // The mask held during fine-tuning: the sparsity did not drop.
    QVERIFY(tuned.rows[0].sparsity >= 0.85 - 0.02);
    QCOMPARE(QString::fromStdString(tuned.rows[0].penalty), QStringLiteral("none"));
}

void TestSweep::cancelKeepsFinishedLambdas()
{
    const Data data = blobs();
    SweepGrid grid;
    grid.l1 = {1e-4, 1e-3, 1e-2};
    grid.precisions = {QuantizationSpec::float32(), QuantizationSpec::parse("8")};
    std::atomic<bool> cancel = false;
    int calls = 0;
    const SweepResult result = runSweep(data.train, &data.test, smallOptions(), grid, &cancel, [&](double) {
        if (++calls == 3)
            cancel = true; // during the second lambda
    });
    QVERIFY(result.cancelled);
    QCOMPARE(result.rows.size(), std::size_t(2)); // the first lambda's two precisions
}

void TestSweep::badInput()
{
    const Data data = blobs();
    SweepGrid grid;
    grid.l1 = {-1};
    QVERIFY_THROWS_EXCEPTION(ConfigError, runSweep(data.train, &data.test, smallOptions(), grid));
    grid.l1 = {};
    grid.sparsities = {1.2};
    QVERIFY_THROWS_EXCEPTION(ConfigError, runSweep(data.train, &data.test, smallOptions(), grid));
    grid.sparsities = {};
    QVERIFY_THROWS_EXCEPTION(ConfigError, runSweep(data.train, &data.test, smallOptions(), grid));
    grid = SweepGrid{};
    QVERIFY_THROWS_EXCEPTION(ConfigError, runSweep(data.train, nullptr, smallOptions(), grid)); // no test, no folds
    SweepOptions options = smallOptions();
    options.folds = 1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, runSweep(data.train, &data.test, options, grid));
    options = smallOptions();
    options.training.optimizer.learningRate = -1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, runSweep(data.train, &data.test, options, grid));
}

namespace {

// The ConfigError's message, or "" when nothing was thrown.
template <typename Call>
std::string refusal(Call&& call)
{
    try {
        call();
    } catch (const ConfigError& error) {
        return error.what();
    }
    return {};
}

bool mentions(const std::string& message, const std::vector<std::string>& parts)
{
    for (const std::string& part : parts)
        if (message.find(part) == std::string::npos)
            return false;
    return true;
}

} // namespace

// Every size that scales a sweep's time or memory has a stated limit, checked (and named in
// the message) before anything is trained: runSweep throws at once on grids that would run
// for days.
void TestSweep::sizeLimits()
{
    const Data data = blobs();
    const SweepOptions options = smallOptions();
    std::string message;

    SweepGrid grid;
    grid.l1.assign(kMaxSweepListValues, 0.01);
    QVERIFY_THROWS_NO_EXCEPTION(grid.validate());
    grid.l1.push_back(0.01);
    message = refusal([&] { runSweep(data.train, &data.test, options, grid); });
    QVERIFY2(mentions(message, {"L1", std::to_string(kMaxSweepListValues + 1), std::to_string(kMaxSweepListValues)}),
             message.c_str());
    grid = SweepGrid{};
    grid.sparsities.assign(kMaxSweepListValues + 1, 0.5);
    QVERIFY2(mentions(refusal([&] { grid.validate(); }), {"sparsities"}), "sparsities");
    grid = SweepGrid{};
    grid.precisions.assign(kMaxSweepListValues + 1, QuantizationSpec::integer(8));
    QVERIFY2(mentions(refusal([&] { grid.validate(); }), {"precisions"}), "precisions");

    // Configurations: lambdas x sparsities x precisions, each list within its own limit.
    grid = SweepGrid{};
    grid.l1.assign(100, 0.01);
    grid.sparsities.assign(10, 0.5);
    grid.precisions.assign(10, QuantizationSpec::float32());
    QCOMPARE(long(grid.configurations()), kMaxSweepConfigurations);
    QVERIFY_THROWS_NO_EXCEPTION(grid.validate());
    grid.l2 = {0.01};
    message = refusal([&] { runSweep(data.train, &data.test, options, grid); });
    QVERIFY2(mentions(message, {"10100 configurations", std::to_string(kMaxSweepConfigurations)}), message.c_str());

    // Folds.
    grid = SweepGrid{};
    SweepOptions folded = options;
    folded.folds = kMaxSweepFolds + 1;
    message = refusal([&] { runSweep(data.train, &data.test, folded, grid); });
    QVERIFY2(mentions(message, {"folds", std::to_string(kMaxSweepFolds + 1), std::to_string(kMaxSweepFolds)}),
             message.c_str());
    folded.epochs = kMaxEpochs + 1;
    folded.folds = 0;
    QVERIFY2(mentions(refusal([&] { folded.validate(); }), {std::to_string(kMaxEpochs + 1)}), "epochs");

    // Models trained: lambdas x folds x (1 + fine-tuned sparsities).
    grid.l1.assign(500, 0.01);
    folded = options;
    folded.folds = 20;
    QCOMPARE(sweepTrainedModels(grid, folded), kMaxSweepTrainedModels);
    QVERIFY_THROWS_NO_EXCEPTION(checkSweepSize(grid, folded));
    folded.folds = 21;
    message = refusal([&] { runSweep(data.train, &data.test, folded, grid); });
    QVERIFY2(mentions(message, {"10500 models", std::to_string(kMaxSweepTrainedModels)}), message.c_str());
    folded.folds = 10;
    folded.fineTuneEpochs = 2;
    grid.sparsities = {0.0, 0.5};                     // one fine-tuned sparsity: 500 x 10 x 2
    QCOMPARE(sweepTrainedModels(grid, folded), 10'000L);
    QVERIFY_THROWS_NO_EXCEPTION(checkSweepSize(grid, folded));
    grid.sparsities = {0.0, 0.5, 0.9};                // 500 x 10 x 3
    QVERIFY2(mentions(refusal([&] { checkSweepSize(grid, folded); }), {"15000 models"}), "fine-tuning");
    folded.fineTuneEpochs = 0;                        // no fine-tuning: 500 x 10
    QCOMPARE(sweepTrainedModels(grid, folded), 5000L);
}

void TestSweep::gridParsers()
{
    const std::vector<double> range = parseLambdaList("1e-4:1e-1:4");
    QCOMPARE(range.size(), std::size_t(4));
    const double expected[] = {1e-4, 1e-3, 1e-2, 1e-1};
    for (int i = 0; i < 4; ++i)
        QVERIFY(std::abs(range[static_cast<std::size_t>(i)] / expected[i] - 1) < 1e-12);
    QCOMPARE(parseLambdaList("0, 0.5,2"), std::vector<double>({0.0, 0.5, 2.0}));
    QCOMPARE(parseSparsityList("0,0.5, 90%"), std::vector<double>({0.0, 0.5, 0.9}));
    const auto precisions = parsePrecisionList("32,fp16,4-row,binary");
    QCOMPARE(precisions.size(), std::size_t(4));
    QCOMPARE(QString::fromStdString(precisions[2].label()), QStringLiteral("int4 per row"));
    for (const char* bad : {"", "1e-4:1e-1", "0:1:3", "1e-4:1e-1:2.5", "1e-4:1e-1:1", "abc", "1,,2", "-1", "1,"})
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseLambdaList(bad));
    for (const char* bad : {"", "1.5", "120%", "x%", "0.5;0.6"})
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseSparsityList(bad));
    QVERIFY_THROWS_EXCEPTION(ConfigError, parsePrecisionList("8,int12"));
    try {
        parseSparsityList("0.5,abc");
        QFAIL("no exception");
    } catch (const ConfigError& error) {
        QVERIFY(std::string(error.what()).find("'abc'") != std::string::npos);
    }
}

// The sweep dialog and `sparsescope sweep` hand their text to these parsers: "90%" must mean
// 0.9 in both, and space-separated lists (the dialog's habit) must read as comma lists do.
void TestSweep::gridParsersReadWhatTheAppAndCliBothTake()
{
    QCOMPARE(parseSparsityList("90%"), std::vector<double>({0.9}));
    QCOMPARE(parseSparsityList("0.9"), std::vector<double>({0.9}));
    QCOMPARE(parseSparsityList("50% 90%"), std::vector<double>({0.5, 0.9}));
    QCOMPARE(parseLambdaList("1e-4, 1e-3 0.01"), std::vector<double>({1e-4, 1e-3, 0.01}));
    QCOMPARE(parseLambdaList(" 0.5 "), std::vector<double>({0.5}));
    QCOMPARE(parseLambdaList("1e-3:1e-1:3").size(), std::size_t(3));
    const auto perRow = parsePrecisionList("fp32 int8, ternary", QuantizationSpec::Granularity::PerRow);
    QCOMPARE(perRow.size(), std::size_t(3));
    QCOMPARE(QString::fromStdString(perRow[0].label()), QStringLiteral("fp32")); // floats have no rows to scale
    QCOMPARE(QString::fromStdString(perRow[1].label()), QStringLiteral("int8 per row"));
    QCOMPARE(QString::fromStdString(perRow[2].label()), QStringLiteral("ternary")); // "integer formats per row"
    QCOMPARE(QString::fromStdString(parsePrecisionList("ternary-row")[0].label()), QStringLiteral("ternary per row"));
    QCOMPARE(QString::fromStdString(parsePrecisionList("int8")[0].label()), QStringLiteral("int8"));
    for (const char* bad : {"1, ,2", "90%%", "0.9x", " "})
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseSparsityList(bad));
    try {
        parseSparsityList("10%, ninety");
        QFAIL("no exception");
    } catch (const ConfigError& error) {
        QCOMPARE(QString::fromUtf8(error.what()),
                 QStringLiteral("sparsity list: 'ninety' in '10%, ninety' is not a number"));
    }
    try {
        parseLambdaList("1e-3:1e-1");
        QFAIL("no exception");
    } catch (const ConfigError& error) {
        QVERIFY(std::string(error.what()).find("should be A:B:N") != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
