#include "metrics/Metrics.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ss {

ConfusionMatrix::ConfusionMatrix(int classCount)
    : m_classes(classCount)
    , m_counts(static_cast<std::size_t>(classCount) * classCount, 0)
{
    if (classCount < 0)
        throw ConfigError("ConfusionMatrix: class count " + std::to_string(classCount) + " is negative");
}

ConfusionMatrix::ConfusionMatrix(const Labels& truth, const Labels& predicted, int classCount)
    : ConfusionMatrix(classCount)
{
    if (truth.size() != predicted.size())
        throw ConfigError("ConfusionMatrix: " + std::to_string(truth.size()) + " true labels but "
                          + std::to_string(predicted.size()) + " predictions");
    for (std::size_t i = 0; i < truth.size(); ++i)
        add(truth[i], predicted[i]);
}

void ConfusionMatrix::add(int truth, int predicted, long count)
{
    if (truth < 0 || truth >= m_classes || predicted < 0 || predicted >= m_classes)
        throw ConfigError("ConfusionMatrix: label pair (" + std::to_string(truth) + ", " + std::to_string(predicted)
                          + ") outside 0.." + std::to_string(m_classes - 1));
    m_counts[static_cast<std::size_t>(truth) * m_classes + predicted] += count;
}

long ConfusionMatrix::total() const
{
    long sum = 0;
    for (long c : m_counts)
        sum += c;
    return sum;
}

long ConfusionMatrix::rowSum(int truth) const
{
    long sum = 0;
    for (int p = 0; p < m_classes; ++p)
        sum += count(truth, p);
    return sum;
}

long ConfusionMatrix::columnSum(int predicted) const
{
    long sum = 0;
    for (int t = 0; t < m_classes; ++t)
        sum += count(t, predicted);
    return sum;
}

long ConfusionMatrix::correct() const
{
    long sum = 0;
    for (int c = 0; c < m_classes; ++c)
        sum += count(c, c);
    return sum;
}

namespace {

// A 0/0 ratio is defined as 0; callers flag it separately.
double ratio(long numerator, long denominator)
{
    return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

double harmonicMean(double precision, double recall)
{
    return precision + recall == 0.0 ? 0.0 : 2.0 * precision * recall / (precision + recall);
}

} // namespace

ClassificationReport classificationReport(const ConfusionMatrix& confusion)
{
    ClassificationReport report;
    report.confusion = confusion;
    const int k = confusion.classCount();
    const long total = confusion.total();
    report.accuracy = ratio(confusion.correct(), total);
    report.binary = (k == 2);

    long pooledTp = 0, pooledFp = 0, pooledFn = 0;
    report.perClass.resize(static_cast<std::size_t>(k));
    for (int c = 0; c < k; ++c) {
        ClassScores& s = report.perClass[static_cast<std::size_t>(c)];
        const long tp = confusion.count(c, c);
        s.support = confusion.rowSum(c);
        s.predicted = confusion.columnSum(c);
        s.noPredictions = (s.predicted == 0);
        s.noSupport = (s.support == 0);
        s.precision = ratio(tp, s.predicted);
        s.recall = ratio(tp, s.support);
        s.f1 = harmonicMean(s.precision, s.recall);
        pooledTp += tp;
        pooledFp += s.predicted - tp;
        pooledFn += s.support - tp;

        report.macro.precision += s.precision;
        report.macro.recall += s.recall;
        report.macro.f1 += s.f1;
        const double weight = ratio(s.support, total);
        report.weighted.precision += weight * s.precision;
        report.weighted.recall += weight * s.recall;
        report.weighted.f1 += weight * s.f1;
    }
    if (k > 0) {
        report.macro.precision /= k;
        report.macro.recall /= k;
        report.macro.f1 /= k;
    }
    report.micro.precision = ratio(pooledTp, pooledTp + pooledFp);
    report.micro.recall = ratio(pooledTp, pooledTp + pooledFn);
    report.micro.f1 = harmonicMean(report.micro.precision, report.micro.recall);
    if (report.binary)
        report.positive = report.perClass[1];
    return report;
}

ClassificationReport classificationReport(const Labels& truth, const Labels& predicted, int classCount)
{
    return classificationReport(ConfusionMatrix(truth, predicted, classCount));
}

void choosePositiveClass(ClassificationReport& report, int positiveClass, PositiveClassChoice::Rule rule)
{
    if (!report.binary)
        throw ConfigError("positive class: only a binary report has one (this one has "
                          + std::to_string(report.perClass.size()) + " classes)");
    if (positiveClass < 0 || positiveClass > 1)
        throw ConfigError("positive class: expected class 0 or 1, got " + std::to_string(positiveClass));
    report.positiveClass = positiveClass;
    report.positiveRule = rule;
    report.positive = report.perClass[static_cast<std::size_t>(positiveClass)];
}

namespace {

// Lower-cased ASCII letters, surrounding spaces removed; other bytes (UTF-8) kept as they are.
std::string normalisedName(const std::string& name)
{
    const std::size_t first = name.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const std::size_t last = name.find_last_not_of(" \t\r\n");
    std::string out = name.substr(first, last - first + 1);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool namesPositive(const std::string& name, const std::string& other)
{
    if (name == "1" || name == "+1" || name == "1.0")
        return other == "0" || other == "-1" || other == "0.0" || other == "-1.0";
    for (const char* word : {"true", "yes", "y", "positive", "pos", "+", "正", "阳性", "陽性"})
        if (name == word)
            return true;
    return false;
}

} // namespace

PositiveClassChoice defaultPositiveClass(const std::vector<std::string>& classNames,
                                         const std::vector<long>& classCounts)
{
    PositiveClassChoice choice;
    if (classNames.size() == 2) {
        const std::string a = normalisedName(classNames[0]), b = normalisedName(classNames[1]);
        const bool first = namesPositive(a, b), second = namesPositive(b, a);
        if (first != second) {
            choice.index = first ? 0 : 1;
            choice.rule = PositiveClassChoice::Rule::Named;
            return choice;
        }
    }
    if (classCounts.size() == 2 && classCounts[0] != classCounts[1]) {
        choice.index = classCounts[0] < classCounts[1] ? 0 : 1;
        choice.rule = PositiveClassChoice::Rule::Minority;
    }
    return choice;
}

std::string positiveClassRuleName(PositiveClassChoice::Rule rule)
{
    switch (rule) {
    case PositiveClassChoice::Rule::Chosen: return "chosen";
    case PositiveClassChoice::Rule::Named: return "named";
    case PositiveClassChoice::Rule::Minority: return "minority";
    case PositiveClassChoice::Rule::Second: return "second";
    }
    return "second";
}

std::string positiveClassRuleText(PositiveClassChoice::Rule rule)
{
    switch (rule) {
    case PositiveClassChoice::Rule::Chosen: return "chosen by the user";
    case PositiveClassChoice::Rule::Named: return "its name says positive";
    case PositiveClassChoice::Rule::Minority: return "the minority class";
    case PositiveClassChoice::Rule::Second: return "the second class (equal counts, no name decides)";
    }
    return {};
}

double logLoss(const ConstMatrixRef& probabilities, const Labels& truth)
{
    if (static_cast<std::size_t>(probabilities.cols()) != truth.size())
        throw ConfigError("logLoss: " + std::to_string(probabilities.cols()) + " probability columns but "
                          + std::to_string(truth.size()) + " labels");
    if (truth.empty())
        return 0.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const int label = truth[i];
        if (label < 0 || label >= probabilities.rows())
            throw ConfigError("logLoss: label " + std::to_string(label) + " outside 0.."
                              + std::to_string(probabilities.rows() - 1));
        const double p = std::clamp(static_cast<double>(probabilities(label, static_cast<Eigen::Index>(i))), 1e-15, 1.0);
        sum -= std::log(p);
    }
    return sum / static_cast<double>(truth.size());
}

} // namespace ss
