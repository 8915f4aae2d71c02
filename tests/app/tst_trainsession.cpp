// `train --session FILE`: the session written by the headless command opens again with the
// same model, history and metrics; a failed write exits 1 and leaves things as they were.
#include "CommandRunner.h"
#include "cli/Command.h"
#include "cli/SessionOutput.h"
#include "common/Error.h"
#include "metrics/Metrics.h"
#include "session/Session.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ss;
using namespace ss::cli;
using ss::test::Outcome;
using ss::test::run;

class TestTrainSession : public QObject {
    Q_OBJECT
private slots:
    void trainWritesASessionThatReopens()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("moons.session.json");
        const Outcome o = run({"train", "--dataset", "moons", "--samples", "160", "--model", "6", "--epochs", "7",
                               "--lr", "0.05", "--l1", "0.002", "--seed", "3", "--session", file});
        QCOMPARE(o.exitCode, 0);
        const nlohmann::json printed = nlohmann::json::parse(o.out);
        QCOMPARE(QString::fromStdString(printed["session"].get<std::string>()), QFileInfo(file).absoluteFilePath());

        const Session session = loadSession(file.toStdString());
        QVERIFY(session.dataset.source == SessionDataset::Source::Generator);
        QCOMPARE(session.dataset.request.samples, 160);
        QCOMPARE(session.dataset.request.seed, std::uint64_t(3));
        QCOMPARE(session.architecture.describe(), std::string("6 relu"));
        QCOMPARE(session.training.regularization.l1, 0.002);
        QCOMPARE(session.training.epochs, 7);
        QCOMPARE(session.history.size(), std::size_t(7));
        QCOMPARE(session.progress.epoch, 7);
        QCOMPARE(session.progress.steps, session.history.back().step);
        QVERIFY(session.model);

        // The reopened model on the reproduced data gives the accuracy the command printed.
        const PreparedData data = prepareDataset(resolveDataset(session.dataset, file.toStdString()).request);
        checkSessionFitsData(session, data, file.toStdString());
        const Labels predicted = session.model->network.predict(data.split.test.features);
        const ClassificationReport report = classificationReport(data.split.test.labels, predicted, 2);
        QCOMPARE(report.accuracy, printed["test"]["accuracy"].get<double>());
        QCOMPARE(session.history.back().testAccuracy, printed["history"].back()["test_accuracy"].get<double>());
    }

    void smallCsvIsEmbedded()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath("tiny.csv");
        {
            std::ofstream out(csv.toStdString());
            out << "a,b,label\n";
            for (int i = 0; i < 30; ++i)
                out << i << ',' << (i * 7) % 11 << ',' << (i % 3 == 0 ? "x" : "y") << '\n';
        }
        const QString file = dir.filePath("csv.session.json");
        const Outcome o = run({"train", "--dataset", csv, "--model", "logistic", "--epochs", "2", "--session", file});
        QCOMPARE(o.exitCode, 0);
        const Session session = loadSession(file.toStdString());
        QVERIFY(session.dataset.source == SessionDataset::Source::CsvFile);
        QVERIFY(!session.dataset.request.csvText.empty());
        std::filesystem::remove(csv.toStdString());
        const ResolvedDataset resolved = resolveDataset(session.dataset, file.toStdString());
        QVERIFY(!resolved.note.empty());
        QCOMPARE(prepareDataset(resolved.request).split.train.classCount(), 2);
    }

    void pruneScanAndSweepWriteSessions()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("model.json");
        QCOMPARE(run({"train", "--dataset", "iris", "--model", "8", "--epochs", "20", "--lr", "0.05", "--save", model}).exitCode, 0);

        const QString pruned = dir.filePath("pruned.session.json");
        Outcome o = run({"prune", "--model", model, "--sparsity", "0.6", "--bits", "4", "--session", pruned});
        QCOMPARE(o.exitCode, 0);
        const nlohmann::json printed = nlohmann::json::parse(o.out);
        Session session = loadSession(pruned.toStdString());
        QVERIFY(session.model);
        QVERIFY(session.dataset.source == SessionDataset::Source::Bundled);
        QVERIFY(session.compression.precision == QuantizationSpec::integer(4));
        long zeros = 0;
        for (const DenseLayer& layer : session.model->network.layers())
            zeros += static_cast<long>((layer.mask.array() == 0).count());
        QCOMPARE(double(zeros) / double(session.model->network.weightCount()),
                 printed["pruning"]["achieved_sparsity"].get<double>());

        const QString scanned = dir.filePath("scan.session.json");
        o = run({"scan", "--model", model, "--out", dir.filePath("scan.csv"), "--levels", "15", "--session", scanned});
        QCOMPARE(o.exitCode, 0);
        session = loadSession(scanned.toStdString());
        QVERIFY(session.pruneScan);
        QCOMPARE(session.pruneScan->points.size(), std::size_t(15));

        const QString swept = dir.filePath("sweep.session.json");
        o = run({"sweep", "--dataset", "iris", "--model", "logistic", "--epochs", "5", "--l1", "0.001,0.01", "--sparsity",
                 "0,0.5", "--bits", "32,4", "--out", dir.filePath("sweep"), "--session", swept});
        QCOMPARE(o.exitCode, 0);
        session = loadSession(swept.toStdString());
        QVERIFY(!session.model);
        QVERIFY(session.sweep);
        QCOMPARE(session.sweep->result.rows.size(), std::size_t(8));
        QCOMPARE(session.sweep->grid.l1, (std::vector<double>{0.001, 0.01}));
        QCOMPARE(session.architecture.inputs, 4);
        QCOMPARE(session.architecture.classes, 3);
        QCOMPARE(session.sweep->options.epochs, 5);
    }

    // A session is refused, naming the file and the field, when its sweep is larger than a
    // sweep may be (the grid or the folds beyond the stated limits).
    void sweepBeyondTheLimitsInASessionIsRefused()
    {
        QTemporaryDir dir;
        const QString swept = dir.filePath("sweep.session.json");
        const Outcome o = run({"sweep", "--dataset", "xor", "--model", "logistic", "--epochs", "1", "--l1", "0.001",
                               "--out", dir.filePath("sweep"), "--session", swept});
        QCOMPARE(o.exitCode, 0);
        nlohmann::json json;
        std::ifstream(swept.toStdString()) >> json;
        // The message of the refusal (which must name the file), or "" when the file loads.
        const auto refusal = [&](const nlohmann::json& edited) -> std::string {
            const std::string file = dir.filePath("edited.json").toStdString();
            std::ofstream(file) << edited.dump();
            try {
                loadSession(file);
            } catch (const InputError& error) {
                return error.file() == file ? error.what() : "another file named: " + error.file();
            }
            return {};
        };
        QVERIFY(refusal(json).empty());
        nlohmann::json edited = json;
        edited["sweep"]["grid"]["l1"] = std::vector<double>(kMaxSweepListValues + 1, 0.01);
        std::string message = refusal(edited);
        QVERIFY2(message.find("sweep.grid") != std::string::npos && message.find("1001 values") != std::string::npos,
                 message.c_str());
        edited = json;
        edited["sweep"]["grid"]["l1"] = std::vector<double>(200, 0.01);
        edited["sweep"]["grid"]["sparsities"] = std::vector<double>(51, 0.5);
        message = refusal(edited);
        QVERIFY2(message.find("10200 configurations") != std::string::npos, message.c_str());
        edited = json;
        edited["sweep"]["options"]["folds"] = kMaxSweepFolds + 1;
        message = refusal(edited);
        QVERIFY2(message.find("sweep.options") != std::string::npos && message.find("folds") != std::string::npos,
                 message.c_str());
    }

    void sweepPlotsGoThroughASession()
    {
        QTemporaryDir dir;
        const QStringList sweep = {"sweep", "--dataset", "xor", "--model", "logistic", "--epochs", "2", "--l1", "0.001",
                                   "--out", dir.filePath("out"), "--plots"};
        // A build without the GUI has no plotter: a usage error that says why.
        setSessionPlotter({});
        Outcome o = run(sweep);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.find("desktop build") != std::string::npos, o.err.c_str());

        // With one (the desktop build installs the app's), it gets a valid session and the folder.
        QString givenSession, givenFolder;
        setSessionPlotter([&](const QString& session, const QString& folder, QString*) {
            givenSession = session;
            givenFolder = folder;
            return QStringList{folder + "/tradeoff-sweep.png"};
        });
        o = run(sweep);
        setSessionPlotter({});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(givenFolder, dir.filePath("out"));
        QCOMPARE(givenSession, dir.filePath("out") + "/session.json");
        const Session session = loadSession(givenSession.toStdString());
        QVERIFY(session.sweep && session.sweep->result.rows.size() == 1);
        const nlohmann::json printed = nlohmann::json::parse(o.out);
        QCOMPARE(printed["plots"][0].get<std::string>(), (dir.filePath("out") + "/tradeoff-sweep.png").toStdString());

        // A plotter that fails makes the command fail with its reason.
        setSessionPlotter([](const QString&, const QString&, QString* error) {
            *error = "no display";
            return QStringList();
        });
        o = run(sweep);
        setSessionPlotter({});
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.find("no display") != std::string::npos, o.err.c_str());
    }

    void unwritableSessionExitsOne()
    {
        QTemporaryDir dir;
        const QString blocker = dir.filePath("plain-file");
        std::ofstream(blocker.toStdString()) << "keep me";
        const Outcome o = run({"train", "--dataset", "xor", "--epochs", "1", "--session", blocker + "/s.json"});
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.find("plain-file/s.json") != std::string::npos, o.err.c_str());
        std::ifstream in(blocker.toStdString());
        std::string text;
        std::getline(in, text);
        QCOMPARE(text, std::string("keep me"));

        const QString occupied = dir.filePath("occupied");
        QDir().mkpath(occupied + "/child");
        QCOMPARE(run({"train", "--dataset", "xor", "--epochs", "1", "--session", occupied}).exitCode, 1);
        QVERIFY(QFileInfo(occupied + "/child").isDir());
    }
};

QTEST_APPLESS_MAIN(TestTrainSession)
#include "tst_trainsession.moc"
