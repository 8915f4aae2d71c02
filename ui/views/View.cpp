#include "views/View.h"

#include "plot/PlotTheme.h"

#include <qcustomplot.h>

#include <QShowEvent>
#include <QTimer>

#include <algorithm>

namespace ss {

View::View(QWidget* parent)
    : QWidget(parent)
    , m_deferred(new QTimer(this))
{
    m_deferred->setSingleShot(true);
    connect(m_deferred, &QTimer::timeout, this, [this] {
        if (m_dirty && isVisible())
            renderNow();
    });
}

void View::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    m_dirty = true;
    if (!isVisible())
        return;
    const int interval = minimumRenderIntervalMs();
    if (interval > 0 && m_sinceRender.isValid() && m_sinceRender.elapsed() < interval) {
        if (!m_deferred->isActive())
            m_deferred->start(static_cast<int>(interval - m_sinceRender.elapsed()));
        return;
    }
    renderNow();
}

void View::renderNow()
{
    if (!m_snapshot)
        return;
    m_deferred->stop();
    m_dirty = false;
    ++m_renders;
    QElapsedTimer clock;
    clock.start();
    render(*m_snapshot);
    // Presentation mode and other themes hold through redraws (a render may add items).
    if (currentPlotTheme() != PlotTheme::Screen)
        for (QCustomPlot* plot : plots())
            applyPlotTheme(plot, currentPlotTheme());
    m_slowestMs = std::max(m_slowestMs, static_cast<double>(clock.nsecsElapsed()) / 1e6);
    m_sinceRender.start();
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

} // namespace ss
