#pragma once
// Classification metrics as PRODUCT.md defines them: per class one-vs-rest; macro = plain
// mean over classes, weighted = mean weighted by support, micro = from pooled counts
// (equals accuracy for single-label data). A 0/0 is 0 and is flagged.

#include "common/Types.h"

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

struct ClassificationReport {
    ConfusionMatrix confusion;
    double accuracy = 0;
    std::vector<ClassScores> perClass;
    AveragedScores macro;
    AveragedScores weighted;
    AveragedScores micro;
    // Binary tasks: the scores of the positive class (index 1) as usually quoted.
    bool binary = false;
    ClassScores positive;
};

ClassificationReport classificationReport(const ConfusionMatrix& confusion);
ClassificationReport classificationReport(const Labels& truth, const Labels& predicted, int classCount);

// Mean negative log-likelihood of the true class; probabilities clamped to [1e-15, 1].
// probabilities is classCount x samples.
double logLoss(const ConstMatrixRef& probabilities, const Labels& truth);

} // namespace ss
