#pragma once
// One look for every plot: fonts, grid, colours (Okabe-Ito, safe for colour-blind
// readers), and the helpers the views share (heatmap gradients, number formats).

#include <qcustomplot.h>

#include <QColor>
#include <QFont>
#include <QString>

#include <utility>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPColorScale;
class QCPTextElement;
class QCPColorGradient;
class QCPLegend;
class QTableWidget;
class QTableWidgetItem;
class QFontMetrics;

namespace ss {

namespace plotcolors {
QColor accuracy();    // test accuracy
QColor f1();          // macro-F1
QColor trainLoss();
QColor testLoss();
QColor sparsity();
QColor marker();      // hyper-parameter change markers
QColor threshold();   // pruning threshold lines
QColor grid();
QColor text();
QColor mutedText();
QColor background();
QColor panel();       // axis rect background
QColor pruned();      // empty (pruned) heatmap cells
// Colour of class k, distinct for up to 10 classes, then cycling.
QColor forClass(int k);
} // namespace plotcolors

// Fonts, antialiasing, interactions and margins shared by all views.
void stylePlot(QCustomPlot* plot);
void styleAxisRect(QCPAxisRect* rect);
void styleAxis(QCPAxis* axis);
void styleLegend(QCPLegend* legend);
// plotLayout()->clear() deletes the default legend with the default axis rect: this makes
// a new styled one (not yet in any layout) and makes it the plot's legend.
QCPLegend* recreateLegend(QCustomPlot* plot);

// A heatmap's frame: a title over the full width, then an axis rect with a colour scale
// on its right, their top and bottom margins aligned. Replaces the plot's default layout.
struct ColorPlotLayout {
    QCPTextElement* title = nullptr;
    QCPAxisRect* rect = nullptr;
    QCPColorScale* scale = nullptr;
};
ColorPlotLayout makeColorPlotLayout(QCustomPlot* plot, const QString& title);

// Blue-white-red, symmetric around zero (weights). NaN cells use the pruned colour.
QCPColorGradient divergingGradient();
// White to deep blue (counts, probabilities).
QCPColorGradient sequentialGradient();

// Human-friendly numbers: 1234567 -> "1.23 M", 0.000123 -> "1.23e-4".
QString formatCount(double value);
QString formatBytes(double bytes);
QString formatEnergy(double picojoules);
QString formatPercent(double fraction, int decimals = 1);
QString formatScientific(double value);

QFont plotFont(int pointSizeDelta = 0, bool bold = false);

// `text` broken onto as many lines as it needs to fit `width` pixels in `metrics`' font, at
// spaces (a title's " \u00b7 " separators among them); its own line breaks stay. A word wider
// than `width` gets a line of its own.
QString wrapToWidth(const QString& text, const QFontMetrics& metrics, int width);

// Ticks for a logarithmic axis with a label at every decade and, when the range spans few
// decades, at sub-decades too (1-2-5, or 1-3), as many as the axis's tick count asks for;
// the other integer multiples are sub-ticks. QCustomPlot's own log ticker labels decades
// only, which leaves a loss axis from 0.05 to 3 with two labels.
class LogAxisTicker : public QCPAxisTicker {
public:
    // The ticks it would place over `range` (positive).
    QVector<double> ticksFor(const QCPRange& range);

protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;
    QVector<double> createSubTickVector(int subTickCount, const QVector<double>& ticks) override;

private:
    // The labelled ticks, and how many decades apart their powers of ten are (1: every one;
    // 0: evenly spaced, for a range shorter than one sub-decade).
    std::pair<QVector<double>, int> choose(const QCPRange& range);
    QVector<double> m_subTicks;
};

// A plot title that wraps onto more lines when the plot is narrower than its text (a tile
// of the tiled views, a small export) instead of being cut at both ends. text() stays the
// whole title; shownText() is what is drawn.
class WrappingTitle : public QCPTextElement {
    Q_OBJECT
public:
    WrappingTitle(QCustomPlot* plot, const QString& text, const QFont& font);
    // The title as drawn at its current width, lines separated by '\n'.
    QString shownText() const;

protected:
    QSize minimumOuterSizeHint() const override;
    QSize maximumOuterSizeHint() const override;
    void draw(QCPPainter* painter) override;

private:
    // The width the layout gives the text: known before this layout pass places the title
    // when the title is alone in its column, else the width of the last pass.
    int textWidth() const;
    QSize wrappedSize() const;
    // The text wrapped at a width, kept for the next call at the same text, font and width.
    struct Wrapped {
        QString text;
        QFont font;
        int width = -1;
        QString lines;
        QSize size;            // without the margins
    };
    const Wrapped& wrappedAt(int width) const;
    mutable Wrapped m_wrapped;
    mutable int m_hintedLines = 0;
};

// Sets a read-only cell's text, reusing its item: live tables update many times a second.
QTableWidgetItem* setTableText(QTableWidget* table, int row, int column, const QString& text,
                               Qt::Alignment alignment = Qt::AlignRight | Qt::AlignVCenter,
                               const QString& toolTip = QString());

} // namespace ss
