#pragma once
// The confusion matrix of the model as shown (test set): a heatmap with counts and
// percentages in the cells, normalised by nothing, by true class or by predicted class;
// the per-class precision / recall / F1 / support table; and the samples behind a clicked
// cell (thumbnails for image data).

#include "views/View.h"

#include "metrics/Metrics.h"

class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPItemText;
class QCPTextElement;
class QComboBox;
class QLabel;
class QListWidget;
class QMouseEvent;
class QTableWidget;

namespace ss {

class Throttle;

class ConfusionView : public View {
    Q_OBJECT
public:
    enum class Normalization { None, ByTrueClass, ByPredictedClass };

    explicit ConfusionView(QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("confusion"); }
    QString title() const override { return QStringLiteral("Confusion matrix"); }
    QList<QCustomPlot*> plots() const override { return {m_plot}; }

    void setNormalization(Normalization normalization);
    // What is on screen (tests): the matrix drawn, a cell's text, the metrics table.
    const ConfusionMatrix& shownMatrix() const { return m_shown; }
    QString cellText(int truth, int predicted) const;
    QTableWidget* table() const { return m_table; }
    QListWidget* sampleList() const { return m_samples; }
    // Lists the test samples with this true and predicted class, as a click on the cell does.
    void selectCell(int truth, int predicted);

protected:
    void render(const Snapshot& snapshot) override;
    // A narrow tile: the matrix alone, the table and sample list hidden.
    void fitPanelsToWidth() override;

private:
    void onPlotClicked(QMouseEvent* event);
    void fillTable(const Snapshot& snapshot);
    void fillSamples();
    void listSamples();
    void rebuildCells(int classes);

    QComboBox* m_normalization;
    QLabel* m_summary;
    int m_summaryWidth = -1; // the width its height was kept for
    QCustomPlot* m_plot;
    QCPTextElement* m_title = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPItemRect* m_selection = nullptr;
    QList<QCPItemText*> m_cellTexts;
    QTableWidget* m_table;
    QWidget* m_side = nullptr;          // the table and the sample list, right of the matrix
    QLabel* m_samplesTitle;
    QListWidget* m_samples;
    ConfusionMatrix m_shown;
    int m_selectedTruth = -1;
    int m_selectedPredicted = -1;
    std::uint64_t m_selectionModel = 0;
    int m_listedTruth = -2;
    int m_listedPredicted = -2;
    Throttle* m_listThrottle = nullptr;
};

} // namespace ss
