#pragma once
// A drag along a plot's x axis, as the prune scan and the weights histogram take it: once
// the left button has moved beyond the platform's drag distance, every move reports the x
// coordinate under the pointer. A click alone (to focus the window, or by mistake) reports
// nothing, so it leaves the model as it is.

#include <QObject>
#include <QPointF>

#include <functional>

class QCustomPlot;

namespace ss {

class PlotDrag : public QObject {
    Q_OBJECT
public:
    // `accepts` says whether a press may start a drag now; `dragged` gets the x coordinate.
    PlotDrag(QCustomPlot* plot, std::function<bool()> accepts, std::function<void(double x)> dragged);

private:
    QCustomPlot* m_plot;
    bool m_pressed = false;
    bool m_dragging = false; // moved beyond the drag distance since the press
    QPointF m_pressAt;
};

} // namespace ss
