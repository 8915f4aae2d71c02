#pragma once
// Weights: a histogram of the trained weights with the pruning threshold lines (drag them
// to prune), exact zeros counted apart; a heatmap of one layer's weights as shown, pruned
// cells visibly empty; and for image data the first layer's weights as pictures.

#include "views/View.h"

#include <QWidget>

class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QCheckBox;
class QComboBox;
class QLabel;
class QMouseEvent;

namespace ss {

// A grid of small pictures, one per neuron of the first layer.
class WeightImagesWidget : public QWidget {
    Q_OBJECT
public:
    explicit WeightImagesWidget(QWidget* parent = nullptr);
    void setImages(QList<QImage> images, const QStringList& captions);
    QSize sizeHint() const override { return {420, 320}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<QImage> m_images;
    QStringList m_captions;
};

class WeightsView : public View {
    Q_OBJECT
public:
    explicit WeightsView(QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("weights"); }
    QString title() const override { return QStringLiteral("Weights"); }
    QList<QCustomPlot*> plots() const override { return {m_histogram, m_heatmap}; }

    // The threshold the lines are drawn at (tests).
    double shownThreshold() const { return m_shownThreshold; }
    // Which layer the heatmap draws (tests).
    QComboBox* layerBox() const { return m_layer; }

signals:
    // The user dragged a threshold line to |w| = threshold.
    void thresholdDragged(double threshold);

protected:
    void render(const Snapshot& snapshot) override;
    // A short tile: the histogram alone, the layer heatmap and images hidden.
    void fitPanelsToWidth() override;
    bool costlyToDraw() const override { return m_largeModel; }

private:
    // The histogram's counts of one trained network (and of the comparison run's, in the
    // same bins).
    struct WeightCounts {
        std::shared_ptr<const Network> trained;
        std::shared_ptr<const Network> otherTrained;
        QVector<double> counts;
        QVector<double> otherCounts;
        long zeros = 0;
        long otherZeros = 0;
        long total = 0;
        double range = 1.0;
    };
    static WeightCounts countWeights(const std::shared_ptr<const Network>& trained,
                                     const std::shared_ptr<const Network>& other);
    void renderHistogram(const Snapshot& snapshot);
    void renderHeatmap(const Snapshot& snapshot);
    void renderImages(const Snapshot& snapshot);

    QCustomPlot* m_histogram;
    QWidget* m_layerPanels = nullptr; // the heatmap and the images, under the histogram
    QCustomPlot* m_heatmap;
    QLabel* m_stats;
    QCheckBox* m_logCounts;
    QComboBox* m_layer;
    WeightImagesWidget* m_images;
    QWidget* m_imagesPanel;
    QLabel* m_imagesTitle;

    QCPTextElement* m_histogramTitle = nullptr;
    QCPBars* m_bars = nullptr;
    QCPBars* m_zeros = nullptr;
    QCPGraph* m_otherRun = nullptr;
    QCPBars* m_otherZeros = nullptr;
    QCPItemRect* m_prunedBand = nullptr;
    QCPItemStraightLine* m_lineLeft = nullptr;
    QCPItemStraightLine* m_lineRight = nullptr;
    QCPItemText* m_lineLabel = nullptr;
    QCPTextElement* m_heatmapTitle = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    double m_shownThreshold = 0;
    QString m_layerShapes;       // the layer list was built for these shapes
    WeightCounts m_counted;
    // What the heatmap shows: held so that it is not rebuilt for the same weights.
    std::shared_ptr<const Network> m_heatmapOf;
    std::shared_ptr<const PreparedData> m_heatmapData;
    int m_heatmapLayer = -1;
    std::shared_ptr<const Network> m_imagesOf;
    std::shared_ptr<const PreparedData> m_imagesData;
    bool m_largeModel = false;   // big heatmaps: redraw a few times a second at most
};

} // namespace ss
