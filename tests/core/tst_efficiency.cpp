// Efficiency estimate of hand-computed small models: every count, byte and picojoule.
#include "compress/Efficiency.h"

#include <QtTest>

using namespace ss;

namespace {

// 3 inputs -> 2 hidden -> 1 output (binary).
// Layer 1 [[1 0 2] [0 0 3]], bias [0.5 0]; layer 2 [[0 4]], bias [0].
Network handModel()
{
    Architecture architecture;
    architecture.inputs = 3;
    architecture.hidden = {2};
    architecture.classes = 2;
    Network network(architecture, 1);
    auto& layers = network.layers();
    layers[0].weights << 1, 0, 2,
        0, 0, 3;
    layers[0].bias << 0.5f, 0;
    layers[1].weights << 0, 4;
    layers[1].bias << 0;
    return network;
}

bool near(double a, double b) { return std::abs(a - b) < 1e-9 * std::max(1.0, std::abs(b)); }

} // namespace

class TestEfficiency : public QObject {
    Q_OBJECT

private slots:
    void countsAndFp32();
    void int4PerRow();
    void float16();
    void lowBitEnergy();
    void memoryTierBySize();
    void memoryEnergyIsContinuous();
    void csrIndexWidth();
    void editedTableIsUsed();
    void denseBaseline();
};

void TestEfficiency::countsAndFp32()
{
    const EfficiencyEstimate e = estimateEfficiency(handModel(), QuantizationSpec::float32());
    QCOMPARE(e.weights, 8L);
    QCOMPARE(e.nonZeroWeights, 4L);
    QCOMPARE(e.parameters, 11L);
    QCOMPARE(e.nonZeroParameters, 5L);
    QCOMPARE(e.macsDense, 8L);
    QCOMPARE(e.macsSparse, 4L);
    // dense: 6*4 + 2*4 (biases) + 2*4 + 1*4 = 44
    QCOMPARE(e.bytesDense, 44L);
    // CSR: layer 1 values 12 + 1-byte indices 3 + row pointers 3*4 + biases 8 = 35;
    //      layer 2 values 4 + indices 1 + row pointers 2*4 + bias 4 = 17.
    QCOMPARE(e.bytesCsr, 52L);
    // bitmask: layer 1 values 12 + 1 byte of mask bits + biases 8 = 21; layer 2 4 + 1 + 4 = 9.
    QCOMPARE(e.bytesBitmask, 30L);
    QCOMPARE(e.bytesSmallest, 30L);
    QCOMPARE(QString::fromStdString(e.smallestFormat), QStringLiteral("bitmask"));
    QVERIFY(e.inSram);
    QVERIFY(near(e.energyComputePj, 4 * (3.7 + 0.9)));
    QVERIFY(near(e.energyMemoryPj, 8 * 5.0)); // ceil(30 / 4) = 8 word reads
    QVERIFY(near(e.energyTotalPj, 18.4 + 40.0));
    QVERIFY(e.assumptions.find("SRAM") != std::string::npos);
    QVERIFY(e.assumptions.find("Horowitz") != std::string::npos);
}

void TestEfficiency::int4PerRow()
{
    const EfficiencyEstimate e = estimateEfficiency(handModel(), QuantizationSpec::parse("4-row"));
    // dense: layer 1 6*4 bits = 3 bytes + biases 8 + 2 row scales 8 = 19; layer 2 1 + 4 + 4 = 9.
    QCOMPARE(e.bytesDense, 28L);
    // CSR: layer 1 values 12 bits = 2 bytes + indices 3 + row pointers 12 + 8 + 8 = 33;
    //      layer 2 1 + 1 + 8 + 4 + 4 = 18.
    QCOMPARE(e.bytesCsr, 51L);
    // bitmask: layer 1 2 + 1 + 8 + 8 = 19; layer 2 1 + 1 + 4 + 4 = 10.
    QCOMPARE(e.bytesBitmask, 29L);
    QCOMPARE(e.bytesSmallest, 28L);
    QCOMPARE(QString::fromStdString(e.smallestFormat), QStringLiteral("dense"));
    // int4 multiply = int8's 0.2 pJ * (4/8)^2 = 0.05, accumulated in int32 (0.1 pJ).
    QVERIFY(near(e.energyComputePj, 4 * (0.05 + 0.1)));
    QVERIFY(near(e.energyMemoryPj, 7 * 5.0));
    QVERIFY(near(e.energyTotalPj, 0.6 + 35.0));
}

void TestEfficiency::float16()
{
    const EfficiencyEstimate e = estimateEfficiency(handModel(), QuantizationSpec::parse("fp16"));
    QCOMPARE(e.bytesDense, 28L);   // 12 + 8 + 4 + 4
    QCOMPARE(e.bytesCsr, 44L);     // (6 + 3 + 12 + 8) + (2 + 1 + 8 + 4)
    QCOMPARE(e.bytesBitmask, 22L); // (6 + 1 + 8) + (2 + 1 + 4)
    QCOMPARE(e.bytesSmallest, 22L);
    QVERIFY(near(e.energyComputePj, 4 * (1.1 + 0.4)));
    QVERIFY(near(e.energyMemoryPj, 6 * 5.0));
    // bf16 costs the same as fp16.
    const EfficiencyEstimate b = estimateEfficiency(handModel(), QuantizationSpec::parse("bf16"));
    QCOMPARE(b.bytesSmallest, 22L);
    QVERIFY(near(b.energyTotalPj, e.energyTotalPj));
}

void TestEfficiency::lowBitEnergy()
{
    const EfficiencyEstimate ternary = estimateEfficiency(handModel(), QuantizationSpec::parse("ternary"));
    QVERIFY(near(ternary.energyComputePj, 4 * (0.2 * (2.0 / 8) * (2.0 / 8) + 0.1)));
    // dense: 6*2 bits = 2 bytes + 8 + 4 (one alpha) = 14; layer 2 1 + 4 + 4 = 9.
    QCOMPARE(ternary.bytesDense, 23L);
    const EfficiencyEstimate binary = estimateEfficiency(handModel(), QuantizationSpec::parse("binary"));
    QVERIFY(near(binary.energyComputePj, 4 * (0.2 / 64 + 0.1)));
    QCOMPARE(binary.bytesDense, 1 + 8 + 4 + 1 + 4 + 4L);
    const EfficiencyEstimate int8 = estimateEfficiency(handModel(), QuantizationSpec::parse("8"));
    QVERIFY(near(int8.energyComputePj, 4 * (0.2 + 0.1)));
}

void TestEfficiency::memoryTierBySize()
{
    EnergyTable table;
    table.sramCapacityBytes = 29; // the fp32 model's 30 bytes (8 words) no longer fit
    const EfficiencyEstimate e = estimateEfficiency(handModel(), QuantizationSpec::float32(), table);
    QVERIFY(!e.inSram);
    // 7 whole words fit on chip; the 8th is read from DRAM.
    QCOMPARE(e.sramReads, 7L);
    QCOMPARE(e.dramReads, 1L);
    QCOMPARE(e.sramCapacityBytes, 29L);
    QVERIFY(near(e.energyMemoryPj, 7 * 5.0 + 640.0));
    QVERIFY(e.assumptions.find("7 reads come from SRAM") != std::string::npos);
    QVERIFY(e.assumptions.find("1 from DRAM") != std::string::npos);
    table.sramCapacityBytes = 32; // exactly fits
    const EfficiencyEstimate fits = estimateEfficiency(handModel(), QuantizationSpec::float32(), table);
    QVERIFY(fits.inSram);
    QCOMPARE(fits.sramReads, 8L);
    QCOMPARE(fits.dramReads, 0L);
    table.sramCapacityBytes = 0; // no on-chip memory: every word from DRAM
    const EfficiencyEstimate none = estimateEfficiency(handModel(), QuantizationSpec::float32(), table);
    QCOMPARE(none.sramReads, 0L);
    QVERIFY(near(none.energyMemoryPj, 8 * 640.0));
}

// The memory energy as a function of model size is continuous: one more 32-bit word beyond
// the on-chip capacity costs one DRAM read instead of one SRAM read, not a move of the whole
// model to DRAM. 1000 inputs, binary: fp32 stores 4000 + 4 bytes (1001 words), fp16 2004
// bytes (501 words).
void TestEfficiency::memoryEnergyIsContinuous()
{
    Architecture architecture;
    architecture.inputs = 1000;
    architecture.classes = 2;
    const Network network(architecture, 3);
    EnergyTable table;
    table.sramCapacityBytes = 4004;
    const double fits = estimateEfficiency(network, QuantizationSpec::float32(), table).energyMemoryPj;
    QVERIFY(near(fits, 1001 * 5.0));
    table.sramCapacityBytes = 4000; // one word short
    const double oneWordOut = estimateEfficiency(network, QuantizationSpec::float32(), table).energyMemoryPj;
    QVERIFY(near(oneWordOut, 1000 * 5.0 + 640.0));
    // With room for the fp16 model only, the fp32 model reads 501 words on chip and 500 off.
    table.sramCapacityBytes = 2004;
    const double fp32 = estimateEfficiency(network, QuantizationSpec::float32(), table).energyMemoryPj;
    const double fp16 = estimateEfficiency(network, QuantizationSpec::parse("fp16"), table).energyMemoryPj;
    QVERIFY(near(fp16, 501 * 5.0));
    QVERIFY(near(fp32, 501 * 5.0 + 500 * 640.0));
}

void TestEfficiency::csrIndexWidth()
{
    // 300 inputs need 2-byte column indices; 10 non-zero weights.
    Architecture architecture;
    architecture.inputs = 300;
    architecture.classes = 2;
    Network network(architecture, 2);
    network.layers()[0].weights.setZero();
    for (int j = 0; j < 10; ++j)
        network.layers()[0].weights(0, j * 30) = 1.0f;
    const EfficiencyEstimate e = estimateEfficiency(network, QuantizationSpec::float32());
    QCOMPARE(e.bytesCsr, 10 * 4 + 10 * 2 + 2 * 4 + 4L);  // 72
    QCOMPARE(e.bytesBitmask, 10 * 4 + 38 + 4L);           // 82
    QCOMPARE(e.bytesDense, 300 * 4 + 4L);
    QCOMPARE(QString::fromStdString(e.smallestFormat), QStringLiteral("CSR"));
    QCOMPARE(e.bytesSmallest, 72L);
}

void TestEfficiency::editedTableIsUsed()
{
    EnergyTable table;
    table.multFp32 = 10;
    table.addFp32 = 1;
    table.sramRead32 = 2;
    const EfficiencyEstimate e = estimateEfficiency(handModel(), QuantizationSpec::float32(), table);
    QVERIFY(near(e.energyComputePj, 44.0));
    QVERIFY(near(e.energyMemoryPj, 16.0));
}

void TestEfficiency::denseBaseline()
{
    // Every weight counted as stored and multiplied at fp32, zeros included.
    const EfficiencyEstimate e = estimateDenseEfficiency(handModel());
    QCOMPARE(e.weights, 8L);
    QCOMPARE(e.nonZeroWeights, 8L);
    QCOMPARE(e.nonZeroParameters, 11L);
    QCOMPARE(e.macsSparse, 8L);
    QCOMPARE(e.bytesDense, 44L);
    QCOMPARE(e.bytesCsr, (24 + 6 + 12 + 8) + (8 + 2 + 8 + 4L));
    QCOMPARE(e.bytesBitmask, (24 + 1 + 8) + (8 + 1 + 4L));
    QCOMPARE(QString::fromStdString(e.smallestFormat), QStringLiteral("dense"));
    QVERIFY(near(e.energyComputePj, 8 * 4.6));
    QVERIFY(near(e.energyMemoryPj, 11 * 5.0));
}

QTEST_APPLESS_MAIN(TestEfficiency)
#include "tst_efficiency.moc"
