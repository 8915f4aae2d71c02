#include "nn/Activation.h"

#include "common/Error.h"
#include "kernels/TrainingKernels.h"

#include <algorithm>
#include <cctype>

namespace ss {

std::string toString(Activation activation)
{
    switch (activation) {
    case Activation::ReLU: return "relu";
    case Activation::Tanh: return "tanh";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Linear: return "linear";
    }
    throw ConfigError("toString(Activation): invalid enum value " + std::to_string(static_cast<int>(activation)));
}

Activation activationFromString(const std::string& name)
{
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "relu")
        return Activation::ReLU;
    if (lower == "tanh")
        return Activation::Tanh;
    if (lower == "sigmoid" || lower == "logistic")
        return Activation::Sigmoid;
    if (lower == "linear" || lower == "identity")
        return Activation::Linear;
    throw ConfigError("unknown activation '" + name + "' (expected relu, tanh, sigmoid or linear)");
}

void applyActivation(Activation activation, MatrixRef z)
{
    switch (activation) {
    case Activation::ReLU:
        z = z.cwiseMax(Scalar(0));
        return;
    case Activation::Tanh:
        z = z.array().tanh();
        return;
    case Activation::Sigmoid:
        // Eigen's logistic() is vectorised and stable for large |z| (no exp overflow to NaN).
        z = z.array().logistic();
        return;
    case Activation::Linear:
        return;
    }
}

void multiplyByDerivative(Activation activation, const ConstMatrixRef& a, MatrixRef grad)
{
    if (a.rows() != grad.rows() || a.cols() != grad.cols())
        throw ConfigError("multiplyByDerivative: activation is " + std::to_string(a.rows()) + "x"
                          + std::to_string(a.cols()) + " but gradient is " + std::to_string(grad.rows())
                          + "x" + std::to_string(grad.cols()));
    // Derivatives are written in terms of the output a = f(z), so the forward pass need not
    // keep the pre-activations.
    switch (activation) {
    case Activation::ReLU:
        reluBackward(a.data(), a.outerStride(), grad.data(), grad.outerStride(), a.rows(), a.cols());
        return;
    case Activation::Tanh:
        grad.array() *= Scalar(1) - a.array().square();
        return;
    case Activation::Sigmoid:
        grad.array() *= a.array() * (Scalar(1) - a.array());
        return;
    case Activation::Linear:
        return;
    }
}

} // namespace ss
