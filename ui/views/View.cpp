#include "views/View.h"

#include "async/Throttle.h"

#include "plot/PlotTheme.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QShowEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ss {

View::View(QWidget* parent)
    : QWidget(parent)
    , m_redraw(new Throttle(0, Throttle::WhenDue::RunAtOnce, [this] { draw(); }, this))
{
}

void View::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    m_dirty = true;
    if (!isVisible())
        return;
    m_redraw->setIntervalMs(redrawIntervalMs());
    m_redraw->request();
}

void View::renderNow()
{
    if (m_snapshot)
        m_redraw->runNow();
}

void View::draw()
{
    m_dirty = false;
    ++m_renders;
    QElapsedTimer clock;
    clock.start();
    render(*m_snapshot);
    // Presentation mode and other themes hold through redraws (a render may add items).
    if (currentPlotTheme() != PlotTheme::Screen)
        for (QCustomPlot* plot : plots())
            applyPlotTheme(plot, currentPlotTheme());
    m_lastRenderMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    m_slowestMs = std::max(m_slowestMs, m_lastRenderMs);
}

int View::redrawIntervalMs() const
{
    if (!costlyToDraw())
        return 0;
    double cost = m_lastRenderMs;
    for (QCustomPlot* plot : plots())
        cost += plot->replotTime(false);
    constexpr double kLongestIntervalMs = 250;
    return static_cast<int>(std::ceil(std::min(2.0 * cost, kLongestIntervalMs)));
}

void View::layOutPlotWithSwitches(QCustomPlot* plot, const QList<QWidget*>& switches)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 0);
    bar->addStretch(1);
    for (QWidget* widget : switches)
        bar->addWidget(widget);
    layout->addLayout(bar);
    layout->addWidget(plot, 1);
}

void View::setInTile(bool inTile)
{
    if (m_inTile == inTile)
        return;
    m_inTile = inTile;
    fitPanelsToWidth();
}

void View::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitPanelsToWidth();
}

void View::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        renderNow();
}

void View::hideEvent(QHideEvent* event)
{
    // A redraw put off while visible waits for the next show (which draws what is dirty).
    m_redraw->cancel();
    QWidget::hideEvent(event);
}

} // namespace ss
