#pragma once
// The layers after the first of a ReLU MLP, for the InstantEvaluator: from the first layer's
// pre-activations of every test sample to the logits, skipping the inputs ReLU made zero
// (about half of them). Per sample, each layer's output is the sum of its active inputs'
// weight columns; the outputs are computed a few groups at a time for a batch of 16 samples,
// so the weights of those groups (repacked contiguously) stay in the L1 cache while every
// sample of the batch streams its active inputs past them. The group is as wide as the SIMD
// path makes best (core/kernels/Isa.h): 16 outputs on AVX-512, 8 on AVX2, four vectors on
// the others (16 outputs for SSE4 and NEON, 4 for the one-lane scalar emulation).

#include "common/Types.h"
#include "nn/Network.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace ss {

class ThreadTeam;

class SparseTail {
public:
    // Whether it can run the network: at least two layers and every hidden layer ReLU (on
    // every SIMD path). The weights and biases must also be finite (the caller knows).
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

    // Outputs per packed group on the SIMD path the kernels run on now (16 on AVX-512, 8 on
    // AVX2, four vectors on the others), for tests and benchmarks to see the path taken.
    static int groupWidth();

    // One later layer as the per-path kernels read it (SparseTail.cpp): views of m_packed.
    struct PackedLayer {
        const Scalar* weights; // [pass][input][pass width], outputs padded with zeros
        const Scalar* bias;    // padded with zeros
        int inputs;
        int outputs;
        int passWidth;         // outputs per pass: a few groups, fewer for a narrow layer
    };

private:
    struct Scratch {
        std::vector<int> offsets;     // [sample][k]: element offset of active input k's column
        std::vector<Scalar> values;   // [sample][k]: its activation
        std::vector<int> counts;      // [sample]: active inputs
        std::vector<Scalar> out;      // [sample][unit]: a hidden layer's pre-activations
        std::vector<Scalar> tile;     // [sample][unit]: the first layer's, where not in registers
        std::vector<Scalar> spare;    // one group of outputs, for a partial group of logits
    };
    struct FreeAligned {
        void operator()(Scalar* pointer) const noexcept;
    };
    std::vector<Scratch> m_scratch; // per team member
    // Every later layer's weights as [pass][input][pass width] and its biases, padded to
    // whole passes, and the first layer's biases; each part 64-byte aligned (a load that
    // straddles two cache lines costs two: measured 1.6x slower products). Grown, never
    // shrunk, so that runs on the same network do not allocate.
    std::unique_ptr<Scalar[], FreeAligned> m_packed;
    std::size_t m_packedCapacity = 0;
    std::vector<PackedLayer> m_layers; // [layer]; the first is unused
};

} // namespace ss
