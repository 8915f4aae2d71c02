#pragma once
// Incremental updates of first-layer pre-activations, for the InstantEvaluator: when a few
// weights W(neuron, input) change by delta, z(sample, neuron) += delta * x(input, sample)
// for every sample, instead of a fresh product. Compiled for every SIMD path (kernels/Isa.h).

#include <cstdint>

namespace ss {

struct WeightChange {
    int neuron;
    int input;
    float delta;
};

// Samples per slice that the kernel keeps in registers while it adds a neuron's changes.
inline constexpr long kColumnSlice = 64;

// The changes to apply, sorted by neuron: neuron i's are changes[perNeuron[i] ..
// perNeuron[i + 1]). readInputs lists each input the changes read once (any order), for the
// kernel to fetch their next samples ahead of use.
struct ColumnChangeList {
    const WeightChange* changes;
    const int* perNeuron;
    int neurons;
    const int* readInputs;
    int readInputCount;
};

// z (samples x neurons, column-major) and inputs (samples x inputs, column-major: each
// input's samples contiguous; bytes k stand for k * inputScale). Updates the samples
// [begin, end), end - begin a multiple of kColumnSlice, in blocks of blockSamples so that the
// block's input slices stay in L2 while every neuron's changes go past them. Each element
// receives its changes in list order, one multiply-add each, on every path.
void applyColumnChanges(float* z, const float* inputs, long samples, float inputScale, long begin, long end,
                        const ColumnChangeList& list, long blockSamples);
void applyColumnChanges(float* z, const std::uint8_t* inputs, long samples, float inputScale, long begin, long end,
                        const ColumnChangeList& list, long blockSamples);

} // namespace ss
