// Session files are read and written on the session controller's file thread, so that the
// window stays live while megabytes of JSON and the data's checksums are handled. Each test
// holds that thread busy with a gate first: what the window does before the gate opens is
// what it does while a slow disk or a large session keeps the thread busy.

#include "automation/WindowAutomation.h"
#include "controls/ControlPanel.h"
#include "controls/HeadlineBar.h"
#include "engine/Engine.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include "session/Session.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

#include "WindowSetUp.h"

using namespace ss;

namespace {

constexpr int kTimeout = 30000;

// Keeps the file thread busy until opened (or destroyed).
class FileThreadGate {
public:
    explicit FileThreadGate(SessionController* sessions)
    {
        sessions->fileThread()->start([this] { m_open.acquire(); });
    }
    ~FileThreadGate() { open(); }
    void open()
    {
        if (!m_opened.exchange(true))
            m_open.release();
    }

private:
    QSemaphore m_open;
    std::atomic<bool> m_opened = false;
};

// How many times a 10 ms timer fired on the GUI thread during `ms`: the window is live when
// it fires about ms / 10 times.
int timerTicksDuring(int ms)
{
    int ticks = 0;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, [&] { ++ticks; });
    timer.start(10);
    spin(ms);
    return ticks;
}

ControlState quickMoons(int samples = 300)
{
    ControlState state = testing::fastDefault();
    state.dataset.samples = samples;
    state.model.hidden = {6};
    return state;
}

// Shows the window and trains quickMoons() for `epochs`, then pauses.
void showTrained(MainWindow& window, int epochs)
{
    window.show();
    window.applyState(quickMoons(), false);
    QVERIFY(trainAndWait(window, epochs, kTimeout));
}

} // namespace

class TestSessionFiles : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_folder;

private slots:
    void initTestCase() { QVERIFY(m_folder.isValid()); }

    void saveRunsOffTheGuiThread()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 2);
        SessionController* sessions = window.sessions();
        const QString path = m_folder.filePath(QStringLiteral("background.json"));
        sessions->setChooseSavePath([&] { return path; });
        QSignalSpy saved(sessions, &SessionController::saved);

        FileThreadGate gate(sessions);
        QVERIFY(sessions->save());
        // Asked for, not yet written: the window goes on while the file thread is busy.
        QVERIFY(sessions->isSaving());
        QVERIFY(timerTicksDuring(200) >= 10);
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(window.isWindowModified());
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Saving")));

        gate.open();
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, kTimeout);
        QCOMPARE(saved.first().first().toString(), QFileInfo(path).absoluteFilePath());
        QVERIFY(!sessions->isSaving());
        QVERIFY(!window.isWindowModified());
        QCOMPARE(sessions->currentPath(), QFileInfo(path).absoluteFilePath());
        QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Saved")));
        // The file holds what the window showed when Save was asked for.
        const Session file = loadSession(path.toStdString());
        QVERIFY(file.model);
        QCOMPARE(file.progress.steps, window.shownSnapshot()->steps);
        QCOMPARE(file.dataset.request.nameOrPath, std::string("moons"));
        QVERIFY(file.dataset.source == SessionDataset::Source::Generator);
    }

    void savesAreWrittenInTheOrderAsked()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 1);
        SessionController* sessions = window.sessions();
        QSignalSpy saved(sessions, &SessionController::saved);
        const QString first = m_folder.filePath(QStringLiteral("first.json"));
        const QString second = m_folder.filePath(QStringLiteral("second.json"));

        FileThreadGate gate(sessions);
        sessions->setChooseSavePath([&] { return first; });
        QVERIFY(sessions->saveAs());
        const long firstSteps = window.shownSnapshot()->steps;
        // More training while the first save waits: the second save has later weights.
        QVERIFY(trainAndWait(window, 1, kTimeout));
        const long secondSteps = window.shownSnapshot()->steps;
        QVERIFY(secondSteps > firstSteps);
        sessions->setChooseSavePath([&] { return second; });
        QVERIFY(sessions->saveAs());
        QVERIFY(!QFileInfo::exists(first) && !QFileInfo::exists(second));

        gate.open();
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, kTimeout);
        QCOMPARE(saved.at(0).first().toString(), QFileInfo(first).absoluteFilePath());
        QCOMPARE(saved.at(1).first().toString(), QFileInfo(second).absoluteFilePath());
        QCOMPARE(loadSession(first.toStdString()).progress.steps, firstSteps);
        QCOMPARE(loadSession(second.toStdString()).progress.steps, secondSteps);
        QCOMPARE(sessions->currentPath(), QFileInfo(second).absoluteFilePath());
        QCOMPARE(sessions->recentFiles().value(0), QFileInfo(second).absoluteFilePath());
        QCOMPARE(sessions->recentFiles().value(1), QFileInfo(first).absoluteFilePath());
    }

    void aChangeMadeWhileSavingStaysUnsaved()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 1);
        SessionController* sessions = window.sessions();
        QSignalSpy saved(sessions, &SessionController::saved);
        const QString path = m_folder.filePath(QStringLiteral("changed-meanwhile.json"));
        sessions->setChooseSavePath([&] { return path; });

        FileThreadGate gate(sessions);
        QVERIFY(sessions->saveAs());
        // Pruned while the file waits to be written: the file will not have it.
        ControlState pruned = window.controls()->state();
        pruned.pruneBy = PruningSpec::Criterion::TargetSparsity;
        pruned.targetSparsity = 0.5;
        window.controls()->setState(pruned);
        window.engine()->setCompression(pruned.compression());
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->compression.pruning.targetSparsity, 0.5);

        gate.open();
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, kTimeout);
        QCOMPARE(loadSession(path.toStdString()).compression.pruning.targetSparsity, 0.0);
        QVERIFY(sessions->isModified());
        QVERIFY(window.isWindowModified());
    }

    void aSaveThatFailsSaysSoInTheBanner()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 1);
        SessionController* sessions = window.sessions();
        QSignalSpy failed(sessions, &SessionController::saveFailed);
        const QString blocker = m_folder.filePath(QStringLiteral("a-plain-file"));
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString path = blocker + QStringLiteral("/session.json");
        sessions->setChooseSavePath([&] { return path; });
        QVERIFY(sessions->saveAs()); // started; the outcome comes later
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeout);
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("a-plain-file/session.json")),
                 qPrintable(failed.first().at(1).toString()));
        QVERIFY(window.problemBanner()->isVisible());
        QVERIFY(window.problemBanner()->text().contains(QStringLiteral("a-plain-file/session.json")));
        QVERIFY(sessions->currentPath().isEmpty());
        QVERIFY(window.isWindowModified());
    }

    void openReadsOffTheGuiThread()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 2);
        SessionController* sessions = window.sessions();
        const QString path = m_folder.filePath(QStringLiteral("to-open.json"));
        QString error;
        QVERIFY2(sessions->saveTo(path, &error), qPrintable(error));
        const long savedSteps = window.shownSnapshot()->steps;

        // Elsewhere now: another data set, untrained.
        ControlState elsewhere = quickMoons();
        elsewhere.dataset.nameOrPath = "circles";
        window.applyState(elsewhere, false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        sessions->startUntitled();
        QSignalSpy opened(sessions, &SessionController::opened);

        FileThreadGate gate(sessions);
        QVERIFY(sessions->open(path, &error));
        QVERIFY(timerTicksDuring(200) >= 10);
        // Nothing changes before the file has been read and checked.
        QCOMPARE(opened.count(), 0);
        QCOMPARE(window.controls()->state().dataset.nameOrPath, std::string("circles"));
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Opening")));

        gate.open();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeout);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.controls()->state().dataset.nameOrPath, std::string("moons"));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("moons"));
        QCOMPARE(window.shownSnapshot()->steps, savedSteps);
        QCOMPARE(sessions->currentPath(), QFileInfo(path).absoluteFilePath());
    }

    void aNewerOpenReplacesOneStillReading()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 1);
        SessionController* sessions = window.sessions();
        const QString good = m_folder.filePath(QStringLiteral("newer.json"));
        QString error;
        QVERIFY2(sessions->saveTo(good, &error), qPrintable(error));
        QSignalSpy opened(sessions, &SessionController::opened);
        QSignalSpy failed(sessions, &SessionController::openFailed);

        FileThreadGate gate(sessions);
        // The first would fail (no such file); the second replaces it before it is read.
        QVERIFY(sessions->open(m_folder.filePath(QStringLiteral("missing.json")), &error));
        QVERIFY(sessions->open(good, &error));
        gate.open();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeout);
        QCOMPARE(opened.first().first().toString(), QFileInfo(good).absoluteFilePath());
        spin(200);
        QCOMPARE(failed.count(), 0);
        QVERIFY(!window.problemBanner()->isVisible());
    }

    void closeWaitsForTheSaveUnderWay()
    {
        MainWindow window(testing::noSettings());
        showTrained(window, 1);
        SessionController* sessions = window.sessions();
        int asked = 0;
        sessions->setAskToSave([&](const QString&) {
            ++asked;
            return QMessageBox::Cancel;
        });
        const QString path = m_folder.filePath(QStringLiteral("closing.json"));
        sessions->setChooseSavePath([&] { return path; });

        FileThreadGate gate(sessions);
        QVERIFY(sessions->save());
        QVERIFY(!QFileInfo::exists(path));
        // The gate opens on another thread while the window's close waits for the save.
        std::thread opener([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            gate.open();
        });
        const bool closed = window.close();
        opener.join();
        QVERIFY(closed);
        QVERIFY(QFileInfo::exists(path));
        // Saved before the question: nothing left unsaved to ask about.
        QCOMPARE(asked, 0);
        QVERIFY(loadSession(path.toStdString()).model);
    }
};

QTEST_MAIN(TestSessionFiles)
#include "tst_sessionfiles.moc"
