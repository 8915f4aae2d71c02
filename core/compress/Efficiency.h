#pragma once
// Size, compute and energy estimates for one inference, from Horowitz (ISSCC 2014, 45 nm),
// the figures Han et al. (2016) use. Every figure in the table is editable by the user.

#include "compress/Quantization.h"
#include "nn/Network.h"

#include <string>

namespace ss {

struct EnergyTable {
    // picojoules per operation
    double addInt8 = 0.03, addInt32 = 0.1, addFp16 = 0.4, addFp32 = 0.9;
    double multInt8 = 0.2, multInt32 = 3.1, multFp16 = 1.1, multFp32 = 3.7;
    double sramRead32 = 5.0, dramRead32 = 640.0;
    // On-chip SRAM for the stored model, in bytes (an assumption, editable): as many 32-bit
    // words as fit are read at SRAM cost, the rest at DRAM cost, so that the energy grows
    // continuously with the model's size instead of jumping when it outgrows the chip.
    long sramCapacityBytes = 8L * 1024 * 1024;
};

struct EfficiencyEstimate {
    long parameters = 0;          // weights + biases
    long nonZeroParameters = 0;
    long weights = 0;
    long nonZeroWeights = 0;
    long macsDense = 0;           // multiply-accumulates per inference, dense
    long macsSparse = 0;          // = non-zero weights
    // Every byte figure includes the biases (fp32) and the quantization scales (fp32, one per
    // tensor or per row for int/ternary/binary); values are packed at the chosen bit width.
    long bytesDense = 0;          // all weights at the chosen width, biases at 32 bits
    long bytesCsr = 0;            // values + column indices (1, 2 or 4 bytes: the smallest that
                                  // addresses the layer's inputs) + 32-bit row pointers
    long bytesBitmask = 0;        // non-zero values + one bit per weight
    long bytesSmallest = 0;
    std::string smallestFormat;   // "dense", "CSR" or "bitmask"
    // The stored model (bytesSmallest) read once per inference as 32-bit words: the first
    // sramCapacityBytes / 4 words from SRAM, the rest from DRAM.
    long sramReads = 0;
    long dramReads = 0;
    long sramCapacityBytes = 0;   // the table's capacity the split was made with
    bool inSram = true;           // every word fits on chip (dramReads == 0)
    double energyComputePj = 0;
    double energyMemoryPj = 0;
    double energyTotalPj = 0;
    std::string assumptions;      // one paragraph the UI shows verbatim
};

// Counts the zero weights of `network` as given: pass the pruned AND quantized network (a
// quantizer can round small weights to zero). `precision` sets the bit width and the energy
// per operation; estimateEfficiency does not quantize. Ratios against the dense fp32 model
// (estimateEfficiency of the unpruned network at QuantizationSpec::float32()) are left to callers.
EfficiencyEstimate estimateEfficiency(const Network& network, const QuantizationSpec& precision,
                                      const EnergyTable& table = {});

// The dense fp32 baseline of the same architecture: every weight stored and multiplied
// (as if none were zero), fp32 arithmetic, dense storage. What ratios are taken against.
EfficiencyEstimate estimateDenseEfficiency(const Network& network, const EnergyTable& table = {});

} // namespace ss
