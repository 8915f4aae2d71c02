// How long the GUI thread stalls while the app trains with live plots: a 5 ms single-shot
// timer is re-armed on every tick, and each tick records how late it fired. Trains
// Fashion-MNIST (784-256-128-10, batch 128, Adam) when the Debian package is installed,
// else the largest bundled set, with every view tiled on screen; optionally drags the
// threshold slider as a user would: a move every 40 ms for 1.2 s, then 0.8 s still (a drag
// holds training until the hand has been still for 250 ms, so training runs in between).
// Prints one JSON line.
//
// With --drag it also measures the lag: the time from the last slider move until every
// view has replotted a snapshot that has that move's threshold (the drag stops at the end of
// the measured seconds and the window gets up to 10 s more to catch up). "slow_events" lists
// the longest events the GUI thread handled (receiver class and event type), so that a
// stall names its cause, and "lag_parts_ms" when the engine emitted the first snapshot with
// the last move (on its thread) and when the GUI thread received it: the rest of the lag is
// the window's and the views' drawing.
//
//   sparsescope_bench_gui_stall [--seconds S] [--drag] [--idle] [--dataset NAME]
//
// --idle measures the same window without training: the baseline that the machine's
// other load alone causes (on a shared 2-core machine it is far from zero).
//
// Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise; the widgets and
// plots still lay out, replot and paint into their backing store.

#include "BenchTraining.h"
#include "automation/WindowAutomation.h"
#include "controls/ControlPanel.h"
#include "controls/ControlState.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"
#include "controls/ValueSlider.h"
#include "views/View.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QMessageBox>
#include <QSlider>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <cstring>
#include <string>
#include <vector>

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const double rank = p * static_cast<double>(values.size() - 1);
    const std::size_t low = static_cast<std::size_t>(rank);
    const std::size_t high = std::min(low + 1, values.size() - 1);
    return values[low] + (values[high] - values[low]) * (rank - static_cast<double>(low));
}

// Times every event the GUI thread handles (the outermost only: nested deliveries are part
// of their sender's time) and keeps the slowest.
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;

    struct SlowEvent {
        double ms;
        int type;
        std::string receiver;
    };

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_depth > 0 || !m_timing)
            return QApplication::notify(receiver, event);
        ++m_depth;
        const int type = event->type();
        std::string name = receiver->metaObject()->className();
        // The view a plot or panel belongs to.
        for (QObject* parent = receiver; parent; parent = parent->parent())
            if (auto* view = qobject_cast<ss::View*>(parent)) {
                name += " in " + view->id().toStdString();
                break;
            }
        QElapsedTimer clock;
        clock.start();
        const bool result = QApplication::notify(receiver, event);
        const double ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        --m_depth;
        if (ms >= kSlowMs) {
            m_slow.push_back({ms, type, name});
            std::sort(m_slow.begin(), m_slow.end(), [](const SlowEvent& a, const SlowEvent& b) { return a.ms > b.ms; });
            if (m_slow.size() > kKept)
                m_slow.pop_back();
            ++m_slowCount;
        }
        return result;
    }

    void setTiming(bool on) { m_timing = on; }
    const std::vector<SlowEvent>& slowest() const { return m_slow; }
    long slowCount() const { return m_slowCount; }
    static constexpr double kSlowMs = 16.0;

private:
    static constexpr std::size_t kKept = 12;
    int m_depth = 0;
    bool m_timing = false;
    std::vector<SlowEvent> m_slow;
    long m_slowCount = 0;
};

} // namespace

int main(int argc, char** argv)
{
    double seconds = 20.0;
    bool drag = false;
    bool idle = false;
    std::string datasetName;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = std::max(1.0, std::atof(argv[++i]));
        else if (std::strcmp(argv[i], "--drag") == 0)
            drag = true;
        else if (std::strcmp(argv[i], "--idle") == 0)
            idle = true;
        else if (std::strcmp(argv[i], "--dataset") == 0 && i + 1 < argc)
            datasetName = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--seconds S] [--drag] [--idle] [--dataset NAME]\n", argv[0]);
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SparseScopeBench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui_stall"));

    const ss::ControlState state = ss::bench::benchTraining(datasetName);

    ss::MainWindow window(ss::MainWindow::Options{.useSettings = false, .settingsFile = {}});
    // Qt 6's quit() closes the window; a benchmark has nothing to save and nobody to ask.
    window.sessions()->setAskToSave([](const QString&) { return QMessageBox::Discard; });
    window.resize(1800, 1100);
    window.setTiled(true);
    window.show();
    window.applyState(state, false);
    if (!waitUntilSettled(window, 180000)) {
        std::fprintf(stderr, "bench_gui_stall: %s did not load: %s\n", datasetName.c_str(), qPrintable(window.lastProblem()));
        return 1;
    }
    const long stepsBefore = window.shownSnapshot()->steps;
    std::vector<long> rendersBefore;
    for (const QString& id : window.viewIds())
        rendersBefore.push_back(window.view(id)->renderCount());

    std::vector<double> lateness;
    lateness.reserve(static_cast<std::size_t>(seconds * 250));
    QElapsedTimer clock;
    qint64 due = 0;
    constexpr int kIntervalMs = 5;
    QTimer probe;
    probe.setSingleShot(true);
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lateness.push_back(static_cast<double>(now - due) / 1e6);
        due = clock.nsecsElapsed() + kIntervalMs * 1000000LL;
        probe.start(kIntervalMs);
    });
    QTimer dragger;
    constexpr double kDragBurstSeconds = 1.2;
    constexpr double kDragStillSeconds = 0.8;
    int dragMoves = 0;
    ss::ValueSlider* threshold = window.controls()->thresholdSlider();
    QObject::connect(&dragger, &QTimer::timeout, [&] {
        // In bursts, as a hand drags, lets go and looks: a drag holds training, which goes
        // on in the still part, so the stall is measured with both.
        // The bursts are counted back from the end, so that the last move ends one.
        const double toEnd = seconds - static_cast<double>(clock.nsecsElapsed()) / 1e9;
        if (std::fmod(std::max(0.0, toEnd), kDragBurstSeconds + kDragStillSeconds) >= kDragBurstSeconds)
            return;
        QSlider* slider = threshold->slider();
        // Back and forth over the lower fifth of the range: a slow drag.
        const int span = std::max(1, slider->maximum() / 5);
        slider->setValue((dragMoves * 7) % (2 * span) < span ? (dragMoves * 7) % span : span - (dragMoves * 7) % span);
        ++dragMoves;
    });

    // The lag: after the last move, when each view first replots a snapshot with the
    // threshold that move set.
    const QStringList viewIds = window.viewIds();
    std::vector<double> caughtUpMs(static_cast<std::size_t>(viewIds.size()), -1.0);
    qint64 lastMoveAt = -1;
    double lastThreshold = 0;
    const auto showsLastMove = [&](ss::View* view) {
        const ss::SnapshotPtr& shown = view->snapshot();
        return shown && std::abs(shown->compression.pruning.threshold - lastThreshold) <= 1e-9 * std::max(1.0, lastThreshold);
    };
    for (int i = 0; i < viewIds.size(); ++i) {
        ss::View* view = window.view(viewIds[i]);
        for (QCustomPlot* plot : view->plots())
            QObject::connect(plot, &QCustomPlot::afterReplot, &app, [&, view, i] {
                double& caught = caughtUpMs[static_cast<std::size_t>(i)];
                if (lastMoveAt >= 0 && caught < 0 && showsLastMove(view))
                    caught = static_cast<double>(clock.nsecsElapsed() - lastMoveAt) / 1e6;
            });
    }
    // Where the lag goes: when the engine emitted the first snapshot with the last move's
    // threshold (on its thread) and when the GUI thread received it.
    std::atomic<qint64> emittedAt{-1};
    qint64 receivedAt = -1;
    std::atomic<double> wantedThreshold{std::nan("")};
    QObject::connect(window.engine(), &ss::Engine::snapshotReady, window.engine(), [&](const ss::SnapshotPtr& snapshot) {
        const double wanted = wantedThreshold.load();
        if (emittedAt.load() < 0 && snapshot && std::abs(snapshot->compression.pruning.threshold - wanted) <= 1e-9 * std::max(1.0, wanted))
            emittedAt = clock.nsecsElapsed();
    }, Qt::DirectConnection);
    QObject::connect(window.engine(), &ss::Engine::snapshotReady, &app, [&](const ss::SnapshotPtr& snapshot) {
        if (lastMoveAt >= 0 && receivedAt < 0 && snapshot
            && std::abs(snapshot->compression.pruning.threshold - lastThreshold) <= 1e-9 * std::max(1.0, lastThreshold))
            receivedAt = clock.nsecsElapsed();
    });
    const auto allCaughtUp = [&] {
        return std::all_of(caughtUpMs.begin(), caughtUpMs.end(), [](double ms) { return ms >= 0; });
    };
    QTimer catchUpWatch;
    QObject::connect(&catchUpWatch, &QTimer::timeout, &app, [&] {
        // A view that never replots the last move counts as -1 (not caught up in 10 s).
        if (allCaughtUp() || clock.nsecsElapsed() - lastMoveAt > 10000000000LL)
            app.quit();
    });

    if (!idle)
        window.startTraining();
    clock.start();
    due = kIntervalMs * 1000000LL;
    probe.start(kIntervalMs);
    if (drag)
        dragger.start(40);
    app.setTiming(true);
    double elapsed = 0;
    std::size_t measuredTicks = 0;
    // Qt 6's quit() closes the window: the catch-up after the drag is measured before it.
    QTimer::singleShot(static_cast<int>(seconds * 1000), &app, [&] {
        elapsed = static_cast<double>(clock.nsecsElapsed()) / 1e9;
        measuredTicks = lateness.size();
        if (!drag) {
            app.quit();
            return;
        }
        dragger.stop();
        // One last move now, so that its time is known exactly.
        QSlider* slider = threshold->slider();
        slider->setValue(slider->value() == 0 ? 1 : slider->value() - 1);
        ++dragMoves;
        lastThreshold = threshold->value();
        lastMoveAt = clock.nsecsElapsed();
        wantedThreshold = lastThreshold;
        catchUpWatch.start(1);
    });
    app.exec();
    catchUpWatch.stop();
    app.setTiming(false);
    probe.stop();
    dragger.stop();
    lateness.resize(measuredTicks);
    window.pauseTraining();
    waitUntilSettled(window, 30000);
    const ss::SnapshotPtr shown = window.shownSnapshot();
    const long steps = shown ? shown->steps - stepsBefore : 0;

    double load = 0;
    std::ifstream("/proc/loadavg") >> load;
    std::string renders;
    const QStringList& ids = viewIds;
    for (int i = 0; i < ids.size(); ++i) {
        if (!renders.empty())
            renders += ", ";
        ss::View* view = window.view(ids[i]);
        // Each plot's mean replot, in the view's order of plots.
        std::string replots;
        for (QCustomPlot* plot : view->plots()) {
            char figure[32];
            std::snprintf(figure, sizeof figure, "%s%.1f", replots.empty() ? "" : ", ", plot->replotTime(true));
            replots += figure;
        }
        char figures[300];
        std::snprintf(figures, sizeof figures, "{\"count\": %ld, \"slowest_ms\": %.1f, \"mean_replot_ms\": [%s], \"lag_ms\": %.0f}",
                      view->renderCount() - rendersBefore[static_cast<std::size_t>(i)], view->slowestRenderMs(), replots.c_str(),
                      caughtUpMs[static_cast<std::size_t>(i)]);
        renders += "\"" + ids[i].toStdString() + "\": " + figures;
    }
    double lag = drag ? 0.0 : -1.0;
    for (double ms : caughtUpMs)
        lag = drag ? (ms < 0 || lag < 0 ? -1.0 : std::max(lag, ms)) : lag;
    const auto sinceLastMove = [&](qint64 at) { return at < 0 || lastMoveAt < 0 ? -1.0 : static_cast<double>(at - lastMoveAt) / 1e6; };
    std::string slow;
    for (const TimedApplication::SlowEvent& event : app.slowest()) {
        if (!slow.empty())
            slow += ", ";
        char line[200];
        std::snprintf(line, sizeof line, "{\"ms\": %.1f, \"event\": %d, \"receiver\": \"%s\"}", event.ms, event.type, event.receiver.c_str());
        slow += line;
    }
    std::printf("{\"bench\": \"gui_stall\", \"dataset\": \"%s\", \"model\": \"%s\", \"views\": \"all %d tiled\", "
                "\"window\": \"%dx%d\", \"training\": %s, \"drag\": %s, \"drag_moves\": %d, \"seconds\": %.1f, \"timer_ms\": %d, \"ticks\": %zu, "
                "\"lateness_ms\": {\"p50\": %.2f, \"p95\": %.2f, \"p99\": %.2f, \"max\": %.2f}, "
                "\"lag_after_last_move_ms\": %.0f, \"lag_parts_ms\": {\"engine_emitted\": %.0f, \"gui_received\": %.0f}, \"events_over_%.0f_ms\": %ld, \"slow_events\": [%s], "
                "\"training_steps_per_s\": %.0f, \"epochs\": %.2f, \"load_average\": %.2f, \"renders\": {%s}}\n",
                datasetName.c_str(), shown && shown->trained ? shown->trained->architecture().describe().c_str() : "",
                static_cast<int>(ids.size()), window.width(), window.height(), idle ? "false" : "true", drag ? "true" : "false", dragMoves, elapsed,
                kIntervalMs, lateness.size(), percentile(lateness, 0.50), percentile(lateness, 0.95), percentile(lateness, 0.99),
                lateness.empty() ? 0.0 : *std::max_element(lateness.begin(), lateness.end()),
                lag, sinceLastMove(emittedAt.load()), sinceLastMove(receivedAt), TimedApplication::kSlowMs, app.slowCount(), slow.c_str(),
                elapsed > 0 ? static_cast<double>(steps) / elapsed : 0.0, shown ? shown->epochProgress : 0.0, load, renders.c_str());
    return 0;
}
