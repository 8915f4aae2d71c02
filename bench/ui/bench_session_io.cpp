// How long saving and opening a session holds the GUI thread. Trains Fashion-MNIST
// (784-256-128-10, batch 128, Adam) for a few epochs when the Debian package is installed,
// else the largest bundled set, then, REPS times each:
//   - saveTo: the whole save on the calling thread (capture, the data's checksums, JSON,
//     atomic write), which is what Save cost the GUI thread before the file thread;
//   - Save in the background: the GUI thread's part (the capture) and the wall time until
//     `saved`, with the longest GUI stall in between (a 2 ms timer's worst lateness);
//   - reading and checking the file (loadSession, resolveDataset) on the calling thread,
//     which is what Open cost the GUI thread before the file thread;
//   - Open: the same as Save for reading, checking and restoring the file, until `opened`.
// Prints one JSON line with the medians.
//
//   sparsescope_bench_session_io [--epochs N] [--reps N] [--dataset NAME]

#include "BenchTraining.h"
#include "automation/WindowAutomation.h"
#include "controls/ControlState.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include "session/Session.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

// The worst lateness of a 2 ms timer on the GUI thread while `until` is false.
class StallProbe {
public:
    StallProbe()
    {
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_worst = std::max(m_worst, static_cast<double>(m_clock.nsecsElapsed() - m_due) / 1e6);
            arm();
        });
    }
    void start()
    {
        m_worst = 0;
        m_clock.start();
        arm();
    }
    double stop()
    {
        m_timer.stop();
        // The event that ran when the probe stopped counts too.
        return std::max(m_worst, static_cast<double>(m_clock.nsecsElapsed() - m_due) / 1e6);
    }

private:
    static constexpr int kIntervalMs = 2;
    void arm()
    {
        m_due = m_clock.nsecsElapsed() + kIntervalMs * 1000000LL;
        m_timer.start(kIntervalMs);
    }
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_due = 0;
    double m_worst = 0;
};

bool spinUntil(const bool& done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done && clock.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    return done;
}

} // namespace

int main(int argc, char** argv)
{
    int epochs = 2;
    int reps = 5;
    std::string datasetName;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--epochs") == 0 && i + 1 < argc)
            epochs = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--dataset") == 0 && i + 1 < argc)
            datasetName = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--epochs N] [--reps N] [--dataset NAME]\n", argv[0]);
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SparseScopeBench"));
    QApplication::setApplicationName(QStringLiteral("bench_session_io"));

    const ss::ControlState state = ss::bench::benchTraining(datasetName);

    ss::MainWindow window(ss::MainWindow::Options{.useSettings = false, .settingsFile = {}});
    ss::SessionController* sessions = window.sessions();
    sessions->setAskToSave([](const QString&) { return QMessageBox::Discard; });
    window.resize(1600, 1000);
    window.show();
    window.applyState(state, false);
    if (!trainAndWait(window, epochs, 600000)) {
        std::fprintf(stderr, "bench_session_io: training %s did not finish: %s\n", datasetName.c_str(),
                     qPrintable(window.lastProblem()));
        return 1;
    }
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("bench.sparsescope.json"));

    std::vector<double> syncSave, syncRead, saveGui, saveWall, saveStall, openGui, openWall, openStall;
    StallProbe probe;
    bool done = false;
    QObject::connect(sessions, &ss::SessionController::saved, [&] { done = true; });
    QObject::connect(sessions, &ss::SessionController::opened, [&] { done = true; });
    QObject::connect(sessions, &ss::SessionController::saveFailed, [&] { done = true; });
    QObject::connect(sessions, &ss::SessionController::openFailed, [&] { done = true; });
    for (int rep = 0; rep < reps; ++rep) {
        QString error;
        QElapsedTimer clock;
        clock.start();
        if (!sessions->saveTo(path, &error)) {
            std::fprintf(stderr, "bench_session_io: %s\n", qPrintable(error));
            return 1;
        }
        syncSave.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        spinUntil(done, 100); // the saved signal of saveTo
        done = false;

        probe.start();
        clock.restart();
        sessions->setChooseSavePath([&] { return path; });
        sessions->saveAs();
        saveGui.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        spinUntil(done, 60000);
        saveWall.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        saveStall.push_back(probe.stop());
        done = false;

        clock.restart();
        const ss::Session read = ss::loadSession(path.toStdString());
        (void)ss::resolveDataset(read, path.toStdString());
        syncRead.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);

        probe.start();
        clock.restart();
        sessions->open(path, &error);
        openGui.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        spinUntil(done, 120000);
        openWall.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        openStall.push_back(probe.stop());
        done = false;
        if (!waitUntilSettled(window, 120000)) {
            std::fprintf(stderr, "bench_session_io: the opened session did not settle\n");
            return 1;
        }
    }
    std::printf("{\"benchmark\": \"session_io\", \"dataset\": \"%s\", \"epochs\": %d, \"reps\": %d, \"file_bytes\": %lld, "
                "\"save_on_calling_thread_ms\": %.1f, \"save_gui_ms\": %.1f, \"save_wall_ms\": %.1f, "
                "\"save_worst_stall_ms\": %.1f, \"read_on_calling_thread_ms\": %.1f, \"open_gui_ms\": %.1f, \"open_wall_ms\": %.1f, \"open_worst_stall_ms\": %.1f}\n",
                datasetName.c_str(), epochs, reps, static_cast<long long>(QFileInfo(path).size()), median(syncSave),
                median(saveGui), median(saveWall), median(saveStall), median(syncRead), median(openGui), median(openWall), median(openStall));
    return 0;
}
