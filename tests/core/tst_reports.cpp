// JSON forms of results and the atomic file write every save goes through.
#include "common/AtomicFile.h"
#include "eval/Reports.h"
#include "common/Error.h"

#include <QtTest>
#include <QTemporaryDir>
#include <QFile>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace ss;

class TestReports : public QObject {
    Q_OBJECT
private slots:
    void classificationJsonCarriesEveryFigure();
    void headlineNamesItsPositiveClass();
    void atomicWriteReplacesContents();
    void atomicWriteFailureKeepsOldFile();
    void atomicWriteRenameFailureLeavesNoTemporary();
};

void TestReports::classificationJsonCarriesEveryFigure()
{
    const ClassificationReport r = classificationReport(Labels{1, 1, 0, 0}, Labels{1, 0, 0, 1}, 2);
    const nlohmann::json j = toJson(r, {"benign", "malignant"});
    QCOMPARE(j["accuracy"].get<double>(), 0.5);
    QCOMPARE(j["confusion_matrix"][0][1].get<long>(), 1L);
    QCOMPARE(j["confusion_matrix"][1][1].get<long>(), 1L);
    QCOMPARE(QString::fromStdString(j["positive_class"].get<std::string>()), QStringLiteral("malignant"));
    QCOMPARE(j["per_class"].size(), std::size_t(2));
    QCOMPARE(j["per_class"][0]["support"].get<long>(), 2L);
    QCOMPARE(j["macro"]["f1"].get<double>(), 0.5);
}

// The article's table with Chinese labels: 正 (positive) sorts first, so it is class 0. The
// headline reports 正 (by its name) and says so; a chosen class overrides the default.
void TestReports::headlineNamesItsPositiveClass()
{
    Labels truth, predicted;
    for (int i = 1; i <= 100; ++i) {
        truth.push_back(i <= 40 ? 0 : 1);
        predicted.push_back(i <= 40 || i > 60 ? 0 : 1);
    }
    const std::vector<std::string> names = {"正", "负"};
    ClassificationReport r = classificationReport(truth, predicted, 2);
    nlohmann::json j = toJson(r, names);
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("正"));
    QCOMPARE(j["positive_class_index"].get<int>(), 0);
    QCOMPARE(j["positive_class_rule"].get<std::string>(), std::string("named"));
    QCOMPARE(j["precision"].get<double>(), 0.5);
    QCOMPARE(j["recall"].get<double>(), 1.0);
    QVERIFY(std::abs(j["f1"].get<double>() - 2.0 / 3.0) < 1e-12);

    choosePositiveClass(r, 1, PositiveClassChoice::Rule::Chosen);
    j = toJson(r, names);
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("负"));
    QCOMPARE(j["positive_class_rule"].get<std::string>(), std::string("chosen"));
    QCOMPARE(j["precision"].get<double>(), 1.0);
    QVERIFY(std::abs(j["recall"].get<double>() - 1.0 / 3.0) < 1e-12);
    QCOMPARE(j["f1"].get<double>(), 0.5);

    // Without names the minority decides: 40 of class 0 against 60.
    j = toJson(classificationReport(truth, predicted, 2), {"a", "b"});
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("a"));
    QCOMPARE(j["positive_class_rule"].get<std::string>(), std::string("minority"));
    // Multi-class reports have no headline class.
    QVERIFY(!toJson(classificationReport(Labels{0, 1, 2}, Labels{0, 1, 2}, 3), {"x", "y", "z"})
                 .contains("positive_class"));
}

static std::string readAll(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void TestReports::atomicWriteReplacesContents()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("out.json").toStdString();
    writeFileAtomically(path, "first");
    writeFileAtomically(path, "second");
    QCOMPARE(QString::fromStdString(readAll(path)), QStringLiteral("second"));
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path().toStdString()),
                           std::filesystem::directory_iterator{}), 1L);
}

void TestReports::atomicWriteFailureKeepsOldFile()
{
    if (geteuid() == 0)
        QSKIP("root ignores folder permissions; the missing-folder case below still runs");
    QTemporaryDir dir;
    const std::string path = dir.filePath("keep.json").toStdString();
    writeFileAtomically(path, "old");
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
    QVERIFY_THROWS_EXCEPTION(InputError, writeFileAtomically(path, "new"));
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QCOMPARE(QString::fromStdString(readAll(path)), QStringLiteral("old"));
}

void TestReports::atomicWriteRenameFailureLeavesNoTemporary()
{
    // Works as root too: a file cannot replace a non-empty folder.
    QTemporaryDir dir;
    const std::string target = dir.filePath("occupied").toStdString();
    std::filesystem::create_directory(target);
    writeFileAtomically(target + "/inside.txt", "kept");
    QVERIFY_THROWS_EXCEPTION(InputError, writeFileAtomically(target, "new"));
    QCOMPARE(QString::fromStdString(readAll(target + "/inside.txt")), QStringLiteral("kept"));
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path().toStdString()),
                           std::filesystem::directory_iterator{}), 1L);
    QVERIFY_THROWS_EXCEPTION(InputError, writeFileAtomically(dir.filePath("missing/x.json").toStdString(), "x"));
}

QTEST_APPLESS_MAIN(TestReports)
#include "tst_reports.moc"
