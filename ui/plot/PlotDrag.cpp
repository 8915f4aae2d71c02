#include "plot/PlotDrag.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QMouseEvent>

namespace ss {

PlotDrag::PlotDrag(QCustomPlot* plot, std::function<bool()> accepts, std::function<void(double x)> dragged)
    : QObject(plot)
    , m_plot(plot)
{
    connect(plot, &QCustomPlot::mousePress, this, [this, accepts = std::move(accepts)](QMouseEvent* event) {
        if (event->button() != Qt::LeftButton || !accepts())
            return;
        m_pressAt = event->position();
        m_pressed = true;
        m_dragging = false;
    });
    connect(plot, &QCustomPlot::mouseMove, this, [this, dragged = std::move(dragged)](QMouseEvent* event) {
        if (!m_pressed || !(event->buttons() & Qt::LeftButton))
            return;
        if (!m_dragging) {
            if ((event->position() - m_pressAt).manhattanLength() < QApplication::startDragDistance())
                return;
            m_dragging = true;
        }
        dragged(m_plot->xAxis->pixelToCoord(event->position().x()));
    });
    connect(plot, &QCustomPlot::mouseRelease, this, [this] {
        m_pressed = false;
        m_dragging = false;
    });
}

} // namespace ss
