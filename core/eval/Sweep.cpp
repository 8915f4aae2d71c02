#include "eval/Sweep.h"

#include "common/Error.h"
#include "common/Random.h"
#include "eval/InstantEvaluator.h"
#include "eval/Pareto.h"
#include "nn/Trainer.h"

#include <charconv>
#include <chrono>
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

namespace ss {

namespace {

using Clock = std::chrono::steady_clock;

std::string text(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

struct Penalty {
    std::string name;
    double lambda = 0;
};

std::vector<Penalty> penaltiesOf(const SweepGrid& grid)
{
    std::vector<Penalty> penalties;
    for (double lambda : grid.l1)
        penalties.push_back({"l1", lambda});
    for (double lambda : grid.l2)
        penalties.push_back({"l2", lambda});
    if (penalties.empty())
        penalties.push_back({"none", 0.0});
    return penalties;
}

// What one fold contributes to a row.
struct Measurement {
    double accuracy = 0;
    double macroF1 = 0;
    double sparsity = 0;
    long parameters = 0;
    long nonZeroParameters = 0;
    long bytes = 0;
    double energyPj = 0;
    double seconds = 0;
    bool diverged = false;
};

double mean(const std::vector<double>& values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

double sampleStd(const std::vector<double>& values)
{
    if (values.size() < 2)
        return 0.0;
    const double m = mean(values);
    double squares = 0;
    for (double v : values)
        squares += (v - m) * (v - m);
    return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

SweepRow aggregate(const Penalty& penalty, double sparsity, const QuantizationSpec& precision,
                   const std::vector<Measurement>& folds, bool crossValidated)
{
    SweepRow row;
    row.penalty = penalty.name;
    row.lambda = penalty.lambda;
    row.targetSparsity = sparsity;
    row.precision = precision;
    row.folds = crossValidated ? static_cast<int>(folds.size()) : 1;
    std::vector<double> accuracy, f1, zeros, parameters, nonZero, bytes, energy;
    for (const Measurement& m : folds) {
        accuracy.push_back(m.accuracy);
        f1.push_back(m.macroF1);
        zeros.push_back(m.sparsity);
        parameters.push_back(static_cast<double>(m.parameters));
        nonZero.push_back(static_cast<double>(m.nonZeroParameters));
        bytes.push_back(static_cast<double>(m.bytes));
        energy.push_back(m.energyPj);
        row.seconds += m.seconds;
        row.diverged = row.diverged || m.diverged;
    }
    row.accuracy = mean(accuracy);
    row.accuracyStd = sampleStd(accuracy);
    row.macroF1 = mean(f1);
    row.macroF1Std = sampleStd(f1);
    row.sparsity = mean(zeros);
    row.parameters = std::lround(mean(parameters));
    row.nonZeroParameters = std::lround(mean(nonZero));
    row.bytes = std::lround(mean(bytes));
    row.energyPj = mean(energy);
    return row;
}

} // namespace

void SweepGrid::validate() const
{
    const auto checkLength = [](const char* what, std::size_t size) {
        if (size > kMaxSweepListValues)
            throw ConfigError(std::string("sweep: ") + what + " has " + std::to_string(size) + " values, more than the "
                              + std::to_string(kMaxSweepListValues) + " a sweep takes");
    };
    checkLength("the L1 lambda list", l1.size());
    checkLength("the L2 lambda list", l2.size());
    checkLength("the list of target sparsities", sparsities.size());
    checkLength("the list of precisions", precisions.size());
    for (double lambda : l1)
        if (!(lambda >= 0.0) || !std::isfinite(lambda))
            throw ConfigError("sweep: L1 lambda must be a finite number >= 0, got " + text(lambda));
    for (double lambda : l2)
        if (!(lambda >= 0.0) || !std::isfinite(lambda))
            throw ConfigError("sweep: L2 lambda must be a finite number >= 0, got " + text(lambda));
    if (sparsities.empty())
        throw ConfigError("sweep: the list of target sparsities is empty");
    for (double s : sparsities)
        if (!(s >= 0.0 && s <= 1.0))
            throw ConfigError("sweep: target sparsity must be in [0, 1], got " + text(s));
    if (precisions.empty())
        throw ConfigError("sweep: the list of precisions is empty");
    for (const QuantizationSpec& p : precisions)
        if (p.format == QuantizationSpec::Format::Int && (p.bits < 1 || p.bits > 8))
            throw ConfigError("sweep: integer precision must have 1..8 bits, got " + std::to_string(p.bits));
    // The lists are short enough by now for the product to fit a long.
    const long count = static_cast<long>(std::max<std::size_t>(1, l1.size() + l2.size()) * sparsities.size()
                                         * precisions.size());
    if (count > kMaxSweepConfigurations)
        throw ConfigError("sweep: the grid has " + std::to_string(count) + " configurations (lambdas x sparsities x "
                          "precisions), more than the " + std::to_string(kMaxSweepConfigurations) + " a sweep takes");
}

int SweepGrid::trainingRuns() const
{
    return static_cast<int>(std::max<std::size_t>(1, l1.size() + l2.size()));
}

int SweepGrid::configurations() const
{
    return trainingRuns() * static_cast<int>(sparsities.size() * precisions.size());
}

void SweepOptions::validate() const
{
    training.validate();
    if (epochs < 0 || epochs > kMaxEpochs)
        throw ConfigError("sweep: epochs must be from 0 to " + std::to_string(kMaxEpochs) + ", got "
                          + std::to_string(epochs));
    if (fineTuneEpochs < 0 || fineTuneEpochs > kMaxEpochs)
        throw ConfigError("sweep: fine-tune epochs must be from 0 to " + std::to_string(kMaxEpochs) + ", got "
                          + std::to_string(fineTuneEpochs));
    if (folds == 1 || folds < 0 || folds > kMaxSweepFolds)
        throw ConfigError("sweep: folds must be 0 (use the test set) or from 2 to " + std::to_string(kMaxSweepFolds)
                          + ", got " + std::to_string(folds));
}

long sweepTrainedModels(const SweepGrid& grid, const SweepOptions& options)
{
    const long fineTuned = options.fineTuneEpochs > 0
        ? static_cast<long>(std::count_if(grid.sparsities.begin(), grid.sparsities.end(), [](double s) { return s > 0.0; }))
        : 0;
    return static_cast<long>(grid.trainingRuns()) * std::max(1, options.folds) * (1 + fineTuned);
}

void checkSweepSize(const SweepGrid& grid, const SweepOptions& options)
{
    grid.validate();
    options.validate();
    const long models = sweepTrainedModels(grid, options);
    if (models > kMaxSweepTrainedModels)
        throw ConfigError("sweep: it would train " + std::to_string(models) + " models (lambdas x folds x (1 + fine-tuned "
                          "sparsities)), more than the " + std::to_string(kMaxSweepTrainedModels) + " a sweep takes");
}

std::vector<std::vector<int>> stratifiedFolds(const Labels& labels, int classCount, int folds, std::uint64_t seed)
{
    if (folds < 2)
        throw ConfigError("cross-validation: need at least 2 folds, got " + std::to_string(folds));
    if (static_cast<std::size_t>(folds) > labels.size())
        throw ConfigError("cross-validation: " + std::to_string(folds) + " folds but only "
                          + std::to_string(labels.size()) + " samples");
    std::vector<std::vector<int>> byClass(static_cast<std::size_t>(std::max(classCount, 0)));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const int label = labels[i];
        if (label < 0 || label >= classCount)
            throw ConfigError("cross-validation: label " + std::to_string(label) + " outside 0.."
                              + std::to_string(classCount - 1));
        byClass[static_cast<std::size_t>(label)].push_back(static_cast<int>(i));
    }
    Random random(seed);
    std::vector<std::vector<int>> result(static_cast<std::size_t>(folds));
    std::size_t next = 0;
    for (std::vector<int>& members : byClass) {
        random.shuffle(members);
        for (int index : members) {
            result[next].push_back(index);
            next = (next + 1) % result.size();
        }
    }
    for (std::vector<int>& fold : result)
        std::sort(fold.begin(), fold.end());
    return result;
}

SweepResult runSweep(const Dataset& train, const Dataset* test, const SweepOptions& options, const SweepGrid& grid,
                     const std::atomic<bool>* cancel, const ProgressCallback& onProgress)
{
    checkSweepSize(grid, options);
    train.validate();
    const bool crossValidated = options.folds >= 2;
    if (!crossValidated && !test)
        throw ConfigError("sweep: no test set and no cross-validation folds");
    if (test && (test->featureCount() != train.featureCount() || test->classCount() != train.classCount()))
        throw ConfigError("sweep: the test set has " + std::to_string(test->featureCount()) + " features and "
                          + std::to_string(test->classCount()) + " classes, the training set "
                          + std::to_string(train.featureCount()) + " and " + std::to_string(train.classCount()));
    Architecture architecture = options.architecture;
    architecture.inputs = train.featureCount();
    architecture.classes = train.classCount();

    // The (train, measure) pairs: k folds, or the training and test sets. A fold's copy of the
    // data is made when it is trained, so that memory holds one fold whatever k is.
    struct Split {
        Dataset fit;
        Dataset measure;
    };
    const std::vector<std::vector<int>> folds = crossValidated
        ? stratifiedFolds(train.labels, train.classCount(), options.folds, options.training.seed)
        : std::vector<std::vector<int>>{};
    const std::size_t splitCount = crossValidated ? folds.size() : 1;
    const auto foldSplit = [&](std::size_t f) {
        std::vector<int> rest;
        for (std::size_t g = 0; g < folds.size(); ++g)
            if (g != f)
                rest.insert(rest.end(), folds[g].begin(), folds[g].end());
        std::sort(rest.begin(), rest.end());
        return Split{train.subset(rest), train.subset(folds[f])};
    };

    const std::vector<Penalty> penalties = penaltiesOf(grid);
    const long total = static_cast<long>(penalties.size() * splitCount * grid.sparsities.size()
                                         * grid.precisions.size());
    long done = 0;
    const auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    SweepResult result;

    for (const Penalty& penalty : penalties) {
        TrainingConfig config = options.training;
        config.regularization.l1 = penalty.name == "l1" ? penalty.lambda : 0.0;
        config.regularization.l2 = penalty.name == "l2" ? penalty.lambda : 0.0;
        config.reportEverySteps = 0;
        // measurements[sparsity][precision][fold]
        std::vector<std::vector<std::vector<Measurement>>> measurements(
            grid.sparsities.size(), std::vector<std::vector<Measurement>>(grid.precisions.size()));
        for (std::size_t f = 0; f < splitCount; ++f) {
            if (cancelled()) {
                result.cancelled = true;
                markParetoFronts(result.rows);
                return result;
            }
            std::optional<Split> fold;
            if (crossValidated)
                fold = foldSplit(f);
            const Dataset& fit = crossValidated ? fold->fit : train;
            const Dataset& measure = crossValidated ? fold->measure : *test;
            const auto trainStart = Clock::now();
            Network network(architecture, options.training.seed);
            bool diverged = false;
            {
                Trainer trainer(network, fit, nullptr, config);
                const TrainingResult outcome = trainer.train(options.epochs, cancel);
                if (outcome.outcome == TrainingOutcome::Cancelled) {
                    result.cancelled = true;
                    markParetoFronts(result.rows);
                    return result;
                }
                diverged = outcome.outcome == TrainingOutcome::Diverged;
            }
            const double trainSeconds = std::chrono::duration<double>(Clock::now() - trainStart).count();
            for (std::size_t s = 0; s < grid.sparsities.size(); ++s) {
                if (cancelled()) {
                    result.cancelled = true;
                    markParetoFronts(result.rows);
                    return result;
                }
                const auto tuneStart = Clock::now();
                Network pruned = network;
                prune(pruned, PruningSpec::sparsity(grid.sparsities[s], options.scope));
                bool tuneDiverged = false;
                if (options.fineTuneEpochs > 0 && grid.sparsities[s] > 0.0) {
                    Trainer trainer(pruned, fit, nullptr, config);
                    const TrainingResult outcome = trainer.train(options.fineTuneEpochs, cancel);
                    if (outcome.outcome == TrainingOutcome::Cancelled) {
                        result.cancelled = true;
                        markParetoFronts(result.rows);
                        return result;
                    }
                    tuneDiverged = outcome.outcome == TrainingOutcome::Diverged;
                }
                const double tuneSeconds = std::chrono::duration<double>(Clock::now() - tuneStart).count();
                InstantEvaluator evaluator(pruned, measure, options.energy);
                for (std::size_t p = 0; p < grid.precisions.size(); ++p) {
                    if (cancelled()) {
                        result.cancelled = true;
                        markParetoFronts(result.rows);
                        return result;
                    }
                    const auto evaluateStart = Clock::now();
                    CompressionSetting setting;
                    setting.pruning = PruningSpec::sparsity(0.0); // the pruned model's masks hold the sparsity
                    setting.precision = grid.precisions[p];
                    const Evaluation e = evaluator.evaluate(setting);
                    Measurement m;
                    m.accuracy = e.report.accuracy;
                    m.macroF1 = e.report.macro.f1;
                    m.sparsity = e.weights.sparsity;
                    m.parameters = e.efficiency.parameters;
                    m.nonZeroParameters = e.efficiency.nonZeroParameters;
                    m.bytes = e.efficiency.bytesSmallest;
                    m.energyPj = e.efficiency.energyTotalPj;
                    m.diverged = diverged || tuneDiverged;
                    m.seconds = trainSeconds + tuneSeconds
                                + std::chrono::duration<double>(Clock::now() - evaluateStart).count();
                    measurements[s][p].push_back(m);
                    ++done;
                    if (onProgress)
                        onProgress(static_cast<double>(done) / static_cast<double>(total));
                }
            }
        }
        for (std::size_t s = 0; s < grid.sparsities.size(); ++s)
            for (std::size_t p = 0; p < grid.precisions.size(); ++p)
                result.rows.push_back(
                    aggregate(penalty, grid.sparsities[s], grid.precisions[p], measurements[s][p], crossValidated));
    }
    markParetoFronts(result.rows);
    return result;
}

void markParetoFronts(std::vector<SweepRow>& rows)
{
    std::vector<double> accuracy, sparsity, energy;
    for (const SweepRow& row : rows) {
        accuracy.push_back(row.accuracy);
        sparsity.push_back(row.sparsity);
        energy.push_back(row.energyPj);
    }
    const std::vector<bool> bySparsity = paretoFront(accuracy, sparsity, true);
    const std::vector<bool> byEnergy = paretoFront(accuracy, energy, false);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].paretoSparsity = bySparsity[i];
        rows[i].paretoEnergy = byEnergy[i];
    }
}

namespace {

// Items separated by commas, white space or both ("1e-4, 1e-3 0.01"). An empty item between
// two commas or after a last one is kept, so that the parsers refuse "1,,2" instead of reading "1,2".
std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> items;
    std::string part;
    std::istringstream parts(text);
    while (std::getline(parts, part, ',')) {
        std::istringstream words(part);
        std::string word;
        bool any = false;
        while (words >> word) {
            items.push_back(word);
            any = true;
        }
        if (!any)
            items.emplace_back();
    }
    if (!text.empty() && text.back() == ',')
        items.emplace_back();
    return items;
}

double parseNumber(const std::string& item, const std::string& what, const std::string& text)
{
    double value = 0;
    const auto result = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || result.ec != std::errc() || result.ptr != item.data() + item.size() || !std::isfinite(value))
        throw ConfigError(what + ": '" + item + "' in '" + text + "' is not a number");
    return value;
}

} // namespace

std::vector<double> parseLambdaList(const std::string& text)
{
    const std::string what = "lambda list";
    if (text.find(':') != std::string::npos) {
        std::vector<std::string> parts;
        std::string part;
        std::istringstream stream(text);
        while (std::getline(stream, part, ':'))
            parts.push_back(part);
        if (parts.size() != 3)
            throw ConfigError(what + ": '" + text + "' should be A:B:N");
        const double from = parseNumber(parts[0], what, text);
        const double to = parseNumber(parts[1], what, text);
        const double count = parseNumber(parts[2], what, text);
        if (!(from > 0.0) || !(to > 0.0))
            throw ConfigError(what + ": the ends of '" + text + "' must be > 0 (the range is logarithmic)");
        if (count < 2 || count > 1000 || count != std::floor(count))
            throw ConfigError(what + ": the count in '" + text + "' must be a whole number from 2 to 1000");
        std::vector<double> values;
        const int n = static_cast<int>(count);
        for (int i = 0; i < n; ++i)
            values.push_back(from * std::pow(to / from, static_cast<double>(i) / (n - 1)));
        values.back() = to;
        return values;
    }
    std::vector<double> values;
    for (const std::string& item : splitList(text)) {
        const double value = parseNumber(item, what, text);
        if (value < 0.0)
            throw ConfigError(what + ": '" + item + "' is negative");
        values.push_back(value);
    }
    if (values.empty())
        throw ConfigError(what + ": empty");
    return values;
}

std::vector<double> parseSparsityList(const std::string& text)
{
    const std::string what = "sparsity list";
    std::vector<double> values;
    for (std::string item : splitList(text)) {
        const bool percent = !item.empty() && item.back() == '%';
        if (percent)
            item.pop_back();
        double value = parseNumber(item, what, text);
        if (percent)
            value /= 100.0;
        if (!(value >= 0.0 && value <= 1.0))
            throw ConfigError(what + ": '" + item + (percent ? "%" : "") + "' is outside 0..1 (0..100%)");
        values.push_back(value);
    }
    if (values.empty())
        throw ConfigError(what + ": empty");
    return values;
}

std::vector<QuantizationSpec> parsePrecisionList(const std::string& text, QuantizationSpec::Granularity granularity)
{
    std::vector<QuantizationSpec> values;
    for (const std::string& item : splitList(text)) {
        QuantizationSpec spec = QuantizationSpec::parse(item);
        // The app's checkbox and --per-row say "integer formats": ternary and binary take "-row".
        if (granularity == QuantizationSpec::Granularity::PerRow && spec.format == QuantizationSpec::Format::Int)
            spec.granularity = granularity;
        values.push_back(spec);
    }
    if (values.empty())
        throw ConfigError("precision list: empty");
    return values;
}

} // namespace ss
