#include "automation/WindowAutomation.h"

#include "controls/ControlPanel.h"
#include "views/TradeoffView.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLayout>
#include <QTimer>

#include <algorithm>

namespace ss {

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool waitUntilSettled(MainWindow& window, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        const bool idle = window.engine()->isIdle();
        // The worker emits its last snapshot before it marks itself idle: deliver what it
        // has posted before judging what is shown.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
        if (idle && window.showsLatestPosted()) {
            // Let the queued view renders finish too.
            window.drawQueuedViews();
            return true;
        }
        spin(5);
    }
    return false;
}

bool trainAndWait(MainWindow& window, int epochs, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    // Start from where the engine stands after everything asked so far (a preset may be
    // training already): pause it and wait until that is shown.
    window.pauseTraining();
    if (!waitUntilSettled(window, timeoutMs))
        return false;
    const int target = window.shownSnapshot()->epoch + epochs;
    // Helpers run at full speed whatever the pace control says.
    window.engine()->setPace(0.0);
    window.engine()->setEpochLimit(target);
    window.startTraining();
    bool reached = false;
    while (clock.elapsed() < timeoutMs) {
        const SnapshotPtr shown = window.shownSnapshot();
        const bool ofThisRun = shown && shown->generation >= window.trainGeneration() && !shown->running;
        if (ofThisRun && shown->epoch >= target) {
            reached = true;
            break;
        }
        if (ofThisRun && !window.isTrainingRequested())
            break; // stopped early: divergence
        spin(5);
    }
    window.pauseTraining();
    const ControlState state = window.controls()->state();
    window.engine()->setEpochLimit(state.epochLimit);
    window.engine()->setPace(state.pace);
    const int remaining = std::max(1000, timeoutMs - static_cast<int>(clock.elapsed()));
    return waitUntilSettled(window, remaining) && reached;
}

QImage renderView(MainWindow& window, const QString& viewId, QSize size)
{
    // A picture of the tradeoff should show the scan, not "working": let background jobs
    // (prune scan, path) finish first, within reason.
    const auto waitForTradeoff = [&window] {
        auto* tradeoff = qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
        if (!tradeoff || !tradeoff->isVisible())
            return;
        QElapsedTimer clock;
        clock.start();
        spin(20); // its jobs start when it is drawn
        while (tradeoff->isBusy() && clock.elapsed() < 120000)
            spin(20);
    };
    if (!window.isVisible()) {
        window.setAttribute(Qt::WA_DontShowOnScreen, true);
        window.show();
    }
    if (viewId == QStringLiteral("window")) {
        // The headline's compact form lowers the minimum height: decide it for the size
        // asked for, or a short size would be refused for the taller form's minimum.
        window.fitHeadlineTo(size.height());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        if (window.layout())
            window.layout()->activate();
        window.resize(size);
        spin(30);
        // Wrapped texts (the lesson banner) need less height at the new width: the minimum
        // height held against the first resize was the old width's.
        window.resize(size);
        spin(30);
        waitForTradeoff();
        const QStringList ids = window.viewIds();
        for (const QString& id : ids)
            if (window.view(id)->isVisible())
                window.view(id)->renderNow();
        for (const QString& id : ids)
            for (QCustomPlot* plot : window.view(id)->plots())
                plot->replot(QCustomPlot::rpImmediateRefresh);
        return window.grab().toImage();
    }
    View* v = window.view(viewId);
    if (!v)
        return {};
    const bool tiled = window.isTiled();
    if (tiled)
        window.setTiled(false);
    const QString previous = window.currentViewId();
    window.showView(viewId);
    spin(10);
    const QSize extra = window.size() - v->size();
    window.resize(size + extra);
    spin(30);
    if (viewId == QStringLiteral("tradeoff"))
        waitForTradeoff();
    v->renderNow();
    for (QCustomPlot* plot : v->plots())
        plot->replot(QCustomPlot::rpImmediateRefresh);
    const QImage image = v->grab().toImage();
    // A picture of one view leaves the window as it was.
    if (!previous.isEmpty())
        window.showView(previous);
    if (tiled)
        window.setTiled(true);
    return image;
}

bool renderViewToPng(MainWindow& window, const QString& viewId, const QString& path, QSize size)
{
    const QImage image = renderView(window, viewId, size);
    return !image.isNull() && image.save(path, "PNG");
}

bool openSessionAndWait(MainWindow& window, const QString& path, int timeoutMs, QString* error)
{
    bool finished = false;
    bool succeeded = false;
    QString failure;
    SessionController* sessions = window.sessions();
    const auto onOpened = QObject::connect(sessions, &SessionController::opened, sessions, [&] { finished = succeeded = true; });
    const auto onFailed = QObject::connect(sessions, &SessionController::openFailed, sessions, [&](const QString&, const QString& message) {
        finished = true;
        failure = message;
    });
    QElapsedTimer clock;
    clock.start();
    if (sessions->open(path, error)) {
        while (!finished && clock.elapsed() < timeoutMs)
            spin(5);
        if (!finished)
            failure = QStringLiteral("the session did not open within %1 s").arg(timeoutMs / 1000);
    } else {
        failure = *error;
    }
    QObject::disconnect(onOpened);
    QObject::disconnect(onFailed);
    if (succeeded)
        succeeded = waitUntilSettled(window, std::max(1000, timeoutMs - static_cast<int>(clock.elapsed())));
    // The tradeoff view computes its scan (and a linear model's path) in the background:
    // headless exports want them finished.
    if (succeeded)
        if (auto* tradeoff = qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")))) {
            tradeoff->renderNow();
            while (tradeoff->isBusy() && clock.elapsed() < timeoutMs)
                spin(5);
            // A finished job reports through queued signals: let them arrive.
            for (int i = 0; i < 10 && !tradeoff->scanResult(); ++i)
                spin(5);
            succeeded = !tradeoff->isBusy();
        }
    if (!succeeded && error && error->isEmpty())
        *error = failure.isEmpty() ? QStringLiteral("the restored state was not shown in time") : failure;
    return succeeded;
}

} // namespace ss
