// JSON and CSV forms of evaluations, scans and sweeps (what the headless commands print
// and write).
#include "common/Error.h"
#include "eval/Reports.h"

#include <QtTest>
#include <QTemporaryDir>

#include <fstream>
#include <sstream>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {

using Model = test::SelfLabelledModel;

Model makeModel()
{
    return test::selfLabelledModel(test::mlp(6, {5}, 3), 1, 40, 2);
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line))
        out.push_back(line);
    return out;
}

} // namespace

class TestCompressionReports : public QObject {
    Q_OBJECT

private slots:
    void evaluationJson();
    void scanCsvAndJson();
    void sweepCsvAndJson();
};

void TestCompressionReports::evaluationJson()
{
    const Model model = makeModel();
    CompressionSetting setting;
    setting.pruning = PruningSpec::sparsity(0.5);
    setting.precision = QuantizationSpec::parse("4-row");
    const Evaluation e = evaluateFully(model.network, model.test, setting);
    const nlohmann::json j = toJson(e, model.test.classNames);
    QCOMPARE(j["metrics"]["accuracy"].get<double>(), e.report.accuracy);
    QCOMPARE(j["metrics"]["confusion_matrix"].size(), std::size_t(3));
    QCOMPARE(QString::fromStdString(j["precision"].get<std::string>()), QStringLiteral("int4 per row"));
    QCOMPARE(j["pruning"]["achieved_sparsity"].get<double>(), e.pruning.achievedSparsity);
    QCOMPARE(j["pruning"]["layer_sparsity"].size(), std::size_t(2));
    QCOMPARE(j["layers"].size(), std::size_t(2));
    QCOMPARE(j["efficiency"]["bytes_smallest"].get<long>(), e.efficiency.bytesSmallest);
    QCOMPARE(j["dense_fp32"]["bytes_dense"].get<long>(), (30L + 15L) * 4 + (5L + 3L) * 4);
    QCOMPARE(j["versus_dense_fp32"]["size_fraction"].get<double>(),
             double(e.efficiency.bytesSmallest) / double(e.denseFp32.bytesDense));
    QVERIFY(j["versus_dense_fp32"]["energy_fraction"].get<double>() < 1.0);
    QCOMPARE(QString::fromStdString(j["efficiency"]["memory"].get<std::string>()), QStringLiteral("SRAM"));
    QVERIFY(!j["efficiency"]["assumptions"].get<std::string>().empty());
    QCOMPARE(toJson(StructuredPruningResult{{2}, {3}, 0.4})["neurons_removed"][0].get<int>(), 2);
    // The SRAM/DRAM split: the dense fp32 model (45 weights, 8 biases: 212 bytes, 53 words)
    // with 100 bytes on chip reads 25 words from SRAM and 28 from DRAM.
    EnergyTable small;
    small.sramCapacityBytes = 100;
    const nlohmann::json dense = toJson(estimateDenseEfficiency(model.network, small));
    QCOMPARE(dense["memory"].get<std::string>(), std::string("SRAM+DRAM"));
    QCOMPARE(dense["sram_capacity_bytes"].get<long>(), 100L);
    QCOMPARE(dense["sram_reads"].get<long>(), 25L);
    QCOMPARE(dense["dram_reads"].get<long>(), 28L);
    QCOMPARE(dense["energy_memory_pj"].get<double>(), 25 * 5.0 + 28 * 640.0);
    small.sramCapacityBytes = 0;
    QCOMPARE(toJson(estimateDenseEfficiency(model.network, small))["memory"].get<std::string>(), std::string("DRAM"));
}

void TestCompressionReports::scanCsvAndJson()
{
    const Model model = makeModel();
    PruneScanOptions options;
    options.levels = 4;
    options.perLayerSensitivity = true;
    const PruneScanResult scan = runPruneScan(model.network, model.test, options);
    const std::vector<std::string> csv = lines(scanCsv(scan));
    QCOMPARE(csv.size(), std::size_t(1 + 4 + 2 * 4));
    QCOMPARE(QString::fromStdString(csv[0]),
             QStringLiteral("series,target_sparsity,achieved_sparsity,layer_sparsity,threshold,accuracy,macro_f1,"
                            "weighted_f1,log_loss,non_zero_weights,bytes,energy_pj"));
    QVERIFY(csv[1].rfind("all,0,0,0,0,1,", 0) == 0); // unpruned: accuracy 1 (labels from the model)
    QVERIFY(csv[5].rfind("layer 1,", 0) == 0);
    QVERIFY(csv[9].rfind("layer 2,", 0) == 0);
    const nlohmann::json j = toJson(scan);
    QCOMPARE(j["points"].size(), std::size_t(4));
    QCOMPARE(j["layer_sensitivity"][1]["layer"].get<int>(), 2);
    QCOMPARE(QString::fromStdString(j["scope"].get<std::string>()), QStringLiteral("global"));

    QTemporaryDir dir;
    const std::string path = (dir.path() + "/scan.csv").toStdString();
    writeScanCsv(path, scan);
    QCOMPARE(readAll(path), scanCsv(scan));
    QVERIFY_THROWS_EXCEPTION(InputError, writeScanCsv((dir.path() + "/missing/scan.csv").toStdString(), scan));
}

void TestCompressionReports::sweepCsvAndJson()
{
    SweepResult sweep;
    SweepRow a;
    a.penalty = "l1";
    a.lambda = 0.001;
    a.targetSparsity = 0.5;
    a.precision = QuantizationSpec::parse("8-row");
    a.accuracy = 0.9;
    a.sparsity = 0.5;
    a.energyPj = 100;
    a.bytes = 1000;
    SweepRow b = a;
    b.accuracy = 0.8;
    b.sparsity = 0.9;
    b.energyPj = 200; // dominated on energy, not on sparsity
    sweep.rows = {a, b};
    markParetoFronts(sweep.rows);
    QVERIFY(sweep.rows[0].paretoSparsity && sweep.rows[1].paretoSparsity);
    QVERIFY(sweep.rows[0].paretoEnergy && !sweep.rows[1].paretoEnergy);
    const std::vector<std::string> csv = lines(sweepCsv(sweep));
    QCOMPARE(csv.size(), std::size_t(3));
    QCOMPARE(QString::fromStdString(csv[1]),
             QStringLiteral("l1,0.001,0.5,int8 per row,1,0.9,0,0,0,0.5,0,0,1000,100,0,0,1,1"));
    QCOMPARE(QString::fromStdString(csv[2]).right(6), QStringLiteral(",0,1,0"));
    QTemporaryDir dir;
    const std::string jsonPath = (dir.path() + "/results.json").toStdString();
    writeSweepJson(jsonPath, sweep);
    const nlohmann::json j = nlohmann::json::parse(readAll(jsonPath));
    QCOMPARE(j["rows"].size(), std::size_t(2));
    QCOMPARE(j["rows"][1]["pareto_accuracy_energy"].get<bool>(), false);
    QCOMPARE(QString::fromStdString(j["rows"][0]["precision"].get<std::string>()), QStringLiteral("int8 per row"));
    const std::string csvPath = (dir.path() + "/results.csv").toStdString();
    writeSweepCsv(csvPath, sweep);
    QCOMPARE(readAll(csvPath), sweepCsv(sweep));
}

QTEST_APPLESS_MAIN(TestCompressionReports)
#include "tst_compressionreports.moc"
