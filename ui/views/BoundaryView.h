#pragma once
// The decision boundary of 2-D data: the model's class probabilities over the plane as a
// heatmap (after pruning and precision, as shown), with the training points filled, the
// test points open, and misclassified test points crossed. Live while training.

#include "views/View.h"

#include <QRectF>

class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemText;
class QCPTextElement;
class QCheckBox;

namespace ss {

class BoundaryView : public View {
    Q_OBJECT
public:
    explicit BoundaryView(QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("boundary"); }
    QString title() const override { return QStringLiteral("Decision boundary"); }
    QList<QCustomPlot*> plots() const override { return {m_plot}; }
    // The extent of the boundary's grid (empty without one): always inside the axes.
    QRectF gridExtent() const { return m_extent; }

protected:
    void render(const Snapshot& snapshot) override;

private:
    void ensureClasses(int classes, const Dataset& data);
    void fillPoints(const Snapshot& snapshot);
    // Sets both axes' ranges so that x and y have the same scale and the grid shows whole.
    void keepEqualScale();

    QCustomPlot* m_plot;
    QCheckBox* m_showTrain;
    QCheckBox* m_showTest;
    QCPTextElement* m_title = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPItemText* m_notice = nullptr;
    QList<QCPGraph*> m_train;
    QList<QCPGraph*> m_test;
    QCPGraph* m_testLegend = nullptr;
    QCPGraph* m_wrong = nullptr;
    std::uint64_t m_pointsFor = ~std::uint64_t{0};
    const void* m_predictionsFor = nullptr;
    QRectF m_extent;
};

} // namespace ss
