// How long the GUI thread stalls while the app trains with live plots: a 5 ms single-shot
// timer is re-armed on every tick, and each tick records how late it fired. Trains
// Fashion-MNIST (784-256-128-10, batch 128, Adam) when the Debian package is installed,
// else the largest bundled set, with every view tiled on screen; optionally drags the
// threshold slider a few times a second as a user would. Prints one JSON line.
//
//   sparsescope_bench_gui_stall [--seconds S] [--drag] [--idle] [--dataset NAME]
//
// --idle measures the same window without training: the baseline that the machine's
// other load alone causes (on a shared 2-core machine it is far from zero).
//
// Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise; the widgets and
// plots still lay out, replot and paint into their backing store.

#include "controls/ControlPanel.h"
#include "controls/ControlState.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"
#include "controls/ValueSlider.h"
#include "views/View.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSlider>
#include <QTimer>

#include <algorithm>
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
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SparseScopeBench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui_stall"));

    ss::ControlState state;
    if (datasetName.empty())
        datasetName = ss::fashionMnistAvailable() ? "fashion-mnist" : "digits";
    state.dataset.nameOrPath = datasetName;
    state.dataset.samples = 0;
    state.dataset.noise = -1.0;
    state.model.hidden = datasetName == "fashion-mnist" ? std::vector<int>{256, 128} : std::vector<int>{64, 32};
    state.optimizer = ss::OptimizerKind::Adam;
    state.learningRate = 1e-3;
    state.batchSize = 128;
    state.lambda = 0.0;
    state.pace = 0.0;
    state.epochLimit = 0;

    ss::MainWindow window(ss::MainWindow::Options{.useSettings = false, .settingsFile = {}});
    // Qt 6's quit() closes the window; a benchmark has nothing to save and nobody to ask.
    window.sessions()->setAskToSave([](const QString&) { return QMessageBox::Discard; });
    window.resize(1800, 1100);
    window.setTiled(true);
    window.show();
    window.applyState(state, false);
    if (!window.waitUntilSettled(180000)) {
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
    int dragMoves = 0;
    ss::ValueSlider* threshold = window.controls()->thresholdSlider();
    QObject::connect(&dragger, &QTimer::timeout, [&] {
        QSlider* slider = threshold->slider();
        // Back and forth over the lower fifth of the range: a slow drag.
        const int span = std::max(1, slider->maximum() / 5);
        slider->setValue((dragMoves * 7) % (2 * span) < span ? (dragMoves * 7) % span : span - (dragMoves * 7) % span);
        ++dragMoves;
    });

    if (!idle)
        window.startTraining();
    clock.start();
    due = kIntervalMs * 1000000LL;
    probe.start(kIntervalMs);
    if (drag)
        dragger.start(40);
    QTimer::singleShot(static_cast<int>(seconds * 1000), &app, &QCoreApplication::quit);
    app.exec();
    probe.stop();
    dragger.stop();
    const double elapsed = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    window.pauseTraining();
    window.waitUntilSettled(30000);
    const ss::SnapshotPtr shown = window.shownSnapshot();
    const long steps = shown ? shown->steps - stepsBefore : 0;

    double load = 0;
    std::ifstream("/proc/loadavg") >> load;
    std::string renders;
    const QStringList ids = window.viewIds();
    for (int i = 0; i < ids.size(); ++i) {
        if (!renders.empty())
            renders += ", ";
        ss::View* view = window.view(ids[i]);
        double replot = 0;
        for (QCustomPlot* plot : view->plots())
            replot = std::max(replot, plot->replotTime(true));
        char figures[160];
        std::snprintf(figures, sizeof figures, "{\"count\": %ld, \"slowest_ms\": %.1f, \"mean_replot_ms\": %.1f}",
                      view->renderCount() - rendersBefore[static_cast<std::size_t>(i)], view->slowestRenderMs(), replot);
        renders += "\"" + ids[i].toStdString() + "\": " + figures;
    }
    std::printf("{\"bench\": \"gui_stall\", \"dataset\": \"%s\", \"model\": \"%s\", \"views\": \"all %d tiled\", "
                "\"window\": \"%dx%d\", \"training\": %s, \"drag\": %s, \"drag_moves\": %d, \"seconds\": %.1f, \"timer_ms\": %d, \"ticks\": %zu, "
                "\"lateness_ms\": {\"p50\": %.2f, \"p95\": %.2f, \"p99\": %.2f, \"max\": %.2f}, "
                "\"training_steps_per_s\": %.0f, \"epochs\": %.2f, \"load_average\": %.2f, \"renders\": {%s}}\n",
                datasetName.c_str(), shown && shown->trained ? shown->trained->architecture().describe().c_str() : "",
                static_cast<int>(ids.size()), window.width(), window.height(), idle ? "false" : "true", drag ? "true" : "false", dragMoves, elapsed,
                kIntervalMs, lateness.size(), percentile(lateness, 0.50), percentile(lateness, 0.95), percentile(lateness, 0.99),
                lateness.empty() ? 0.0 : *std::max_element(lateness.begin(), lateness.end()),
                elapsed > 0 ? static_cast<double>(steps) / elapsed : 0.0, shown ? shown->epochProgress : 0.0, load, renders.c_str());
    return 0;
}
