#pragma once
// Classification metrics as PRODUCT.md defines them: per class one-vs-rest; macro = plain
// mean over classes, weighted = mean weighted by support, micro = from pooled counts
// (equals accuracy for single-label data). A 0/0 is 0 and is flagged.

#include "common/Types.h"

#include <string>
#include <vector>

namespace ss {

class ConfusionMatrix {
public:
    explicit ConfusionMatrix(int classCount = 0);
    ConfusionMatrix(const Labels& truth, const Labels& predicted, int classCount);

    void add(int truth, int predicted, long count = 1);
    int classCount() const { return m_classes; }
    // Row = true class, column = predicted class.
    long count(int truth, int predicted) const { return m_counts[truth * m_classes + predicted]; }
    long total() const;
    long rowSum(int truth) const;     // support of the class
    long columnSum(int predicted) const;
    long correct() const;             // trace
    bool operator==(const ConfusionMatrix& other) const = default;

private:
    int m_classes;
    std::vector<long> m_counts;
};

struct ClassScores {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    long support = 0;
    long predicted = 0;        // how often the class was predicted
    bool noPredictions = false; // precision was 0/0
    bool noSupport = false;     // recall was 0/0
};

struct AveragedScores {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
};

// Which class a binary headline quotes as positive, and why.
struct PositiveClassChoice {
    enum class Rule {
        Chosen,   // the user's choice
        Named,    // the one class named 1 (against 0 or -1), true, yes, positive, pos, 正 or 阳性
        Minority, // the class with fewer samples
        Second,   // equal counts and no name decides: class 1, the class that sorts second
    };
    int index = 1;
    Rule rule = Rule::Second;
};

// The positive class when the user has not chosen one: the class whose name says it is
// positive (compared without case or surrounding spaces; "1" only against "0" or "-1", so
// that labels 1/2 are not decided by name), else the minority class by `classCounts`, else
// class 1. Binary only: classNames and classCounts have two entries.
PositiveClassChoice defaultPositiveClass(const std::vector<std::string>& classNames,
                                         const std::vector<long>& classCounts);
// "chosen", "named", "minority" or "second" (JSON) and the sentence the UI shows.
std::string positiveClassRuleName(PositiveClassChoice::Rule rule);
std::string positiveClassRuleText(PositiveClassChoice::Rule rule);

struct ClassificationReport {
    ConfusionMatrix confusion;
    double accuracy = 0;
    std::vector<ClassScores> perClass;
    AveragedScores macro;
    AveragedScores weighted;
    AveragedScores micro;
    // Binary tasks: the scores of the positive class, as usually quoted. classificationReport
    // sets class 1 (the class that sorts second) with rule Second; choosePositiveClass
    // picks another. toJson(report, names) resolves a report left at Second to
    // defaultPositiveClass, so every headline names a sensible class.
    bool binary = false;
    int positiveClass = 1;
    PositiveClassChoice::Rule positiveRule = PositiveClassChoice::Rule::Second;
    ClassScores positive;
};

ClassificationReport classificationReport(const ConfusionMatrix& confusion);
ClassificationReport classificationReport(const Labels& truth, const Labels& predicted, int classCount);
// Makes `positiveClass` the class the binary headline (`positive`) reports. Throws
// ConfigError for a report that is not binary or a class outside 0..1.
void choosePositiveClass(ClassificationReport& report, int positiveClass, PositiveClassChoice::Rule rule);

// Mean negative log-likelihood of the true class; probabilities clamped to [1e-15, 1].
// probabilities is classCount x samples.
double logLoss(const ConstMatrixRef& probabilities, const Labels& truth);

} // namespace ss
