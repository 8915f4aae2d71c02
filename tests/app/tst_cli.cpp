// The headless commands driven in-process: JSON out, exit codes, messages.
#include "CommandRunner.h"
#include "cli/Command.h"
#include "nn/TrainingConfig.h"

#include <QtTest>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace ss::cli;
using ss::test::Outcome;
using ss::test::run;

namespace {

void writeText(const QString& path, const std::string& text)
{
    std::ofstream(path.toStdString(), std::ios::binary) << text;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    // Hostile input (the bad-input table and its neighbours).
    void hostileInputs_data();
    void hostileInputs();
    void unknownCommandsAreNamed();
    void divergenceSavesTheLastGoodModel();
    void longValuesAreQuotedShort();

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
    void pruneComparesWithTheDenseModel();
    void headlineUsesTheChosenPositiveClass();
    void pathFitsEveryRowExactly();
    void pathEvaluatesOnATestFile();
    void pathRejectsBadArguments();
    void trainExactSolverIsTheDefaultForTheLasso();
    void sweepTakesTheListsTheAppTakes();
    void oldSpellingsWorkWithAWarning();
    void coreRefusalsOfArgumentsAreUsageErrorsAndOthersAreFailures();
    void demoPrintsJson();
    void pruneSaveWritesTheCompressedModel();
    void defaultsAreTheCores();
};

// ---------------------------------------------------------------- hostile input
// The bad-input table: each row writes its files into a fresh folder, runs a command with
// %DIR% standing for that folder, and asserts the exit code, that stderr names what it must
// (the file, the line, the value as typed) and that nothing was written: the folder holds
// the row's own files only, though the command was asked for --save and --session.

namespace {

// An IDX file: images (count x rows x cols, pixels 0..255) or labels (0..classes-1).
QByteArray idxFile(std::uint32_t magic, std::vector<std::uint32_t> dimensions, int classes = 256)
{
    QByteArray bytes;
    const auto put = [&](std::uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.append(char((value >> shift) & 0xff));
    };
    put(magic);
    std::uint64_t payload = 1;
    for (const std::uint32_t d : dimensions) {
        put(d);
        payload *= d;
    }
    for (std::uint64_t i = 0; i < payload; ++i)
        bytes.append(char(i % std::uint64_t(classes)));
    return bytes;
}

QByteArray images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols)
{
    return idxFile(0x803, {count, rows, cols});
}

QByteArray labels(std::uint32_t count, int classes)
{
    return idxFile(0x801, {count}, classes);
}

} // namespace

void TestCli::hostileInputs_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("fileNames");
    QTest::addColumn<QByteArrayList>("contents");
    const QStringList output = {"--save", "%DIR%/model.json", "--session", "%DIR%/s.json"};
    const QStringList train = QStringList{"train", "--model", "logistic", "--epochs", "2"} + output;
    const QStringList article = train + QStringList{"--dataset", "article"};
    const auto row = [&](const char* name, QStringList arguments, int code, QStringList expected,
                         QStringList files = {}, QByteArrayList contents = {}) {
        QTest::newRow(name) << arguments << code << expected << files << contents;
    };
    // Integer options: no wrap-around, the typed text quoted.
    row("epochs 2^32", article + QStringList{"--epochs", "4294967296"}, ExitUsage, {"--epochs", "'4294967296'"});
    row("batch 2^32", article + QStringList{"--batch", "4294967296"}, ExitUsage, {"--batch", "'4294967296'"});
    row("classes 2^32", article + QStringList{"--classes", "4294967296"}, ExitUsage, {"--classes", "'4294967296'"});
    row("max-train-samples 2^32", article + QStringList{"--max-train-samples", "4294967296"}, ExitUsage,
        {"--max-train-samples", "'4294967296'"});
    row("samples 2^32", article + QStringList{"--samples", "4294967296"}, ExitUsage, {"--samples", "'4294967296'"});
    row("epochs 12abc", article + QStringList{"--epochs", "12abc"}, ExitUsage, {"'12abc'"});
    row("epochs beyond the limit", article + QStringList{"--epochs", "100001"}, ExitUsage, {"[0, 100000]"});
    row("seed -1", article + QStringList{"--seed", "-1"}, ExitUsage, {"--seed", "'-1'"});
    row("seed 2^64", article + QStringList{"--seed", "18446744073709551616"}, ExitUsage,
        {"--seed", "'18446744073709551616'"});
    row("long value quoted short", article + QStringList{"--epochs", QString("9").repeated(5000)}, ExitUsage,
        {"'99999", "...'"});
    // Sizes that scale memory: estimated and refused before allocating.
    row("hidden 30000,30000", article + QStringList{"--model", "30000,30000"}, ExitUsage,
        {"--model '30000,30000'", "would need about", "GB to train"});
    row("33 hidden layers", article + QStringList{"--model", QString("2,").repeated(32) + "2"}, ExitUsage,
        {"--model '2,2,", "33 hidden layers"});
    // Sizes that scale time: scan levels and sweep grids, refused before the model or the data
    // is read (the model file of the scan rows does not exist).
    const QStringList scan = {"scan", "--model", "%DIR%/absent.json", "--out", "%DIR%/scan.csv", "--session", "%DIR%/s.json"};
    row("scan levels beyond the limit", scan + QStringList{"--levels", "1001"}, ExitUsage, {"--levels", "[2, 1000]", "'1001'"});
    row("scan levels 2^31", scan + QStringList{"--levels", "2147483648"}, ExitUsage, {"--levels", "'2147483648'"});
    const QStringList sweep = {"sweep", "--dataset", "iris", "--model", "logistic", "--epochs", "1", "--out",
                               "%DIR%/sweep", "--session", "%DIR%/s.json"};
    row("sweep list of 1001 lambdas", sweep + QStringList{"--l1", QString("0.01,").repeated(1000) + "0.01"}, ExitUsage,
        {"1001 values", "1000"});
    row("sweep of 11000 configurations",
        sweep + QStringList{"--l1", "0.001:0.1:1000", "--sparsity", "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95"},
        ExitUsage, {"11000 configurations", "10000"});
    row("sweep folds beyond the limit", sweep + QStringList{"--folds", "101"}, ExitUsage, {"--folds", "'101'", "[0, 100]"});
    row("sweep of 11000 trained models", sweep + QStringList{"--l1", "0.001:0.1:1000", "--folds", "11"}, ExitUsage,
        {"11000 models", "10000"});
    // Divergence with a finite loss: the loss grows by orders of magnitude, or a weight goes
    // beyond the bound while the loss stays at 0. Exit 1 and said on stderr.
    const QStringList quick = {"train", "--model", "logistic", "--epochs", "30", "--optimizer", "adam"};
    row("adam lr 1e3 diverges", quick + QStringList{"--dataset", "iris", "--lr", "1e3"}, ExitFailure,
        {"diverged", "times the best seen", "last good weights"});
    row("adam lr 3e5 beyond the weight bound", quick + QStringList{"--dataset", "%DIR%/clusters.csv", "--lr", "3e5"},
        ExitFailure, {"diverged", "beyond the bound", "last good weights"}, {"clusters.csv"},
        {"x,y,label\n-1,-1,a\n-1.1,-0.9,a\n-0.9,-1.1,a\n-1,-1.2,a\n1,1,b\n1.1,0.9,b\n0.9,1.1,b\n1,1.2,b\n"});
    // Nothing to test on.
    row("samples 2", train + QStringList{"--dataset", "moons", "--samples", "2"}, ExitUsage, {"no test samples"});
    row("test fraction 1e-9", article + QStringList{"--test-fraction", "1e-9"}, ExitUsage, {"no test samples"});
    row("tiny csv", train + QStringList{"--dataset", "%DIR%/tiny.csv"}, ExitUsage, {"no test samples"}, {"tiny.csv"},
        {"x,y\n1,a\n2,b\n"});
    // CSV files: the file, line and column named.
    row("csv label not utf-8", train + QStringList{"--dataset", "%DIR%/bad.csv"}, ExitFailure,
        {"%DIR%/bad.csv:3:2:", "not valid UTF-8"}, {"bad.csv"}, {"x,y\n1,a\n2,b\xff\n3,a\n4,b\n"});
    row("csv header not utf-8", train + QStringList{"--dataset", "%DIR%/bad.csv"}, ExitFailure,
        {"%DIR%/bad.csv:1:1:", "not valid UTF-8"}, {"bad.csv"}, {"x\xfe,y\n1,a\n2,b\n3,a\n4,b\n"});
    row("csv of 200,000 columns", train + QStringList{"--dataset", "%DIR%/wide.csv"}, ExitFailure,
        {"%DIR%/wide.csv:1:", "more than 100000 columns"}, {"wide.csv"}, {QByteArray("1,").repeated(200000) + "0\n"});
    // IDX folders.
    const QStringList idxNames = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                  "t10k-labels-idx1-ubyte"};
    const QStringList idx = train + QStringList{"--dataset", "%DIR%"};
    row("idx test images 10x10 against 28x28", idx, ExitFailure, {"%DIR%/t10k-images-idx3-ubyte", "10x10", "28x28"},
        idxNames, {images(4, 28, 28), labels(4, 2), images(2, 10, 10), labels(2, 2)});
    row("idx test images 14x56 against 28x28", idx, ExitFailure, {"%DIR%/t10k-images-idx3-ubyte", "14x56", "28x28"},
        idxNames, {images(4, 28, 28), labels(4, 2), images(2, 14, 56), labels(2, 2)});
    row("idx one class", idx, ExitFailure, {"%DIR%/train-labels-idx1-ubyte", "only one class"}, idxNames,
        {images(4, 2, 2), labels(4, 1), images(2, 2, 2), labels(2, 1)});
    row("idx file missing", idx, ExitFailure, {"%DIR%", "missing t10k-labels-idx1-ubyte"}, idxNames.mid(0, 3),
        {images(4, 2, 2), labels(4, 2), images(2, 2, 2)});
    row("idx labels wrong magic", idx, ExitFailure, {"%DIR%/t10k-labels-idx1-ubyte", "magic"}, idxNames,
        {images(4, 2, 2), labels(4, 2), images(2, 2, 2), images(2, 1, 1)});
    // A named pipe would block the reader: refused without opening it.
    row("named pipe", train + QStringList{"--dataset", "%DIR%/pipe.csv"}, ExitFailure, {"%DIR%/pipe.csv", "not a regular file"},
        {"pipe.csv"}, {"FIFO"});
}

void TestCli::hostileInputs()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, fileNames);
    QFETCH(QByteArrayList, contents);
    QTemporaryDir dir;
    for (qsizetype i = 0; i < fileNames.size(); ++i) {
        const QString path = dir.filePath(fileNames[i]);
        if (contents.value(i) == "FIFO") {
            QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
            continue;
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(contents.value(i));
    }
    for (QString& argument : arguments)
        argument.replace("%DIR%", dir.path());
    const Outcome o = run(arguments);
    QCOMPARE(o.exitCode, exitCode);
    for (QString text : expected) {
        text.replace("%DIR%", dir.path());
        QVERIFY2(QString::fromStdString(o.err).contains(text),
                 qPrintable("expected '" + text + "' in: " + QString::fromStdString(o.err).left(2000)));
    }
    // The problem fits on a line: the usage text that follows a usage error is long.
    QVERIFY2(o.err.substr(0, o.err.find('\n')).size() < 400, o.err.c_str());
    // Nothing was written: the folder holds the row's own files only.
    QStringList left = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    left.sort();
    fileNames.sort();
    QCOMPARE(left, fileNames);
}

// Divergence keeps the last good model: --save writes it, and every weight is finite and
// within the bound, though the command exits 1.
void TestCli::divergenceSavesTheLastGoodModel()
{
    QTemporaryDir dir;
    const QString model = dir.filePath("model.json");
    const Outcome o = run({"train", "--dataset", "digits", "--model", "32", "--optimizer", "rmsprop", "--lr", "1e3",
                           "--epochs", "10", "--save", model});
    QCOMPARE(o.exitCode, ExitFailure);
    QVERIFY2(o.err.find("diverged") != std::string::npos, o.err.c_str());
    QCOMPARE(o.json()["training"]["outcome"].get<std::string>(), std::string("diverged"));
    nlohmann::json saved;
    std::ifstream(model.toStdString()) >> saved;
    double largest = 0;
    long count = 0;
    const std::function<void(const nlohmann::json&)> visit = [&](const nlohmann::json& value) {
        if (value.is_number()) {
            largest = std::max(largest, std::abs(value.get<double>()));
            ++count;
        } else if (value.is_array()) {
            for (const nlohmann::json& item : value)
                visit(item);
        }
    };
    for (const nlohmann::json& layer : saved["layers"]) {
        visit(layer["weights"]);
        visit(layer["bias"]);
    }
    QVERIFY(count > 64 * 32);
    QVERIFY2(std::isfinite(largest) && largest <= 1e6, std::to_string(largest).c_str());
}

// A bad value of millions of characters in a file is quoted in part: the message names the
// file and the field and stays short.
void TestCli::longValuesAreQuotedShort()
{
    QTemporaryDir dir;
    const QString model = dir.filePath("model.json");
    QCOMPARE(run({"train", "--dataset", "moons", "--model", "4", "--epochs", "1", "--save", model}).exitCode, 0);
    nlohmann::json json;
    std::ifstream(model.toStdString()) >> json;
    json["architecture"]["activation"] = std::string(2'000'000, 'z');
    const QString edited = dir.filePath("edited.json");
    writeText(edited, json.dump());
    const Outcome o = run({"prune", "--model", edited, "--sparsity", "0.5"});
    QVERIFY(o.exitCode == ExitFailure || o.exitCode == ExitUsage);
    const std::string first = o.err.substr(0, o.err.find('\n'));
    QVERIFY2(first.find(edited.toStdString()) != std::string::npos && first.find("activation") != std::string::npos,
             first.substr(0, 1000).c_str());
    QVERIFY2(first.size() <= kMaxMessageLength + 100, std::to_string(first.size()).c_str());

    QCOMPARE(boundedMessage("short"), std::string("short"));
    const std::string cut = boundedMessage("f.json: x: '" + std::string(5000, '\xc3') + "' ends here");
    QVERIFY(cut.size() <= kMaxMessageLength + 100);
    QVERIFY(cut.rfind("f.json: x: '", 0) == 0);
    QVERIFY(cut.find("' ends here") != std::string::npos);
}

void TestCli::unknownCommandsAreNamed()
{
    const std::vector<std::string> commands = {"train", "metrics", "prune", "scan", "sweep", "demo"};
    QCOMPARE(unknownCommandMessage("trian", commands), std::string("unknown command 'trian'; did you mean 'train'?"));
    QCOMPARE(unknownCommandMessage("sweeep", commands), std::string("unknown command 'sweeep'; did you mean 'sweep'?"));
    QCOMPARE(unknownCommandMessage("xyz", commands),
             std::string("unknown command 'xyz'; commands: train, metrics, prune, scan, sweep, demo"));
    QVERIFY(unknownCommandMessage(std::string(100000, 'x'), commands).size() < 200);
}

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

namespace {

long countKey(const nlohmann::json& json, const std::string& key)
{
    long count = 0;
    if (json.is_object())
        for (auto it = json.begin(); it != json.end(); ++it)
            count += (it.key() == key) + countKey(it.value(), key);
    else if (json.is_array())
        for (const nlohmann::json& item : json)
            count += countKey(item, key);
    return count;
}

} // namespace

// Pruning a model that already has zeros: the baseline is the dense fp32 model of the same
// architecture (every weight stored and multiplied), and the JSON has one pruning block.
void TestCli::pruneComparesWithTheDenseModel()
{
    QTemporaryDir dir;
    const QString model = dir.filePath("iris.json");
    QCOMPARE(run({"train", "--dataset", "iris", "--model", "logistic", "--epochs", "3", "--save", model}).exitCode, 0);
    const QString pruned = dir.filePath("half.json");
    Outcome o = run({"prune", "--model", model, "--sparsity", "0.5", "--save", pruned});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(countKey(o.json(), "pruning"), 1L);

    o = run({"prune", "--model", pruned, "--sparsity", "0.25"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json j = o.json();
    QCOMPARE(countKey(j, "pruning"), 1L);
    QCOMPARE(j["pruning"]["achieved_sparsity"].get<double>(), 0.5); // 6 of 12 already zero
    const nlohmann::json& e = j["evaluation"];
    // Logistic regression on iris: 4 x 3 = 12 weights, 3 biases; dense fp32 stores all 15
    // parameters in 60 bytes and does 12 MACs at 3.7 + 0.9 pJ each.
    QCOMPARE(e["dense_fp32"]["weights"].get<long>(), 12L);
    QCOMPARE(e["dense_fp32"]["non_zero_weights"].get<long>(), 12L);
    QCOMPARE(e["dense_fp32"]["macs_sparse"].get<long>(), 12L);
    QCOMPARE(e["dense_fp32"]["bytes_smallest"].get<long>(), 60L);
    QCOMPARE(e["dense_fp32"]["smallest_format"].get<std::string>(), std::string("dense"));
    QCOMPARE(e["efficiency"]["macs_sparse"].get<long>(), 6L);
    QCOMPARE(e["versus_dense_fp32"]["macs_fraction"].get<double>(), 0.5);
    const double denseEnergy = e["dense_fp32"]["energy_total_pj"].get<double>();
    QVERIFY(std::abs(denseEnergy - (12 * (3.7 + 0.9) + 15 * 5.0)) < 1e-9);
    QVERIFY(std::abs(e["versus_dense_fp32"]["energy_fraction"].get<double>()
                     - e["efficiency"]["energy_total_pj"].get<double>() / denseEnergy) < 1e-12);
    QVERIFY(std::abs(e["versus_dense_fp32"]["size_fraction"].get<double>()
                     - e["efficiency"]["bytes_smallest"].get<double>() / 60.0) < 1e-12);

    // 32 bytes of on-chip memory (--sram-kib 1/32): the dense model's 15 words are 8 SRAM
    // reads and 7 DRAM reads.
    o = run({"prune", "--model", pruned, "--sparsity", "0", "--sram-kib", "0.03125"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json dense = o.json()["evaluation"]["dense_fp32"];
    QCOMPARE(dense["memory"].get<std::string>(), std::string("SRAM+DRAM"));
    QCOMPARE(dense["sram_reads"].get<long>(), 8L);
    QCOMPARE(dense["dram_reads"].get<long>(), 7L);
    QVERIFY(std::abs(dense["energy_memory_pj"].get<double>() - (8 * 5.0 + 7 * 640.0)) < 1e-9);
    QCOMPARE(run({"prune", "--model", pruned, "--sparsity", "0", "--sram-kib", "-1"}).exitCode, 2);
}

// The article's table with Chinese labels: 正 is the positive class (precision 0.50, recall
// 1.00, F1 0.667) by default; --positive-class picks another; the headline names it.
void TestCli::headlineUsesTheChosenPositiveClass()
{
    std::string csv = "y_true,y_pred\n";
    for (int i = 1; i <= 100; ++i)
        csv += std::string(i <= 40 ? "正" : "负") + "," + (i <= 40 || i > 60 ? "正" : "负") + "\n";
    QTemporaryDir dir;
    writeText(dir.filePath("article.csv"), csv);
    Outcome o = run({"metrics", "--csv", dir.filePath("article.csv")});
    QCOMPARE(o.exitCode, 0);
    nlohmann::json j = o.json();
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("正"));
    QCOMPARE(j["positive_class_rule"].get<std::string>(), std::string("named"));
    QCOMPARE(j["precision"].get<double>(), 0.5);
    QCOMPARE(j["recall"].get<double>(), 1.0);
    QVERIFY(std::abs(j["f1"].get<double>() - 2.0 / 3.0) < 1e-9);

    o = run({"metrics", "--csv", dir.filePath("article.csv"), "--positive-class", QString::fromUtf8("负")});
    QCOMPARE(o.exitCode, 0);
    j = o.json();
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("负"));
    QCOMPARE(j["positive_class_rule"].get<std::string>(), std::string("chosen"));
    QCOMPARE(j["precision"].get<double>(), 1.0);
    QVERIFY(std::abs(j["recall"].get<double>() - 1.0 / 3.0) < 1e-9);
    QCOMPARE(j["f1"].get<double>(), 0.5);
    o = run({"metrics", "--csv", dir.filePath("article.csv"), "--positive-class", "0"});
    QCOMPARE(o.json()["positive_class"].get<std::string>(), std::string("正"));
    o = run({"metrics", "--csv", dir.filePath("article.csv"), "--positive-class", "maybe"});
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.find("maybe") != std::string::npos && o.err.find("负") != std::string::npos, o.err.c_str());

    // Breast cancer: malignant (212 of 569) is the minority and the default; benign on request.
    const QString model = dir.filePath("cancer.json");
    QCOMPARE(run({"train", "--dataset", "breast-cancer", "--model", "logistic", "--epochs", "2", "--save", model})
                 .exitCode, 0);
    o = run({"prune", "--model", model, "--sparsity", "0.5"});
    QCOMPARE(o.exitCode, 0);
    j = o.json()["evaluation"]["metrics"];
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("malignant"));
    QCOMPARE(j["positive_class_rule"].get<std::string>(), std::string("minority"));
    QCOMPARE(j["precision"].get<double>(), j["per_class"][0]["precision"].get<double>());
    o = run({"prune", "--model", model, "--sparsity", "0.5", "--positive-class", "benign"});
    QCOMPARE(o.exitCode, 0);
    j = o.json()["evaluation"]["metrics"];
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("benign"));
    QCOMPARE(j["recall"].get<double>(), j["per_class"][1]["recall"].get<double>());
    const QString iris = dir.filePath("iris.json");
    QCOMPARE(run({"train", "--dataset", "iris", "--model", "logistic", "--epochs", "1", "--save", iris}).exitCode, 0);
    QCOMPARE(run({"prune", "--model", iris, "--sparsity", "0.5", "--positive-class", "setosa"}).exitCode, 2);
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

// `sweep --sparsity 90%` failed here while the app's dialog took it: both read lists with
// the core's parser now.
void TestCli::sweepTakesTheListsTheAppTakes()
{
    QTemporaryDir dir;
    const QStringList sweep = {"sweep", "--dataset", "iris", "--hidden", "logistic", "--epochs", "2", "--out-dir",
                               dir.filePath("sweep")};
    Outcome o = run(sweep + QStringList{"--sparsity", "90%"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json results = nlohmann::json::parse(std::ifstream(dir.filePath("sweep/results.json").toStdString()));
    QCOMPARE(o.json()["configurations"].get<int>(), 1);
    QVERIFY2(results.dump().find("0.9") != std::string::npos, results.dump().substr(0, 400).c_str());
    o = run(sweep + QStringList{"--sparsity", "0 50%", "--l1", "1e-3, 1e-2", "--bits", "32 int8"});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.json()["configurations"].get<int>(), 8);
    o = run(sweep + QStringList{"--sparsity", "50%, ninety"});
    QCOMPARE(o.exitCode, ExitUsage);
    QVERIFY2(o.err.find("--sparsity: sparsity list: 'ninety' in '50%, ninety' is not a number") != std::string::npos,
             o.err.c_str());
    QVERIFY2(o.err.find("Usage") != std::string::npos, o.err.c_str());
}

// --model names a saved model file and --out a file; the old meanings still work in train,
// sweep and demo, and say on stderr that they are deprecated.
void TestCli::oldSpellingsWorkWithAWarning()
{
    QTemporaryDir dir;
    Outcome o = run({"train", "--dataset", "iris", "--model", "4", "--epochs", "1"});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.json()["model"]["architecture"].get<std::string>(), std::string("4 relu"));
    QVERIFY2(o.err.find("--model is deprecated here") != std::string::npos && o.err.find("--hidden") != std::string::npos,
             o.err.c_str());
    o = run({"train", "--dataset", "iris", "--hidden", "4", "--epochs", "1"});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.json()["model"]["architecture"].get<std::string>(), std::string("4 relu"));
    QVERIFY2(o.err.empty(), o.err.c_str());
    o = run({"sweep", "--dataset", "iris", "--hidden", "logistic", "--epochs", "1", "--out", dir.filePath("old")});
    QCOMPARE(o.exitCode, 0);
    QVERIFY(QFile::exists(dir.filePath("old/results.csv")));
    QVERIFY2(o.err.find("--out is deprecated here") != std::string::npos && o.err.find("--out-dir") != std::string::npos,
             o.err.c_str());
    o = run({"sweep", "--dataset", "iris", "--hidden", "logistic", "--epochs", "1"});
    QCOMPARE(o.exitCode, ExitUsage);
    QVERIFY2(o.err.find("--out-dir DIR is required") != std::string::npos, o.err.c_str());
}

void TestCli::coreRefusalsOfArgumentsAreUsageErrorsAndOthersAreFailures()
{
    const auto command = [](const std::function<int(const QCommandLineParser&)>& body) {
        std::ostringstream out, err;
        const int code = runCommand({"probe"}, {out, err}, "A probe.", [](QCommandLineParser&) {}, body);
        return std::pair(code, err.str());
    };
    // A refusal of the core about data it was given, not about the arguments: exit 1, no usage.
    auto [code, err] = command([](const QCommandLineParser&) -> int { throw ss::ConfigError("the model file is odd"); });
    QCOMPARE(code, int(ExitFailure));
    QCOMPARE(err, std::string("probe: the model file is odd\n"));
    // The same refusal of a value taken from the command line: exit 2 with the usage.
    std::tie(code, err) = command([](const QCommandLineParser&) -> int {
        return fromArguments([]() -> int { throw ss::ConfigError("learning rate must be > 0"); });
    });
    QCOMPARE(code, int(ExitUsage));
    QVERIFY2(err.find("probe: learning rate must be > 0") == 0 && err.find("Usage: sparsescope probe") != std::string::npos,
             err.c_str());
    // From the commands: an unknown dataset is about --dataset; a scan level refused by the
    // core is about --max-sparsity.
    QCOMPARE(run({"train", "--dataset", "no-such-set"}).exitCode, int(ExitUsage));
    QTemporaryDir dir;
    const QString model = dir.filePath("m.json");
    QCOMPARE(run({"train", "--dataset", "iris", "--hidden", "logistic", "--epochs", "1", "--save", model}).exitCode, 0);
    QCOMPARE(run({"scan", "--model", model, "--out", dir.filePath("s.csv"), "--max-sparsity", "2"}).exitCode,
             int(ExitUsage));
}

// The README says every command prints JSON: demo prints its results.json and the files.
void TestCli::demoPrintsJson()
{
    QTemporaryDir dir;
    const Outcome o = run({"demo", "--out-dir", dir.filePath("demo"), "--epochs", "2"});
    QCOMPARE(o.exitCode, 0);
    const nlohmann::json json = o.json();
    QCOMPARE(json["history"].size(), std::size_t(2));
    QCOMPARE(json["files"].size(), std::size_t(3));
    for (const auto& file : json["files"])
        QVERIFY2(QFile::exists(QString::fromStdString(file.get<std::string>())), file.dump().c_str());
    QVERIFY2(o.err.find("Results written to") != std::string::npos, o.err.c_str());
}

// --save writes the pruned network at the requested precision (compressed without an evaluator).
void TestCli::pruneSaveWritesTheCompressedModel()
{
    QTemporaryDir dir;
    const QString model = dir.filePath("m.json");
    const QString saved = dir.filePath("pruned.json");
    QCOMPARE(run({"train", "--dataset", "iris", "--hidden", "8", "--epochs", "5", "--save", model}).exitCode, 0);
    const Outcome o = run({"prune", "--model", model, "--sparsity", "0.5", "--bits", "ternary", "--save", saved});
    QCOMPARE(o.exitCode, 0);
    nlohmann::json json;
    std::ifstream(saved.toStdString()) >> json;
    QCOMPARE(json["metadata"]["precision"].get<std::string>(), std::string("ternary"));
    // Ternary: every weight of a layer is 0 or +-alpha, so at most 3 distinct values per layer.
    for (const auto& layer : json["layers"]) {
        std::set<double> values;
        for (const auto& row : layer["weights"])
            for (const auto& w : row)
                values.insert(std::abs(w.get<double>()));
        QVERIFY2(values.size() <= 2, layer["weights"].dump().substr(0, 200).c_str());
    }
}

// The command line's defaults are the core's: the learning rate the app uses too.
void TestCli::defaultsAreTheCores()
{
    const Outcome o = run({"train", "--dataset", "iris", "--hidden", "logistic", "--epochs", "1", "--solver", "optimizer"});
    QCOMPARE(o.exitCode, 0);
    const ss::TrainingConfig defaults;
    QCOMPARE(o.json()["training"]["learning_rate"].get<double>(), defaults.optimizer.learningRate);
    QCOMPARE(o.json()["training"]["learning_rate"].get<double>(), 0.01);
    QCOMPARE(o.json()["training"]["batch"].get<int>(), defaults.batchSize);
    QCOMPARE(o.json()["training"]["optimizer"].get<std::string>(), ss::toString(defaults.optimizer.kind));
}

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
