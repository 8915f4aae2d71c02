// The Efficiency view's numbers table: the dense fp32 baseline named as such, the trained
// model's own zeros in a column of their own, and the SRAM/DRAM split of the memory reads.
#include "views/EfficiencyView.h"

#include "compress/Pruning.h"
#include "eval/InstantEvaluator.h"

#include <QHeaderView>
#include <QTableWidget>
#include <QtTest>

#include <memory>

using namespace ss;

namespace {

// 4 inputs -> 3 hidden -> 3 classes: 12 + 9 = 21 weights, 6 biases (27 parameters); the
// trained model has 10 weights pruned away (its own zeros).
struct Fixture {
    Network trained;
    Dataset test;
};

Fixture makeFixture()
{
    Architecture architecture;
    architecture.inputs = 4;
    architecture.hidden = {3};
    architecture.classes = 3;
    Fixture f{Network(architecture, 7), {}};
    for (DenseLayer& layer : f.trained.layers())
        layer.bias.setConstant(0.25f);
    prune(f.trained, PruningSpec::sparsity(10.0 / 21.0));
    f.test.features = Matrix::Random(4, 12);
    f.test.labels = f.trained.predict(f.test.features);
    f.test.classNames = {"a", "b", "c"};
    return f;
}

QTableWidget* numbersTable(EfficiencyView& view)
{
    for (QTableWidget* table : view.findChildren<QTableWidget*>())
        if (table->columnCount() != 2) // the energy table has two columns
            return table;
    return nullptr;
}

int rowNamed(QTableWidget* table, const QString& name)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0) && table->item(r, 0)->text() == name)
            return r;
    return -1;
}

QString text(QTableWidget* table, int row, int column)
{
    return table->item(row, column) ? table->item(row, column)->text() : QString();
}

} // namespace

class TestEfficiencyView : public QObject {
    Q_OBJECT
private slots:
    void baselineAndOwnZerosApart();
    void memorySplitShown();
};

void TestEfficiencyView::baselineAndOwnZerosApart()
{
    const Fixture f = makeFixture();
    CompressionSetting setting;
    setting.pruning = PruningSpec::sparsity(0.8);
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->compression = setting;
    snapshot->evaluation = evaluateFully(f.trained, f.test, setting);
    EfficiencyView view;
    view.setSnapshot(snapshot);
    view.renderNow();
    QTableWidget* table = numbersTable(view);
    QVERIFY(table);
    QCOMPARE(table->columnCount(), 5);
    QCOMPARE(table->horizontalHeaderItem(1)->text(), QStringLiteral("dense fp32 baseline"));
    QCOMPARE(table->horizontalHeaderItem(2)->text(), QStringLiteral("trained, fp32 (own zeros)"));
    QCOMPARE(table->horizontalHeaderItem(3)->text(), QStringLiteral("as shown"));
    const int nonZero = rowNamed(table, QStringLiteral("non-zero parameters"));
    QVERIFY(nonZero >= 0);
    // Baseline: all 27 parameters; trained: 11 weights + 6 biases; as shown: round(0.8 * 21)
    // = 17 weights pruned, 4 left + 6 biases.
    QCOMPARE(text(table, nonZero, 1), QStringLiteral("27"));
    QCOMPARE(text(table, nonZero, 2), QStringLiteral("17"));
    QCOMPARE(text(table, nonZero, 3), QStringLiteral("10"));
    const int parameters = rowNamed(table, QStringLiteral("parameters (weights + biases)"));
    QCOMPARE(text(table, parameters, 4), QStringLiteral("same"));
    const int macs = rowNamed(table, QStringLiteral("multiply-accumulates, zeros skipped"));
    QCOMPARE(text(table, macs, 1), QStringLiteral("21"));
    QCOMPARE(text(table, macs, 2), QStringLiteral("11"));
    QCOMPARE(text(table, macs, 3), QStringLiteral("4"));
}

void TestEfficiencyView::memorySplitShown()
{
    const Fixture f = makeFixture();
    EnergyTable energy;
    energy.sramCapacityBytes = 64; // 16 words on chip; the dense fp32 model has 27
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->evaluation = evaluateFully(f.trained, f.test, CompressionSetting{}, energy);
    EfficiencyView view;
    view.setEnergyTable(energy);
    view.setSnapshot(snapshot);
    view.renderNow();
    QTableWidget* table = numbersTable(view);
    QVERIFY(table);
    const int reads = rowNamed(table, QStringLiteral("memory reads (SRAM + DRAM)"));
    QVERIFY(reads >= 0);
    QCOMPARE(text(table, reads, 1), QStringLiteral("16 + 11"));
    // The on-chip capacity is a row of the energy table, and 0 KiB (no SRAM) is accepted.
    QTableWidget* energyTable = nullptr;
    for (QTableWidget* candidate : view.findChildren<QTableWidget*>())
        if (candidate->columnCount() == 2)
            energyTable = candidate;
    QVERIFY(energyTable);
    const int capacity = rowNamed(energyTable, QStringLiteral("on-chip SRAM (KiB)"));
    QVERIFY(capacity >= 0);
    QCOMPARE(text(energyTable, capacity, 1), QStringLiteral("0.0625"));
    energyTable->item(capacity, 1)->setText(QStringLiteral("0"));
    QCOMPARE(view.energyTable().sramCapacityBytes, 0L);
}

QTEST_MAIN(TestEfficiencyView)
#include "tst_efficiencyview.moc"
