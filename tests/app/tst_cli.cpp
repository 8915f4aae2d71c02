// The headless commands driven in-process: JSON out, exit codes, messages.
#include "cli/Command.h"

#include <QtTest>
#include <QTemporaryDir>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace ss::cli;

namespace {

struct Outcome {
    int exitCode = -1;
    std::string out;
    std::string err;
    nlohmann::json json() const { return nlohmann::json::parse(out); }
};

Outcome run(const QStringList& arguments)
{
    std::ostringstream out, err;
    const CommandInfo* command = findHeadlessCommand(arguments.value(0));
    if (!command)
        qFatal("no such command");
    Outcome outcome;
    outcome.exitCode = command->run(arguments, {out, err});
    outcome.out = out.str();
    outcome.err = err.str();
    return outcome;
}

void writeText(const QString& path, const std::string& text)
{
    std::ofstream(path.toStdString(), std::ios::binary) << text;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void trainPrintsHistoryAndMetrics();
    void trainSavesModel();
    void trainRejectsBadArguments_data();
    void trainRejectsBadArguments();
    void trainReportsMissingFile();
    void helpExitsZero();
    void metricsOfArticleTable();
    void metricsWithClassNames();
    void metricsReportsBadFile();
    void pruneScanAndSweep();
    void pruneRejectsBadArguments();
    void pathFitsEveryRowExactly();
    void pathEvaluatesOnATestFile();
    void pathRejectsBadArguments();
    void trainExactSolverIsTheDefaultForTheLasso();
};

void TestCli::trainPrintsHistoryAndMetrics()
{
    const Outcome o = run({"train", "--dataset", "article", "--model", "logistic", "--lr", "0.1", "--epochs", "60",
                           "--batch", "10"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json j = o.json();
    QCOMPARE(j["history"].size(), std::size_t(60));
    QVERIFY(j["test"]["accuracy"].get<double>() >= 0.9);
    QCOMPARE(j["test"]["confusion_matrix"].size(), std::size_t(2));
    QCOMPARE(j["model"]["parameters"].get<long>(), 3L);
    QVERIFY(j["training"]["train_seconds"].get<double>() >= 0.0);
    QVERIFY(j["sparsity"].contains("hoyer"));
}

void TestCli::trainSavesModel()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("model.json");
    const Outcome o = run({"train", "--dataset", "iris", "--model", "8", "--epochs", "5", "--save", path});
    QCOMPARE(o.exitCode, 0);
    std::ifstream in(path.toStdString());
    QVERIFY(in.good());
    const nlohmann::json saved = nlohmann::json::parse(in);
    QVERIFY(saved.is_object());
}

void TestCli::trainRejectsBadArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown option") << QStringList{"train", "--frobnicate"};
    QTest::newRow("negative lr") << QStringList{"train", "--lr", "-1"};
    QTest::newRow("lr not a number") << QStringList{"train", "--lr", "fast"};
    QTest::newRow("bad model") << QStringList{"train", "--model", "16,x"};
    QTest::newRow("bad optimizer") << QStringList{"train", "--optimizer", "lbfgs"};
    QTest::newRow("unknown dataset") << QStringList{"train", "--dataset", "no-such-set"};
    QTest::newRow("stray argument") << QStringList{"train", "extra"};
}

void TestCli::trainRejectsBadArguments()
{
    QFETCH(QStringList, arguments);
    const Outcome o = run(arguments);
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.find("Usage") != std::string::npos || o.err.find("usage") != std::string::npos, o.err.c_str());
}

void TestCli::trainReportsMissingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("ragged.csv");
    writeText(path, "a,b,label\n1,2,0\n3,4\n");
    const Outcome o = run({"train", "--dataset", path});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.find("ragged.csv:3") != std::string::npos, o.err.c_str());
}

void TestCli::helpExitsZero()
{
    for (const CommandInfo& command : headlessCommands()) {
        const Outcome o = run({command.name, "--help"});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.find("--help") != std::string::npos);
    }
}

void TestCli::metricsOfArticleTable()
{
    // The article's table: 1-40 positive/predicted positive, 41-60 negative/negative,
    // 61-100 negative/predicted positive.
    std::string csv = "y_true,y_pred\n";
    for (int i = 1; i <= 100; ++i)
        csv += std::string(i <= 40 ? "1" : "0") + "," + (i <= 40 || i > 60 ? "1" : "0") + "\n";
    QTemporaryDir dir;
    writeText(dir.filePath("article.csv"), csv);
    const Outcome o = run({"metrics", "--csv", dir.filePath("article.csv")});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json j = o.json();
    QCOMPARE(j["accuracy"].get<double>(), 0.6);
    QCOMPARE(j["precision"].get<double>(), 0.5);
    QCOMPARE(j["recall"].get<double>(), 1.0);
    QVERIFY(std::abs(j["f1"].get<double>() - 2.0 / 3.0) < 1e-9);
    QCOMPARE(j["confusion_matrix"][0][1].get<long>(), 40L);
}

void TestCli::metricsWithClassNames()
{
    QTemporaryDir dir;
    writeText(dir.filePath("names.csv"), "y_true;y_pred\r\ncat;cat\r\ndog;cat\r\nbird;bird\r\ndog;dog\r\n");
    const Outcome o = run({"metrics", "--csv", dir.filePath("names.csv")});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json j = o.json();
    QCOMPARE(j["samples"].get<long>(), 4L);
    QCOMPARE(j["accuracy"].get<double>(), 0.75);
    QCOMPARE(j["classes"].size(), std::size_t(3));
}

void TestCli::metricsReportsBadFile()
{
    QTemporaryDir dir;
    writeText(dir.filePath("bad.csv"), "y_true,y_pred\n1,0\n1\n");
    Outcome o = run({"metrics", "--csv", dir.filePath("bad.csv")});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.find("bad.csv:3") != std::string::npos, o.err.c_str());
    o = run({"metrics", "--csv", dir.filePath("absent.csv")});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.find("absent.csv") != std::string::npos, o.err.c_str());
    o = run({"metrics"});
    QCOMPARE(o.exitCode, 2);
}

void TestCli::pruneScanAndSweep()
{
    QTemporaryDir dir;
    const QString model = dir.filePath("cancer.json");
    QCOMPARE(run({"train", "--dataset", "breast-cancer", "--model", "16", "--epochs", "20", "--save", model}).exitCode, 0);

    Outcome o = run({"prune", "--model", model, "--sparsity", "0.8", "--bits", "8", "--per-row", "--finetune-epochs", "2",
                     "--save", dir.filePath("pruned.json")});
    QCOMPARE(o.exitCode, 0);
    nlohmann::json j = o.json();
    QVERIFY(std::abs(j["pruning"]["achieved_sparsity"].get<double>() - 0.8) < 0.01);
    QVERIFY(j["evaluation"]["metrics"]["accuracy"].get<double>() > 0.85);
    QVERIFY(QFile::exists(dir.filePath("pruned.json")));
    // The saved pruned model prunes no further at sparsity 0 and keeps its zeros.
    o = run({"prune", "--model", dir.filePath("pruned.json"), "--sparsity", "0"});
    QCOMPARE(o.exitCode, 0);
    QVERIFY(o.json()["evaluation"]["weights"]["sparsity"].get<double>() >= 0.79);

    o = run({"scan", "--model", model, "--out", dir.filePath("scan.csv"), "--levels", "20"});
    QCOMPARE(o.exitCode, 0);
    QFile scan(dir.filePath("scan.csv"));
    QVERIFY(scan.open(QIODevice::ReadOnly));
    QCOMPARE(scan.readAll().count('\n'), 21);

    o = run({"sweep", "--dataset", "iris", "--model", "logistic", "--epochs", "10", "--l1", "0.001:0.1:3", "--bits",
             "32,4", "--out", dir.filePath("sweep")});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.json()["configurations"].get<int>(), 6);
    QVERIFY(!o.json()["pareto_accuracy_sparsity"].empty());
    QVERIFY(QFile::exists(dir.filePath("sweep/results.csv")));
    QVERIFY(QFile::exists(dir.filePath("sweep/results.json")));
    QVERIFY(o.err.find("6/6") != std::string::npos);
}

void TestCli::pruneRejectsBadArguments()
{
    QTemporaryDir dir;
    QCOMPARE(run({"prune", "--sparsity", "0.5"}).exitCode, 2);                       // no model
    QCOMPARE(run({"prune", "--model", dir.filePath("absent.json"), "--sparsity", "0.5"}).exitCode, 1);
    const QString model = dir.filePath("m.json");
    QCOMPARE(run({"train", "--dataset", "iris", "--model", "logistic", "--epochs", "1", "--save", model}).exitCode, 0);
    QCOMPARE(run({"prune", "--model", model}).exitCode, 2);                           // neither criterion
    QCOMPARE(run({"prune", "--model", model, "--sparsity", "0.5", "--threshold", "0.1"}).exitCode, 2);
    QCOMPARE(run({"prune", "--model", model, "--sparsity", "0.5", "--bits", "5.5"}).exitCode, 2);
    const Outcome mismatch = run({"prune", "--model", model, "--sparsity", "0.5", "--dataset", "breast-cancer"});
    QCOMPARE(mismatch.exitCode, 1);
    QVERIFY2(mismatch.err.find("features") != std::string::npos, mismatch.err.c_str());
    QCOMPARE(run({"sweep", "--dataset", "iris", "--l1", "1:0:3", "--out", dir.path()}).exitCode, 2);
}

void TestCli::pathFitsEveryRowExactly()
{
    const Outcome o = run({"path", "--dataset", "breast-cancer", "--test-fraction", "0", "--lambdas", "6", "--min-ratio", "0.001"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json j = o.json();
    QCOMPARE(j["dataset"]["train_samples"].get<int>(), 569);
    QCOMPARE(j["dataset"]["test_samples"].get<int>(), 0);
    QCOMPARE(j["model"]["family"].get<std::string>(), std::string("binomial"));
    QVERIFY(j["standardization"]["solver"]["standardized"].get<bool>());
    QCOMPARE(j["standardization"]["solver"]["scale"].size(), std::size_t(30));
    const nlohmann::json& path = j["path"];
    QCOMPARE(path.size(), std::size_t(6));
    QCOMPARE(path[0]["lambda"].get<double>(), j["solver"]["lambda_max"].get<double>());
    QCOMPARE(path[0]["non_zero_weights"].get<long>(), 0L);
    QVERIFY(path[5]["non_zero_weights"].get<long>() > 10);
    QVERIFY(std::abs(path[5]["lambda"].get<double>() / path[0]["lambda"].get<double>() - 0.001) < 1e-12);
    for (const auto& point : path) {
        QVERIFY(!point.contains("test"));
        QVERIFY(point["kkt_residual"].get<double>() <= 1e-6);
        QCOMPARE(point["weights"].size(), std::size_t(1));
        QCOMPARE(point["weights"][0].size(), std::size_t(30));
        long nonZero = 0;
        for (const auto& w : point["weights"][0])
            nonZero += w.get<double>() != 0.0;
        QCOMPARE(nonZero, point["non_zero_weights"].get<long>());
    }
}

void TestCli::pathEvaluatesOnATestFile()
{
    QTemporaryDir dir;
    std::string train = "x,y,label\n", test = "x,y,label\n";
    for (int i = 0; i < 60; ++i) {
        const double x = (i % 20) / 40.0, y = ((i * 7) % 13) / 6.0 - 1.0;
        const char* label = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c";
        const std::string row = std::to_string(x + 2.0 * (i % 3)) + "," + std::to_string(y) + "," + label + "\n";
        (i < 45 ? train : test) += row;
    }
    writeText(dir.filePath("train.csv"), train);
    writeText(dir.filePath("test.csv"), test);
    const Outcome o = run({"path", "--dataset", dir.filePath("train.csv"), "--test-dataset", dir.filePath("test.csv"),
                           "--lambda", "0.05,0.2,0.01", "--alpha", "0.5"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json j = o.json();
    QCOMPARE(j["dataset"]["train_samples"].get<int>(), 45);
    QCOMPARE(j["dataset"]["test_samples"].get<int>(), 15);
    QCOMPARE(j["model"]["family"].get<std::string>(), std::string("multinomial"));
    const nlohmann::json& path = j["path"];
    QCOMPARE(path.size(), std::size_t(3));
    QCOMPARE(path[0]["lambda"].get<double>(), 0.2); // fitted in decreasing order
    QCOMPARE(path[2]["lambda"].get<double>(), 0.01);
    QCOMPARE(path[2]["weights"].size(), std::size_t(3));
    QVERIFY(path[2]["test"]["accuracy"].get<double>() > 0.9);
}

void TestCli::pathRejectsBadArguments()
{
    QCOMPARE(run({"path", "--dataset", "iris", "--alpha", "2"}).exitCode, 2);
    QCOMPARE(run({"path", "--dataset", "iris", "--lambda", "0.1,abc"}).exitCode, 2);
    QCOMPARE(run({"path", "--dataset", "iris", "--min-ratio", "1"}).exitCode, 2);
    QCOMPARE(run({"path", "--dataset", "iris", "--test-fraction", "1"}).exitCode, 2);
    const Outcome missing = run({"path", "--dataset", "iris", "--test-dataset", "/nonexistent/test.csv"});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.find("/nonexistent/test.csv") != std::string::npos);
}

void TestCli::trainExactSolverIsTheDefaultForTheLasso()
{
    Outcome o = run({"train", "--dataset", "breast-cancer", "--model", "logistic", "--l1", "0.01"});
    QCOMPARE(o.exitCode, 0);
    nlohmann::json j = o.json();
    QCOMPARE(j["training"]["solver"].get<std::string>(), std::string("exact"));
    QVERIFY(j["exact_fit"]["kkt_residual"].get<double>() <= 1e-6);
    QVERIFY(!j["exact_fit"]["standardization"]["solver"]["standardized"].get<bool>());
    QCOMPARE(j["exact_fit"]["non_zero_weights"].get<long>(), j["sparsity"]["weights"].get<long>() - j["sparsity"]["zero_weights"].get<long>());
    QVERIFY(j["test"]["accuracy"].get<double>() > 0.9);
    // Asked for, the optimiser trains instead.
    o = run({"train", "--dataset", "breast-cancer", "--model", "logistic", "--l1", "0.01", "--solver", "optimizer", "--epochs", "5"});
    QCOMPARE(o.exitCode, 0);
    j = o.json();
    QCOMPARE(j["training"]["solver"].get<std::string>(), std::string("optimizer"));
    QVERIFY(!j.contains("exact_fit"));
    QCOMPARE(j["history"].size(), std::size_t(5));
    // Every row for training: no test metrics.
    o = run({"train", "--dataset", "breast-cancer", "--model", "logistic", "--l1", "0.01", "--test-fraction", "0"});
    QCOMPARE(o.exitCode, 0);
    QVERIFY(o.json()["test"].is_null());
    QCOMPARE(run({"train", "--dataset", "iris", "--model", "16", "--l1", "0.01", "--solver", "exact"}).exitCode, 2);
    QCOMPARE(run({"train", "--dataset", "iris", "--model", "logistic", "--solver", "exact"}).exitCode, 2);
}

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
