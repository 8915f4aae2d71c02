#pragma once

#include "common/Types.h"

#include <string>

namespace ss {

enum class Activation { ReLU, Tanh, Sigmoid, Linear };

std::string toString(Activation activation);
// Accepts relu, tanh, sigmoid, linear (any case); throws ConfigError otherwise.
Activation activationFromString(const std::string& name);

// In place: z <- f(z).
void applyActivation(Activation activation, MatrixRef z);
// In place: grad <- grad .* f'(z), given the activation's output a = f(z).
void multiplyByDerivative(Activation activation, const ConstMatrixRef& a, MatrixRef grad);

} // namespace ss
