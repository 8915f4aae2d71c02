#include "nn/Loss.h"

#include "common/Error.h"

#include <cmath>
#include <string>

namespace ss {

namespace {

void checkShapes(const char* what, const ConstMatrixRef& logits, std::size_t labelCount, bool binary)
{
    if (binary && logits.rows() != 1)
        throw ConfigError(std::string(what) + ": binary logits must have 1 row, got " + std::to_string(logits.rows()));
    if (!binary && logits.rows() < 2)
        throw ConfigError(std::string(what) + ": categorical logits need >= 2 rows, got " + std::to_string(logits.rows()));
    if (static_cast<std::size_t>(logits.cols()) != labelCount)
        throw ConfigError(std::string(what) + ": " + std::to_string(logits.cols()) + " logit columns but "
                          + std::to_string(labelCount) + " labels");
}

void checkGradientShape(const char* what, const ConstMatrixRef& logits, const MatrixRef& gradient)
{
    if (gradient.rows() != logits.rows() || gradient.cols() != logits.cols())
        throw ConfigError(std::string(what) + ": gradient is " + std::to_string(gradient.rows()) + "x"
                          + std::to_string(gradient.cols()) + " but logits are " + std::to_string(logits.rows())
                          + "x" + std::to_string(logits.cols()));
}

[[noreturn]] void badLabel(const char* what, int label, Eigen::Index sample, Eigen::Index classes)
{
    throw ConfigError(std::string(what) + ": label " + std::to_string(label) + " of sample "
                      + std::to_string(sample) + " is outside [0, " + std::to_string(classes) + ")");
}

// softplus(z) - y*z without overflow: for large |z| exp(-|z|) underflows harmlessly to 0.
// The parts are exact in float except log1p(exp(-|z|)) (relative error ~1e-7); they are
// combined in double so that max(z,0) - y*z of +-1000 stays exact.
inline double binaryLoss(float z, int y)
{
    const double zd = z;
    const double tail = std::log1p(std::exp(-std::abs(z)));
    return std::max(zd, 0.0) - (y != 0 ? zd : 0.0) + tail;
}

// sigmoid written so that exp never overflows.
inline float stableSigmoid(float z)
{
    if (z >= 0.0f)
        return 1.0f / (1.0f + std::exp(-z));
    const float e = std::exp(z);
    return e / (1.0f + e);
}

template <bool WithGradient>
double binarySum(const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef* gradient, float scale)
{
    double sum = 0.0;
    for (Eigen::Index j = 0; j < logits.cols(); ++j) {
        const int y = labels[static_cast<std::size_t>(j)];
        if (y != 0 && y != 1)
            badLabel("binary cross-entropy", y, j, 2);
        const float z = logits(0, j);
        sum += binaryLoss(z, y);
        if constexpr (WithGradient)
            (*gradient)(0, j) = (stableSigmoid(z) - static_cast<float>(y)) * scale;
    }
    return sum;
}

template <bool WithGradient>
double categoricalSum(const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef* gradient, float scale)
{
    const Eigen::Index classes = logits.rows();
    double sum = 0.0;
    for (Eigen::Index j = 0; j < logits.cols(); ++j) {
        const int y = labels[static_cast<std::size_t>(j)];
        if (y < 0 || y >= classes)
            badLabel("categorical cross-entropy", y, j, classes);
        const auto column = logits.col(j);
        // Shifting by the maximum makes every exponent <= 0: no overflow, and the largest
        // term is exactly 1 so the sum never underflows to 0.
        const float top = column.maxCoeff();
        float total = 0.0f;
        if constexpr (WithGradient) {
            auto g = gradient->col(j);
            for (Eigen::Index c = 0; c < classes; ++c) {
                g(c) = std::exp(column(c) - top);
                total += g(c);
            }
            const float factor = scale / total;
            g *= factor;
            g(y) -= scale;
        } else {
            for (Eigen::Index c = 0; c < classes; ++c)
                total += std::exp(column(c) - top);
        }
        sum += static_cast<double>(top) + std::log(static_cast<double>(total)) - static_cast<double>(column(y));
    }
    return sum;
}

} // namespace

double binaryCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels)
{
    checkShapes("binary cross-entropy", logits, labels.size(), true);
    if (logits.cols() == 0)
        return 0.0;
    return binarySum<false>(logits, labels, nullptr, 0.0f) / static_cast<double>(logits.cols());
}

double binaryCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef gradient)
{
    checkShapes("binary cross-entropy", logits, labels.size(), true);
    checkGradientShape("binary cross-entropy", logits, gradient);
    if (logits.cols() == 0)
        return 0.0;
    const double n = static_cast<double>(logits.cols());
    return binarySum<true>(logits, labels, &gradient, static_cast<float>(1.0 / n)) / n;
}

double categoricalCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels)
{
    checkShapes("categorical cross-entropy", logits, labels.size(), false);
    if (logits.cols() == 0)
        return 0.0;
    return categoricalSum<false>(logits, labels, nullptr, 0.0f) / static_cast<double>(logits.cols());
}

double categoricalCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef gradient)
{
    checkShapes("categorical cross-entropy", logits, labels.size(), false);
    checkGradientShape("categorical cross-entropy", logits, gradient);
    if (logits.cols() == 0)
        return 0.0;
    const double n = static_cast<double>(logits.cols());
    return categoricalSum<true>(logits, labels, &gradient, static_cast<float>(1.0 / n)) / n;
}

double crossEntropy(bool binary, const ConstMatrixRef& logits, std::span<const int> labels)
{
    return binary ? binaryCrossEntropy(logits, labels) : categoricalCrossEntropy(logits, labels);
}

double crossEntropy(bool binary, const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef gradient)
{
    return binary ? binaryCrossEntropy(logits, labels, gradient) : categoricalCrossEntropy(logits, labels, gradient);
}

double crossEntropySum(bool binary, const ConstMatrixRef& logits, std::span<const int> labels)
{
    checkShapes(binary ? "binary cross-entropy" : "categorical cross-entropy", logits, labels.size(), binary);
    return binary ? binarySum<false>(logits, labels, nullptr, 0.0f) : categoricalSum<false>(logits, labels, nullptr, 0.0f);
}

} // namespace ss
