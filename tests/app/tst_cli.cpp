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

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
