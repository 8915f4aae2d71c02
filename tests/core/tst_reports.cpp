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

#include <chrono>
#include <csignal>
#include <random>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

using namespace ss;

class TestReports : public QObject {
    Q_OBJECT
private slots:
    void classificationJsonCarriesEveryFigure();
    void headlineNamesItsPositiveClass();
    void atomicWriteReplacesContents();
    void atomicWriteFailureKeepsOldFile();
    void atomicWriteRenameFailureLeavesNoTemporary();
    void atomicWriteSurvivesKillNine();
    void atomicWriteLeavesLiveWritersAlone();
    void atomicWriteOnAFullDiskNamesTheReason();
    void atomicWriteKeepsPermissions();
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

namespace {

std::vector<std::string> ourTemporaries(const std::string& folder)
{
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().filename().string().find(kTemporaryMarker) != std::string::npos)
            found.push_back(entry.path().filename().string());
    return found;
}

// Versions a killed writer may be writing: each is recognisable as a whole by its first and
// last line, so a truncated or mixed file is caught.
std::string version(int i)
{
    std::string text = "version " + std::to_string(i) + "\n";
    text += std::string(std::size_t(1) << 20, char('a' + i % 26));
    return text + "\nend of version " + std::to_string(i) + "\n";
}

} // namespace

void TestReports::atomicWriteSurvivesKillNine()
{
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString();
    const std::string path = folder + "/saved.json";
    writeFileAtomically(path, version(0));
    std::mt19937 random(12345);
    // Kills at random times land mid-write by chance only (under the sanitizers a write is a
    // small part of the writer's loop): kill until three have, checking the file each time.
    constexpr int kWantedMidWrite = 3;
    constexpr int kMaxRounds = 400;
    int killedMidWrite = 0;
    for (int round = 0; round < kMaxRounds && killedMidWrite < kWantedMidWrite; ++round) {
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            for (int i = 1;; ++i)
                writeFileAtomically(path, version(i));
        }
        // Between a fraction of one write and several.
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20000)(random)));
        ::kill(child, SIGKILL);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));
        killedMidWrite += ourTemporaries(folder).empty() ? 0 : 1;

        // The file is one version, whole.
        const std::string text = readAll(path);
        const auto firstLine = text.substr(0, text.find('\n'));
        QVERIFY2(firstLine.rfind("version ", 0) == 0, firstLine.c_str());
        const int shown = std::stoi(firstLine.substr(8));
        QVERIFY2(text == version(shown), ("version " + std::to_string(shown) + " is damaged").c_str());

        // The next save removes the dead writer's temporary.
        writeFileAtomically(path, version(0));
        const std::vector<std::string> left = ourTemporaries(folder);
        QVERIFY2(left.empty(), left.empty() ? "" : left.front().c_str());
    }
    // The kills must have hit writes in progress for the test to mean anything.
    QVERIFY2(killedMidWrite >= kWantedMidWrite, "too few kills landed during a write");
}

void TestReports::atomicWriteLeavesLiveWritersAlone()
{
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString();
    // Our own pid (a write in progress on another thread) and a foreign file that looks alike.
    const std::string live = folder + "/.a.json" + std::string(kTemporaryMarker) + std::to_string(::getpid()) + "-1";
    const std::string notOurs = folder + "/a.json.sparsescope-tmp-notapid";
    const std::string dead = folder + "/.b.json" + std::string(kTemporaryMarker) + "999999999-2";
    for (const std::string& file : {live, notOurs, dead})
        std::ofstream(file) << "x";
    writeFileAtomically(folder + "/c.json", "c");
    QVERIFY(std::filesystem::exists(live));
    QVERIFY(std::filesystem::exists(notOurs));
    QVERIFY(!std::filesystem::exists(dead));
}

void TestReports::atomicWriteOnAFullDiskNamesTheReason()
{
    // A file size limit makes write() fail part-way as a full disk does (EFBIG instead of
    // ENOSPC); in a child, so that the limit does not outlive the case.
    QTemporaryDir dir;
    const std::string path = dir.filePath("full.json").toStdString();
    writeFileAtomically(path, "old");
    const pid_t child = fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{4096, 4096};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        try {
            writeFileAtomically(path, std::string(1 << 20, 'n'));
        } catch (const InputError& error) {
            const std::string message = error.what();
            const bool named = message.find(path) != std::string::npos
                               && message.find("write failed after 4096 of 1048576 bytes: File too large") != std::string::npos;
            _exit(named ? 0 : 2);
        }
        _exit(1);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
    QCOMPARE(QString::fromStdString(readAll(path)), QStringLiteral("old"));
    QVERIFY(ourTemporaries(dir.path().toStdString()).empty());
}

void TestReports::atomicWriteKeepsPermissions()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("mode.json").toStdString();
    writeFileAtomically(path, "old");
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    writeFileAtomically(path, "new");
    QCOMPARE(std::filesystem::status(path).permissions(),
             std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

QTEST_APPLESS_MAIN(TestReports)
#include "tst_reports.moc"
