#pragma once
// The layers after the first of a ReLU MLP, for the InstantEvaluator: from the first layer's
// pre-activations of every test sample to the logits, skipping the inputs ReLU made zero
// (about half of them). Per sample, each layer's output is the sum of its active inputs'
// weight columns; the output is computed 16 units at a time for a batch of 16 samples, so
// the weights of those 16 units (16 KB for a 256-input layer, repacked contiguously) stay in
// the L1 cache while every sample of the batch streams its active inputs past them.

#include "common/Types.h"
#include "nn/Network.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace ss {

class ThreadTeam;

class SparseTail {
public:
    // Whether this build can run it (AVX-512) for the network: at least two layers and every
    // hidden layer ReLU. The weights and biases must also be finite (the caller knows).
    static bool applies(const Network& network);

    // logits (outputs x samples) from z1t (samples x first-layer units: X^T W1^T, without the
    // first layer's bias). Samples are split among the team's members (null: one thread) in
    // blocks of kPrepareBlock; prepare(begin, end), when given, is called by the member that
    // owns each block before it reads the block's rows of z1t, to bring them up to date while
    // they stay in its L2 cache (256 samples x 256 units: 256 KB). begin is a multiple of
    // kPrepareBlock.
    static constexpr Eigen::Index kPrepareBlock = 256;
    void run(const Network& network, const Matrix& z1t, ThreadTeam* team, Matrix& logits,
             const std::function<void(Eigen::Index begin, Eigen::Index end)>& prepare = {});

private:
    struct Scratch {
        std::vector<int> offsets;     // [sample][k]: element offset of active input k's column
        std::vector<Scalar> values;   // [sample][k]: its activation
        std::vector<int> counts;      // [sample]: active inputs
        std::vector<Scalar> out;      // [sample][unit]: a hidden layer's pre-activations
    };
    std::vector<Scratch> m_scratch; // per team member
    // Per layer: the weights as [16 outputs][input][16], 64-byte aligned: a load that
    // straddles two cache lines costs two (measured: 1.6x slower products).
    std::vector<std::vector<Scalar, Eigen::aligned_allocator<Scalar>>> m_packed;
    // Per layer, a bit per input (16 to a word): its weight column has a non-zero.
    std::vector<std::vector<std::uint16_t>> m_live;
};

} // namespace ss
