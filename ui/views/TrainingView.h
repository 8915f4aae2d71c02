#pragma once
// Training curves: test accuracy, macro-F1 and train accuracy with sparsity on a second
// axis (top panel), train and test loss and, with a penalty, the train objective (bottom
// panel), against epochs; dashed lines where a hyper-parameter changed, and the comparison run
// (the other L1 step) dashed. For L1 / elastic-net logistic regression the exact optimum's
// objective and sparsity are flat dashed reference lines (session/ExactReference.h).

#include "views/View.h"

class QCPAxis;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QCheckBox;
class QCustomPlot;

namespace ss {

// A curve's name as a short legend entry reads it: "test acc.", "L2: sparsity", "exact: objective 0.21".
QString compactCurveName(const QString& name);

class TrainingView : public View {
    Q_OBJECT
public:
    explicit TrainingView(QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("training"); }
    QString title() const override { return QStringLiteral("Training"); }
    QList<QCustomPlot*> plots() const override { return {m_plot}; }

    // The points drawn, the loss axis, the metrics rect and the change markers' labels (tests).
    int pointCount() const;
    QCPAxis* lossAxis() const;
    QCPAxisRect* metricsRect() const { return m_metricsRect; }
    const QList<QCPItemText*>& markerLabels() const { return m_markerTexts; }
    // The train objective curve, the exact optimum's lines and the note on them (tests).
    QCPGraph* trainObjectiveGraph() const { return m_trainObjective; }
    QCPGraph* exactObjectiveGraph() const { return m_exactObjective; }
    QCPGraph* exactSparsityGraph() const { return m_exactSparsity; }
    QString exactReferenceNote() const { return m_exactNote; }

protected:
    void render(const Snapshot& snapshot) override;

private:
    void rebuildMarkers(const Snapshot& snapshot);
    // After each layout: the loss axis's label count and the markers' label sides.
    void fitToRects();
    // Adds the curve's entry (one that can read its short name) or removes it.
    void showInLegend(QCPGraph* graph, bool shown);

    QCustomPlot* m_plot;
    QCheckBox* m_logLoss;
    QCPTextElement* m_title = nullptr;
    QCPAxisRect* m_metricsRect = nullptr;
    QCPAxisRect* m_lossRect = nullptr;
    QCPGraph* m_testAccuracy = nullptr;
    QCPGraph* m_trainAccuracy = nullptr;
    QCPGraph* m_f1 = nullptr;
    QCPGraph* m_sparsity = nullptr;
    QCPGraph* m_trainLoss = nullptr;
    QCPGraph* m_testLoss = nullptr;
    QCPGraph* m_otherAccuracy = nullptr;
    QCPGraph* m_otherSparsity = nullptr;
    QCPGraph* m_otherTestLoss = nullptr;
    QCPGraph* m_trainObjective = nullptr;
    QCPGraph* m_exactObjective = nullptr;
    QCPGraph* m_exactSparsity = nullptr;
    QString m_exactNote;
    bool m_compactLegend = false; // the legend reads compactCurveName()s
    std::shared_ptr<const std::vector<HistoryPoint>> m_historyShown; // the curves were set from it
    const void* m_markersShown = nullptr;
    std::uint64_t m_modelGeneration = ~std::uint64_t{0};
    QList<QCPItemStraightLine*> m_markerLines;
    QList<QCPItemText*> m_markerTexts;
};

} // namespace ss
