#pragma once
// One look for every plot: fonts, grid, colours (Okabe-Ito, safe for colour-blind
// readers), and the helpers the views share (heatmap gradients, number formats).

#include <QColor>
#include <QFont>
#include <QString>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPColorScale;
class QCPTextElement;
class QCPColorGradient;
class QCPLegend;
class QTableWidget;
class QTableWidgetItem;

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

// Sets a read-only cell's text, reusing its item: live tables update many times a second.
QTableWidgetItem* setTableText(QTableWidget* table, int row, int column, const QString& text,
                               Qt::Alignment alignment = Qt::AlignRight | Qt::AlignVCenter,
                               const QString& toolTip = QString());

} // namespace ss
