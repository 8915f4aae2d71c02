// Session files: save, load, save gives the same bytes, the same weights and the same
// metrics; every kind of data is found again (or refused with the reason); every malformed
// session is rejected with the file and the field named; saves are atomic.
#include "common/Checksum.h"
#include "common/Error.h"
#include "common/JsonReader.h"
#include "metrics/Metrics.h"
#include "eval/Reports.h"
#include "session/Session.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "../common/TrainingFixtures.h"

using namespace ss;
using Json = nlohmann::json;

namespace {

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

bool bitIdentical(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols()
           && std::memcmp(a.data(), b.data(), sizeof(Scalar) * std::size_t(a.size())) == 0;
}

// A session as the app or `train --session` makes it: moons, a 2-6-4-1 MLP trained a few
// epochs with L1 (so some weights are exactly zero), a pruned layer, a precision setting.
Session trainedSession(const DatasetRequest& request)
{
    Session session;
    session.dataset = describeDataset(request);
    const PreparedData data = prepareDataset(request);
    session.architecture.inputs = data.split.train.featureCount();
    session.architecture.classes = data.split.train.classCount();
    session.architecture.hidden = {6, 4};
    session.architecture.hiddenActivation = Activation::Tanh;
    session.modelSeed = 7;
    session.training.optimizer.learningRate = 0.05;
    session.training.regularization.l1 = 3e-3;
    session.training.batchSize = 16;
    session.training.epochs = 4;
    session.training.seed = 11;
    session.compression.pruning = PruningSpec::sparsity(0.25);
    session.compression.precision = QuantizationSpec::integer(4, QuantizationSpec::Granularity::PerRow);

    TrainedModel model;
    model.network = Network(session.architecture, session.modelSeed);
    model.network.layers()[0].mask(2, 1) = 0;
    model.network.applyMasks();
    Trainer trainer(model.network, data.split.train, &data.split.test, session.training);
    trainer.train(session.training.epochs, nullptr, [&](const TrainingReport& report) { session.history.push_back(report); });
    model.scaler = data.scaler;
    model.classNames = data.split.train.classNames;
    model.featureNames = data.split.train.featureNames;
    model.datasetName = data.split.train.name;
    session.model = std::move(model);
    session.progress = {trainer.epochCount(), double(trainer.epochCount()), trainer.stepCount(), 0.125};
    session.markers = {{1.5, "lambda 0.001 -> 0.003"}, {2.0, "learning rate \"0.05\""}};

    PruneScanOptions scan;
    scan.levels = 12;
    scan.perLayerSensitivity = true;
    scan.precision = QuantizationSpec::integer(6);
    session.pruneScan = runPruneScan(session.model->network, data.split.test, scan);

    SessionSweep sweep;
    sweep.grid.l1 = {0.0, 1e-3};
    sweep.grid.sparsities = {0.0, 0.5};
    sweep.grid.precisions = {QuantizationSpec::float32(), QuantizationSpec::integer(4, QuantizationSpec::Granularity::PerRow)};
    sweep.options.architecture = session.architecture;
    sweep.options.training = session.training;
    sweep.options.epochs = 2;
    sweep.options.energy.dramRead32 = 600.0;
    sweep.result = runSweep(data.split.train, &data.split.test, sweep.options, sweep.grid);
    session.sweep = std::move(sweep);
    session.app = {{"view", "confusion"}, {"pace", 20.5}, {"lambda", 0.003}};
    return session;
}

DatasetRequest moons()
{
    return test::moonsRequest(120, 0.15, 5);
}

} // namespace

class TestSession : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_folder;
    Json m_valid;   // a valid session's JSON, edited by the malformed cases

    std::string path(const QString& name) const { return m_folder.filePath(name).toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        m_valid = sessionToJson(trainedSession(moons()));
    }

    void saveLoadSaveIsByteIdentical()
    {
        const Session session = trainedSession(moons());
        const std::string first = path("first.json");
        saveSession(first, session);
        const Session loaded = loadSession(first);
        const std::string second = path("second.json");
        saveSession(second, loaded);
        QVERIFY(readText(first) == readText(second));
        QVERIFY(readText(first).size() > 1000);

        QCOMPARE(toJson(loaded.dataset.request), toJson(session.dataset.request));
        QCOMPARE(loaded.dataset.checksum, session.dataset.checksum);
        QCOMPARE(loaded.architecture.describe(), session.architecture.describe());
        QCOMPARE(loaded.modelSeed, session.modelSeed);
        QCOMPARE(loaded.training.optimizer.learningRate, 0.05);
        QCOMPARE(loaded.training.regularization.l1, 3e-3);
        QCOMPARE(loaded.training.seed, std::uint64_t(11));
        QVERIFY(loaded.compression == session.compression);
        QVERIFY(loaded.progress == session.progress);
        QVERIFY(loaded.markers == session.markers);
        QCOMPARE(loaded.app, session.app);
        QCOMPARE(loaded.history.size(), session.history.size());
        for (std::size_t i = 0; i < session.history.size(); ++i) {
            QCOMPARE(loaded.history[i].testAccuracy, session.history[i].testAccuracy);
            QCOMPARE(loaded.history[i].trainLoss, session.history[i].trainLoss);
            QCOMPARE(loaded.history[i].step, session.history[i].step);
        }
        QVERIFY(loaded.model);
        const auto& before = session.model->network.layers();
        const auto& after = loaded.model->network.layers();
        QCOMPARE(after.size(), before.size());
        for (std::size_t l = 0; l < before.size(); ++l) {
            QVERIFY(bitIdentical(after[l].weights, before[l].weights));
            QVERIFY(after[l].mask == before[l].mask);
        }
        QCOMPARE(after[0].mask(2, 1), Scalar(0));

        QVERIFY(loaded.pruneScan && loaded.sweep);
        QCOMPARE(loaded.pruneScan->points.size(), std::size_t(12));
        QCOMPARE(loaded.pruneScan->layers.size(), std::size_t(3));
        QCOMPARE(loaded.pruneScan->layers[2].layer, 2);
        QVERIFY(loaded.pruneScan->precision == QuantizationSpec::integer(6));
        for (std::size_t i = 0; i < 12; ++i) {
            QCOMPARE(loaded.pruneScan->points[i].accuracy, session.pruneScan->points[i].accuracy);
            QCOMPARE(loaded.pruneScan->points[i].nonZeroWeights, session.pruneScan->points[i].nonZeroWeights);
        }
        QCOMPARE(loaded.sweep->result.rows.size(), std::size_t(8));
        for (std::size_t i = 0; i < 8; ++i) {
            const SweepRow& a = session.sweep->result.rows[i];
            const SweepRow& b = loaded.sweep->result.rows[i];
            QVERIFY(a.precision == b.precision);
            QCOMPARE(b.accuracy, a.accuracy);
            QCOMPARE(b.energyPj, a.energyPj);
            QCOMPARE(b.paretoSparsity, a.paretoSparsity);
        }
        QVERIFY(loaded.sweep->grid.precisions == session.sweep->grid.precisions);
        QCOMPARE(loaded.sweep->options.epochs, 2);
        QCOMPARE(loaded.sweep->options.energy.dramRead32, 600.0);
        QCOMPARE(loaded.sweep->options.architecture.describe(), session.architecture.describe());
    }

    void precisionLabelsReadBack()
    {
        for (const QuantizationSpec& spec :
             {QuantizationSpec::float32(), QuantizationSpec::parse("fp16"), QuantizationSpec::parse("bf16"),
              QuantizationSpec::integer(8), QuantizationSpec::integer(3, QuantizationSpec::Granularity::PerRow),
              QuantizationSpec::parse("ternary"), QuantizationSpec::parse("binary-row")})
            QVERIFY2(quantizationFromLabel(spec.label()) == spec, spec.label().c_str());
        QVERIFY_THROWS_EXCEPTION(ConfigError, quantizationFromLabel("int9"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, quantizationFromLabel("fp16 per row"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, quantizationFromLabel("8"));
    }

    void reopenedSessionGivesTheSameMetrics()
    {
        const Session session = trainedSession(moons());
        const std::string file = path("metrics.json");
        saveSession(file, session);
        const Session loaded = loadSession(file);
        const ResolvedDataset resolved = resolveDataset(loaded.dataset, file);
        QVERIFY(resolved.note.empty());
        const PreparedData data = prepareDataset(resolved.request);
        checkSessionFitsData(loaded, data, file);

        const PreparedData original = prepareDataset(moons());
        QVERIFY(bitIdentical(data.split.test.features, original.split.test.features));
        const Labels before = session.model->network.predict(original.split.test.features);
        const Labels after = loaded.model->network.predict(data.split.test.features);
        QVERIFY(before == after);
        const ClassificationReport a = classificationReport(original.split.test.labels, before, 2);
        const ClassificationReport b = classificationReport(data.split.test.labels, after, 2);
        QCOMPARE(a.accuracy, b.accuracy);
        QCOMPARE(a.macro.f1, b.macro.f1);
        QVERIFY(bitIdentical(loaded.model->network.probabilities(data.split.test.features),
                             session.model->network.probabilities(original.split.test.features)));
    }

    void sessionWithoutModelRoundTrips()
    {
        Session session;
        session.dataset = describeDataset(moons());
        session.architecture.hidden = {};
        const std::string file = path("empty-model.json");
        saveSession(file, session);
        const Session loaded = loadSession(file);
        QVERIFY(!loaded.model);
        QVERIFY(loaded.history.empty());
        QCOMPARE(loaded.architecture.describe(), std::string("logistic"));
    }

    void nonFiniteHistoryReadsBackAsNan()
    {
        Session session = trainedSession(moons());
        session.history.back().trainLoss = std::numeric_limits<double>::quiet_NaN();
        const std::string file = path("nan.json");
        saveSession(file, session);
        const Session loaded = loadSession(file);
        QVERIFY(std::isnan(loaded.history.back().trainLoss));
        saveSession(path("nan2.json"), loaded);
        QVERIFY(readText(file) == readText(path("nan2.json")));
    }

    // What the app saves from the live curves and puts back into them on opening.
    void historyConvertsBothWaysWithTheKeptFigures()
    {
        const Session session = trainedSession(moons());
        QVERIFY(!session.history.empty());
        const std::vector<HistoryPoint> points = historyFromReports(session.history);
        QCOMPARE(points.size(), session.history.size());
        for (std::size_t i = 0; i < points.size(); ++i) {
            const TrainingReport& report = session.history[i];
            QCOMPARE(points[i].epoch, report.epochProgress);
            QCOMPARE(points[i].trainLoss, report.trainLoss);
            QCOMPARE(points[i].trainAccuracy, report.trainAccuracy);
            QCOMPARE(points[i].testLoss, report.testLoss);
            QCOMPARE(points[i].testAccuracy, report.testAccuracy);
            QCOMPARE(points[i].testMacroF1, report.testMacroF1);
            QCOMPARE(points[i].sparsity, report.sparsity);
            QVERIFY(std::isnan(points[i].trainObjective));
            QVERIFY(points[i].shownAs.empty());
        }
        HistoryPoint inside;
        inside.epoch = 2.75;
        inside.testAccuracy = 0.5;
        const std::vector<TrainingReport> reports = reportsFromHistory({inside});
        QCOMPARE(reports.size(), std::size_t{1});
        QCOMPARE(reports[0].epoch, 2);
        QCOMPARE(reports[0].epochProgress, 2.75);
        QCOMPARE(reports[0].testAccuracy, 0.5);
        QCOMPARE(reports[0].step, 0L);
        QCOMPARE(reports[0].seconds, 0.0);
    }

    void modelSpecIsTheSessionsArchitectureAndSeed()
    {
        Session session;
        session.architecture.hidden = {5, 3};
        session.architecture.hiddenActivation = Activation::Tanh;
        session.modelSeed = 9;
        const ModelSpec model = modelSpecOf(session);
        QVERIFY(model.hidden == session.architecture.hidden);
        QVERIFY(model.activation == Activation::Tanh);
        QCOMPARE(model.seed, std::uint64_t{9});
    }

    void smallCsvIsEmbeddedAndUsedWhenTheFileIsGone()
    {
        const std::string csv = path("points.csv");
        std::string text = "x,y,label\n";
        for (int i = 0; i < 40; ++i)
            text += std::to_string(i % 7) + "," + std::to_string(i % 5) + "," + (i % 2 ? "yes" : "no") + "\n";
        writeText(csv, text);
        DatasetRequest request;
        request.nameOrPath = csv;
        const SessionDataset described = describeDataset(request);
        QVERIFY(described.source == SessionDataset::Source::CsvFile);
        QCOMPARE(described.request.csvText, text);
        QCOMPARE(described.bytes, std::uint64_t(text.size()));
        QCOMPARE(described.checksum, checksumFiles({csv}).text);

        Session session;
        session.dataset = described;
        session.architecture.inputs = 2;
        const std::string file = path("csv-session.json");
        saveSession(file, session);
        const Session loaded = loadSession(file);
        QCOMPARE(loaded.dataset.request.csvText, text);

        // Present and unchanged: the file itself, no note.
        ResolvedDataset resolved = resolveDataset(loaded.dataset, file);
        QVERIFY(resolved.note.empty());
        QVERIFY(resolved.request.csvText.empty());
        QCOMPARE(resolved.request.nameOrPath, csv);

        // Changed: the saved copy, with a note.
        writeText(csv, text + "9,9,yes\n");
        resolved = resolveDataset(loaded.dataset, file);
        QVERIFY(resolved.note.find("changed") != std::string::npos);
        QCOMPARE(resolved.request.csvText, text);
        QCOMPARE(prepareDataset(resolved.request).split.train.sampleCount()
                     + prepareDataset(resolved.request).split.test.sampleCount(),
                 40);

        // Gone: the saved copy, with a note.
        std::filesystem::remove(csv);
        resolved = resolveDataset(loaded.dataset, file);
        QVERIFY(resolved.note.find("not found") != std::string::npos);
        const PreparedData data = prepareDataset(resolved.request);
        QCOMPARE(data.split.train.classNames, (std::vector<std::string>{"no", "yes"}));
        QCOMPARE(data.split.train.name, std::string("points"));
    }

    void largeCsvIsReferencedAndMustBeUnchanged()
    {
        const std::string csv = path("large.csv");
        std::string text = "a,b,label\n";
        while (text.size() <= kEmbedCsvLimit)
            text += "0.125,-3.5,c" + std::to_string(text.size() % 3) + "\n";
        writeText(csv, text);
        DatasetRequest request;
        request.nameOrPath = csv;
        const SessionDataset described = describeDataset(request);
        QVERIFY(described.request.csvText.empty());
        QVERIFY(resolveDataset(described, path("s.json")).note.empty());

        writeText(csv, text + "1,1,c1\n");
        try {
            resolveDataset(described, path("s.json"));
            QFAIL("a changed file was accepted");
        } catch (const InputError& error) {
            QCOMPARE(error.file(), path("s.json"));
            QVERIFY2(std::string(error.what()).find("dataset.checksum") != std::string::npos, error.what());
        }
        std::filesystem::remove(csv);
        try {
            resolveDataset(described, path("s.json"));
            QFAIL("a missing file was accepted");
        } catch (const InputError& error) {
            QVERIFY2(std::string(error.what()).find("was not found") != std::string::npos, error.what());
        }
    }

    void movedCsvIsFoundNextToTheSession()
    {
        QTemporaryDir elsewhere;
        const std::string original = elsewhere.filePath("data.csv").toStdString();
        std::string text = "f,label\n";
        for (int i = 0; i < 2000; ++i) // 2000 rows: still small, but use a referenced-only copy below
            text += std::to_string(i) + "," + std::to_string(i % 2) + "\n";
        writeText(original, text);
        DatasetRequest request;
        request.nameOrPath = original;
        SessionDataset described = describeDataset(request);
        described.request.csvText.clear(); // as for a file too large to embed
        const std::string moved = path("data.csv");
        std::filesystem::copy_file(original, moved, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(original);
        const ResolvedDataset resolved = resolveDataset(described, path("moved-session.json"));
        QCOMPARE(resolved.request.nameOrPath, moved);
        QVERIFY(resolved.note.find(moved) != std::string::npos);
    }

    void gzipAndNonUtf8CsvAreNotEmbedded()
    {
        const std::string latin1 = path("latin1.csv");
        writeText(latin1, "x,label\n1,caf\xe9\n2,tea\n");
        DatasetRequest request;
        request.nameOrPath = latin1;
        QVERIFY(describeDataset(request).request.csvText.empty());
        QVERIFY(!describeDataset(request).checksum.empty());
    }

    void generatorsAndBundledSetsAreKeptAsRequests()
    {
        const SessionDataset generated = describeDataset(moons());
        QVERIFY(generated.source == SessionDataset::Source::Generator);
        QVERIFY(generated.checksum.empty());
        DatasetRequest iris;
        iris.nameOrPath = "iris";
        const SessionDataset bundled = describeDataset(iris);
        QVERIFY(bundled.source == SessionDataset::Source::Bundled);
        QCOMPARE(resolveDataset(bundled, "x.json").request.nameOrPath, std::string("iris"));
    }

    void idxFolderIsCheckedByChecksum()
    {
        QTemporaryDir idx;
        const auto writeBytes = [&](const char* name, std::vector<unsigned char> bytes) {
            std::ofstream out(idx.filePath(name).toStdString(), std::ios::binary);
            out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        };
        const std::vector<unsigned char> images = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2,
                                                   0, 255, 10, 20, 30, 40, 50, 60};
        const std::vector<unsigned char> labels = {0, 0, 8, 1, 0, 0, 0, 2, 0, 1};
        writeBytes("train-images-idx3-ubyte", images);
        writeBytes("train-labels-idx1-ubyte", labels);
        writeBytes("t10k-images-idx3-ubyte", images);
        writeBytes("t10k-labels-idx1-ubyte", labels);
        DatasetRequest request;
        request.nameOrPath = idx.path().toStdString();
        const SessionDataset described = describeDataset(request);
        QVERIFY(described.source == SessionDataset::Source::IdxFolder);
        QCOMPARE(described.bytes, std::uint64_t(2 * images.size() + 2 * labels.size()));
        QVERIFY(resolveDataset(described, path("idx.json")).note.empty());
        writeBytes("t10k-labels-idx1-ubyte", {0, 0, 8, 1, 0, 0, 0, 2, 1, 0});
        QVERIFY_THROWS_EXCEPTION(InputError, resolveDataset(described, path("idx.json")));
    }

    void checksumIsFnv1a()
    {
        // Published FNV-1a 64 test vectors.
        QCOMPARE(fnv1a64(""), 0xcbf29ce484222325ull);
        QCOMPARE(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
        QCOMPARE(fnv1a64("foobar"), 0x85944171f73967e8ull);
        Fnv1a64 pieces;
        pieces.add("foo");
        pieces.add("bar");
        QCOMPARE(pieces.text(), std::string("fnv1a64:85944171f73967e8"));
    }

    void dataThatDoesNotFitIsRejected()
    {
        const Session session = trainedSession(moons());
        DatasetRequest blobs;
        blobs.nameOrPath = "blobs";
        blobs.classes = 3;
        const PreparedData other = prepareDataset(blobs);
        try {
            checkSessionFitsData(session, other, "s.json");
            QFAIL("3 classes accepted for a binary model");
        } catch (const InputError& error) {
            QVERIFY2(std::string(error.what()).find("architecture.classes") != std::string::npos, error.what());
        }
    }

    void malformedSessionsAreRejected_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("field");
        // The edits are applied in malformedSessionsAreRejected by name.
        const char* cases[][2] = {
            {"version 2", "version"},
            {"version as string", "version"},
            {"version missing", "version"},
            {"format of a model file", "format"},
            {"other format", "format"},
            {"dataset missing", "dataset"},
            {"dataset not an object", "dataset"},
            {"dataset name a number", "dataset.request.name"},
            {"test fraction 1", "dataset.request.test_fraction"},
            {"source unknown", "dataset.source"},
            {"source does not fit", "dataset.source"},
            {"embedded copy edited", "dataset.embedded_csv"},
            {"seed negative", "dataset.request.seed"},
            {"hidden not an array", "architecture.hidden"},
            {"hidden size zero", "architecture.hidden[0]"},
            {"activation unknown", "architecture.activation"},
            {"learning rate text", "training.optimizer.learning_rate"},
            {"learning rate negative", "training"},
            {"optimizer unknown", "training.optimizer.kind"},
            {"batch zero", "training.batch_size"},
            {"criterion unknown", "compression.pruning.criterion"},
            {"target sparsity 2", "compression.pruning"},
            {"per-layer targets of wrong length", "compression.pruning.per_layer"},
            {"per-layer targets too many in global scope", "compression.pruning.per_layer"},
            {"classes 5 for moons without a model", "architecture.classes"},
            {"inputs 3 for moons without a model", "architecture.inputs"},
            {"model class names of other data", "model.classNames"},
            {"bits do not fit", "compression.precision.bits"},
            {"int 9 bits", "compression.precision.bits"},
            {"model weights row short", "model.layers[0].weights[1]"},
            {"model weight a string", "model.layers[1].weights[0][2]"},
            {"model mask 2", "model.layers[0].mask[0][0]"},
            {"model layers missing", "model.layers"},
            {"model of another architecture", "model.architecture.hidden"},
            {"model version", "model.version"},
            {"model a string", "model"},
            {"history not an array", "history"},
            {"history entry text", "history[1].test_accuracy"},
            {"history epoch negative", "history[0].epoch"},
            {"marker without text", "markers[0].text"},
            {"progress steps float", "progress.steps"},
            {"app an array", "app"},
            {"top level array", "(top level)"},
            {"scan layer beyond the model", "prune_scan.layer_sensitivity[0].layer"},
            {"scan precision unknown", "prune_scan.precision"},
            {"scan point accuracy text", "prune_scan.points[3].accuracy"},
            {"sweep row penalty", "sweep.result.rows[1].penalty"},
            {"sweep row flag", "sweep.result.rows[0].diverged"},
            {"sweep grid sparsity 2", "sweep.grid"},
            {"sweep options one fold", "sweep.options"},
            {"sweep training batch", "sweep.options.training.batch_size"},
            {"sweep energy negative", "sweep.options.energy.dram_read32_pj"},
            {"hidden 30000x30000 without a model", "architecture"},
            {"sweep hidden 30000x30000", "sweep.options.hidden"},
        };
        for (const auto& c : cases)
            QTest::newRow(c[0]) << QString(c[0]) << QString(c[1]);
    }

    void malformedSessionsAreRejected()
    {
        QFETCH(QString, name);
        QFETCH(QString, field);
        Json j = m_valid;
        const std::string n = name.toStdString();
        if (n == "version 2") j["version"] = 2;
        else if (n == "version as string") j["version"] = "1";
        else if (n == "version missing") j.erase("version");
        else if (n == "format of a model file") j["format"] = "sparsescope-model";
        else if (n == "other format") j["format"] = "something";
        else if (n == "dataset missing") j.erase("dataset");
        else if (n == "dataset not an object") j["dataset"] = 3;
        else if (n == "dataset name a number") j["dataset"]["request"]["name"] = 5;
        else if (n == "test fraction 1") j["dataset"]["request"]["test_fraction"] = 1.0;
        else if (n == "source unknown") j["dataset"]["source"] = "ftp";
        else if (n == "source does not fit") j["dataset"]["source"] = "bundled";
        else if (n == "embedded copy edited") {
            j["dataset"]["source"] = "csv-file";
            j["dataset"]["request"]["name"] = "x.csv";
            j["dataset"]["checksum"] = "fnv1a64:0000000000000000";
            j["dataset"]["embedded_csv"] = "a,b\n1,2\n";
        }
        else if (n == "seed negative") j["dataset"]["request"]["seed"] = -1;
        else if (n == "hidden not an array") j["architecture"]["hidden"] = "6,4";
        else if (n == "hidden size zero") j["architecture"]["hidden"][0] = 0;
        else if (n == "activation unknown") j["architecture"]["activation"] = "swish";
        else if (n == "learning rate text") j["training"]["optimizer"]["learning_rate"] = "fast";
        else if (n == "learning rate negative") j["training"]["optimizer"]["learning_rate"] = -0.1;
        else if (n == "optimizer unknown") j["training"]["optimizer"]["kind"] = "lbfgs";
        else if (n == "batch zero") j["training"]["batch_size"] = 0;
        else if (n == "criterion unknown") j["compression"]["pruning"]["criterion"] = "random";
        else if (n == "target sparsity 2") j["compression"]["pruning"]["target_sparsity"] = 2.0;
        else if (n == "per-layer targets of wrong length") {
            j["compression"]["pruning"]["scope"] = "per-layer";
            j["compression"]["pruning"]["per_layer"] = {0.1, 0.2};
        }
        else if (n == "per-layer targets too many in global scope") j["compression"]["pruning"]["per_layer"] = {0.1, 0.2, 0.3, 0.4, 0.5};
        else if (n == "classes 5 for moons without a model") {
            j["model"] = nullptr;
            j["architecture"]["classes"] = 5;
        }
        else if (n == "inputs 3 for moons without a model") {
            j["model"] = nullptr;
            j["architecture"]["inputs"] = 3;
        }
        else if (n == "model class names of other data") j["model"]["classNames"] = {"benign", "malignant"};
        else if (n == "bits do not fit") j["compression"]["precision"] = {{"format", "fp16"}, {"bits", 8}, {"granularity", "per-tensor"}};
        else if (n == "int 9 bits") j["compression"]["precision"]["bits"] = 9;
        else if (n == "model weights row short") j["model"]["layers"][0]["weights"][1].erase(0);
        else if (n == "model weight a string") j["model"]["layers"][1]["weights"][0][2] = "0.5";
        else if (n == "model mask 2") j["model"]["layers"][0]["mask"][0][0] = 2;
        else if (n == "model layers missing") j["model"].erase("layers");
        else if (n == "model of another architecture") j["architecture"]["hidden"] = {6, 5};
        else if (n == "model version") j["model"]["version"] = 99;
        else if (n == "model a string") j["model"] = "weights.json";
        else if (n == "history not an array") j["history"] = Json::object();
        else if (n == "history entry text") j["history"][1]["test_accuracy"] = "high";
        else if (n == "history epoch negative") j["history"][0]["epoch"] = -1;
        else if (n == "marker without text") j["markers"][0].erase("text");
        else if (n == "progress steps float") j["progress"]["steps"] = 1.5;
        else if (n == "app an array") j["app"] = Json::array();
        else if (n == "top level array") j = Json::array({1, 2});
        else if (n == "scan layer beyond the model") j["prune_scan"]["layer_sensitivity"][0]["layer"] = 4;
        else if (n == "scan precision unknown") j["prune_scan"]["precision"] = "int12";
        else if (n == "scan point accuracy text") j["prune_scan"]["points"][3]["accuracy"] = "0.9";
        else if (n == "sweep row penalty") j["sweep"]["result"]["rows"][1]["penalty"] = "l3";
        else if (n == "sweep row flag") j["sweep"]["result"]["rows"][0]["diverged"] = 0;
        else if (n == "sweep grid sparsity 2") j["sweep"]["grid"]["sparsities"][1] = 2.0;
        else if (n == "sweep options one fold") j["sweep"]["options"]["folds"] = 1;
        else if (n == "sweep training batch") j["sweep"]["options"]["training"]["batch_size"] = "big";
        else if (n == "sweep energy negative") j["sweep"]["options"]["energy"]["dram_read32_pj"] = -640;
        else if (n == "hidden 30000x30000 without a model") {
            j["model"] = nullptr;
            j["architecture"]["hidden"] = {30000, 30000};
        }
        else if (n == "sweep hidden 30000x30000") j["sweep"]["options"]["hidden"] = {30000, 30000};
        else QFAIL("unknown case");

        const std::string file = path("bad.json");
        writeText(file, j.dump());
        try {
            loadSession(file);
            QFAIL("accepted");
        } catch (const InputError& error) {
            QCOMPARE(error.file(), file);
            const std::string expected = field.toStdString() + ":";
            QVERIFY2(error.problem().rfind(expected, 0) == 0, error.what());
        }
    }

    void unreadableFilesAreRejected()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, loadSession(path("no-such-session.json")));
        writeText(path("blank.json"), " \n");
        try {
            loadSession(path("blank.json"));
            QFAIL("empty file accepted");
        } catch (const InputError& error) {
            QVERIFY2(std::string(error.what()).find("empty file") != std::string::npos, error.what());
        }
        writeText(path("syntax.json"), "{\n \"format\": \"sparsescope-session\",\n \"version\": 1,,\n}\n");
        try {
            loadSession(path("syntax.json"));
            QFAIL("bad JSON accepted");
        } catch (const InputError& error) {
            QCOMPARE(error.line(), 3);
            QCOMPARE(error.column(), 15);
        }
    }

    void failedSaveKeepsTheOldFile()
    {
        const std::string file = path("kept.json");
        writeText(file, "old session");
        Session broken = trainedSession(moons());
        broken.model->network.layers()[1].weights(0, 0) = std::numeric_limits<float>::infinity();
        QVERIFY_THROWS_EXCEPTION(ConfigError, saveSession(file, broken));
        QCOMPARE(readText(file), std::string("old session"));

        // A folder that cannot exist: its parent is a regular file (fails even for root).
        const std::string blocked = path("kept.json") + "/inside/session.json";
        QVERIFY_THROWS_EXCEPTION(InputError, saveSession(blocked, trainedSession(moons())));
        QCOMPARE(readText(file), std::string("old session"));

        // A target that is a non-empty folder is not replaced.
        const std::string folder = path("occupied");
        std::filesystem::create_directories(folder + "/child");
        QVERIFY_THROWS_EXCEPTION(InputError, saveSession(folder, trainedSession(moons())));
        QVERIFY(std::filesystem::is_directory(folder + "/child"));
        for (const auto& entry : std::filesystem::directory_iterator(m_folder.path().toStdString()))
            QVERIFY2(entry.path().filename().string().find("sparsescope-tmp") == std::string::npos, entry.path().c_str());
    }

    // Hostile files: nesting that would overflow the stack of a recursive dump or copy, numbers
    // beyond a double, and values so long that quoting them whole would flood the terminal.
    void hostileJsonIsRefusedWithAShortMessage_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("replacement");
        QTest::addColumn<QString>("expected");
        const QString deepArrays = QString("[").repeated(50000) + QString("]").repeated(50000);
        const QString deepObjects = QString("{\"a\":").repeated(100000) + "{}" + QString("}").repeated(100000);
        QTest::newRow("version in 50,000 arrays") << "version" << deepArrays << "nested deeper than";
        QTest::newRow("model_seed in 50,000 arrays") << "model_seed" << deepArrays << "nested deeper than";
        QTest::newRow("app with 100,000 objects") << "app" << deepObjects << "nested deeper than";
        QTest::newRow("1e999 learning rate") << "progress" << "1e999" << "not valid JSON";
        QTest::newRow("version a long array") << "version" << "[" + QString("1,").repeated(100000) + "1]"
                                              << "version: expected an integer, got array of 100001 entries";
        QTest::newRow("format a long string") << "format" << "\"" + QString("x").repeated(100000) + "\""
                                              << "format: expected \"sparsescope-session\", got \"xxx";
    }

    void hostileJsonIsRefusedWithAShortMessage()
    {
        QFETCH(QString, field);
        QFETCH(QString, replacement);
        QFETCH(QString, expected);
        Json j = m_valid;
        j[field.toStdString()] = "REPLACED-BY-THE-TEST";
        std::string text = j.dump();
        const std::string marker = "\"REPLACED-BY-THE-TEST\"";
        text.replace(text.find(marker), marker.size(), replacement.toStdString());
        const std::string file = path("hostile.json");
        writeText(file, text);
        try {
            loadSession(file);
            QFAIL("accepted");
        } catch (const InputError& error) {
            QCOMPARE(error.file(), file);
            QVERIFY2(std::string(error.what()).find(expected.toStdString()) != std::string::npos, error.what());
            QVERIFY2(std::strlen(error.what()) < 300, error.what());
        }
    }

    void errorsInAnEmbeddedCsvNameTheSession()
    {
        Session session = trainedSession(moons());
        session.dataset.source = SessionDataset::Source::CsvFile;
        session.dataset.request.nameOrPath = path("gone.csv");
        session.dataset.request.csvText = "x,y\n1,a\n2,b\nthree,a\n";
        Fnv1a64 hash;
        hash.add(session.dataset.request.csvText);
        session.dataset.checksum = hash.text();
        const std::string file = path("embedded.json");
        const ResolvedDataset resolved = resolveDataset(session.dataset, file);
        try {
            prepareDataset(resolved.request);
            QFAIL("accepted");
        } catch (const InputError& error) {
            QVERIFY2(error.file().find(file) == 0, error.what());
            QVERIFY2(error.file().find("dataset.embedded_csv") != std::string::npos, error.what());
            QCOMPARE(error.line(), 4);
        }
    }

    void nestingWithinTheLimitIsRead()
    {
        Json j = m_valid;
        Json nested = Json::object();
        for (int i = 0; i < kMaxJsonDepth - 2; ++i)
            nested = Json{{"a", nested}};
        j["app"] = nested;
        const std::string file = path("deep-but-fine.json");
        writeText(file, j.dump());
        QCOMPARE(loadSession(file).app, nested);
    }

    void oversizedFileIsRefusedBeforeParsing()
    {
        const std::string file = path("huge.json");
        {
            std::ofstream out(file, std::ios::binary);
            out << "[";
            const std::string block(1 << 20, ' ');
            for (std::size_t i = 0; i <= (kMaxJsonFileBytes >> 20); ++i)
                out << block;
            out << "]";
        }
        try {
            loadSession(file);
            QFAIL("accepted");
        } catch (const InputError& error) {
            QCOMPARE(error.file(), file);
            QVERIFY2(std::string(error.what()).find("MiB") != std::string::npos, error.what());
        }
        std::filesystem::remove(file);
        // A folder or a named pipe is not read (a pipe would block the reader).
        QVERIFY_THROWS_EXCEPTION(InputError, loadSession(m_folder.path().toStdString()));
    }
};

QTEST_APPLESS_MAIN(TestSession)
#include "tst_session.moc"
