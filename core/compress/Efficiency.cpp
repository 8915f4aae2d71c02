#include "compress/Efficiency.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ss {

namespace {

long bytesForBits(long bits) { return (bits + 7) / 8; }

// Smallest whole-byte integer that can hold a column index 0..columns-1.
int indexBytesFor(long columns)
{
    if (columns <= 256)
        return 1;
    if (columns <= 65536)
        return 2;
    return 4;
}

struct OperationCost {
    double multiply = 0;
    double add = 0;
    std::string name;
};

OperationCost operationCost(const QuantizationSpec& precision, const EnergyTable& table)
{
    using F = QuantizationSpec::Format;
    switch (precision.format) {
    case F::Float32: return {table.multFp32, table.addFp32, "fp32 multiply + fp32 add"};
    case F::Float16:
    case F::BFloat16: return {table.multFp16, table.addFp16, "fp16 multiply + fp16 add"};
    case F::Int:
    case F::Ternary:
    case F::Binary: break;
    }
    const int bits = precision.storageBits();
    const double factor = (bits / 8.0) * (bits / 8.0);
    return {table.multInt8 * factor, table.addInt32,
            "int8 multiply x (" + std::to_string(bits) + "/8)^2 + int32 add"};
}

std::string formatNumber(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

} // namespace

namespace {

EfficiencyEstimate estimate(const Network& network, const QuantizationSpec& precision, const EnergyTable& table,
                            bool allNonZero)
{
    const long bits = precision.storageBits();
    EfficiencyEstimate e;
    long csrBytes = 0, bitmaskBytes = 0, denseBytes = 0;
    for (const DenseLayer& layer : network.layers()) {
        const long rows = layer.weights.rows();
        const long cols = layer.weights.cols();
        const long n = rows * cols;
        const long nonZero = allNonZero ? n : static_cast<long>((layer.weights.array() != Scalar(0)).count());
        const long nonZeroBias = allNonZero ? static_cast<long>(layer.bias.size())
                                            : static_cast<long>((layer.bias.array() != Scalar(0)).count());
        e.weights += n;
        e.nonZeroWeights += nonZero;
        e.parameters += n + layer.bias.size();
        e.nonZeroParameters += nonZero + nonZeroBias;
        // Shared by every format: the biases (dense fp32) and the quantization scales (fp32).
        const long common = 4 * static_cast<long>(layer.bias.size()) + 4 * precision.scaleCount(rows);
        denseBytes += bytesForBits(n * bits) + common;
        csrBytes += bytesForBits(nonZero * bits) + nonZero * indexBytesFor(cols) + 4 * (rows + 1) + common;
        bitmaskBytes += bytesForBits(nonZero * bits) + bytesForBits(n) + common;
    }
    e.macsDense = e.weights;
    e.macsSparse = e.nonZeroWeights;
    e.bytesDense = denseBytes;
    e.bytesCsr = csrBytes;
    e.bytesBitmask = bitmaskBytes;
    // Ties go to the simpler format: dense, then bitmask, then CSR.
    e.bytesSmallest = denseBytes;
    e.smallestFormat = "dense";
    if (bitmaskBytes < e.bytesSmallest) {
        e.bytesSmallest = bitmaskBytes;
        e.smallestFormat = "bitmask";
    }
    if (csrBytes < e.bytesSmallest) {
        e.bytesSmallest = csrBytes;
        e.smallestFormat = "CSR";
    }
    const long reads = (e.bytesSmallest + 3) / 4;
    const long sramWords = std::max(table.sramCapacityBytes, 0L) / 4;
    e.sramCapacityBytes = table.sramCapacityBytes;
    e.sramReads = std::min(reads, sramWords);
    e.dramReads = reads - e.sramReads;
    e.inSram = e.dramReads == 0;

    const OperationCost cost = operationCost(precision, table);
    e.energyComputePj = static_cast<double>(e.macsSparse) * (cost.multiply + cost.add);
    e.energyMemoryPj = static_cast<double>(e.sramReads) * table.sramRead32
                       + static_cast<double>(e.dramReads) * table.dramRead32;
    e.energyTotalPj = e.energyComputePj + e.energyMemoryPj;

    std::ostringstream text;
    text << "Energy per inference from Horowitz (ISSCC 2014, 45 nm), as Han et al. (2016) use it. "
         << "Compute: one multiply-accumulate per non-zero weight (pruned weights are skipped; bias "
            "additions and activations are not counted), each costing "
         << cost.name << " = " << formatNumber(cost.multiply + cost.add) << " pJ at " << precision.label()
         << ". Formats below 8 bits use the int8 multiplier scaled by (bits/8)^2 and accumulate in int32; "
            "fp16 and bf16 use the fp16 figures. "
         << "Memory: the stored model (" << e.bytesSmallest
         << " bytes) is read once per inference as 32-bit words (bytes/4 reads); on-chip SRAM is assumed to hold "
         << table.sramCapacityBytes << " bytes (editable), so " << e.sramReads << " reads come from SRAM ("
         << formatNumber(table.sramRead32) << " pJ each) and " << e.dramReads << " from DRAM ("
         << formatNumber(table.dramRead32) << " pJ each); activations are not counted. "
         << "Storage: weights at " << bits << " bits, biases and quantization scales as fp32; CSR adds "
            "column indices of the smallest whole-byte width that addresses the layer's inputs (1, 2 or 4 "
            "bytes) and 32-bit row pointers; bitmask adds one bit per weight; the smallest of dense, CSR "
            "and bitmask ("
         << e.smallestFormat << ") is used for the whole model.";
    e.assumptions = text.str();
    return e;
}

} // namespace

EfficiencyEstimate estimateEfficiency(const Network& network, const QuantizationSpec& precision,
                                      const EnergyTable& table)
{
    return estimate(network, precision, table, false);
}

EfficiencyEstimate estimateDenseEfficiency(const Network& network, const EnergyTable& table)
{
    return estimate(network, QuantizationSpec::float32(), table, true);
}

} // namespace ss
