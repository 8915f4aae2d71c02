#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QFontMetrics>
#include <QRegularExpression>
#include <QTableWidget>

#include <algorithm>

#include <cmath>
#include <initializer_list>
#include <utility>

namespace ss {

namespace plotcolors {
// Okabe & Ito (2008): distinguishable under the common forms of colour blindness.
QColor accuracy() { return QColor(0, 114, 178); }     // blue
QColor f1() { return QColor(230, 159, 0); }           // orange
QColor trainLoss() { return QColor(86, 180, 233); }   // sky blue
QColor testLoss() { return QColor(213, 94, 0); }      // vermillion
QColor sparsity() { return QColor(0, 158, 115); }     // bluish green
QColor marker() { return QColor(120, 120, 130); }
QColor threshold() { return QColor(204, 51, 17); }
QColor grid() { return QColor(225, 227, 232); }
QColor text() { return QColor(40, 44, 52); }
QColor mutedText() { return QColor(110, 116, 128); }
QColor background() { return QColor(255, 255, 255); }
QColor panel() { return QColor(252, 252, 253); }
QColor pruned() { return QColor(214, 216, 222); }

QColor forClass(int k)
{
    static const QColor colors[] = {
        QColor(0, 114, 178),  QColor(213, 94, 0),   QColor(0, 158, 115), QColor(204, 121, 167),
        QColor(230, 159, 0),  QColor(86, 180, 233), QColor(120, 94, 60), QColor(240, 228, 66),
        QColor(90, 90, 90),   QColor(150, 40, 40),
    };
    constexpr int count = sizeof colors / sizeof colors[0];
    return colors[((k % count) + count) % count];
}
} // namespace plotcolors

QFont plotFont(int pointSizeDelta, bool bold)
{
    QFont font;
    font.setPointSizeF(std::max(6.0, font.pointSizeF() + pointSizeDelta));
    font.setBold(bold);
    return font;
}

QString wrapToWidth(const QString& text, const QFontMetrics& metrics, int width)
{
    QStringList lines;
    for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
            if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
                lines << line;
                line = word;
            } else {
                line = longer;
            }
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

namespace {
// The multiples of each power of ten that carry a label, densest first.
const std::vector<std::vector<int>> kLogMantissas = {{1, 2, 3, 5}, {1, 2, 5}, {1, 3}, {1}};

QVector<double> multiplesInRange(const QCPRange& range, const std::vector<int>& mantissas, int decadeStep)
{
    QVector<double> ticks;
    if (range.lower <= 0 || range.upper <= range.lower)
        return ticks;
    const int first = static_cast<int>(std::floor(std::log10(range.lower)));
    const int last = static_cast<int>(std::ceil(std::log10(range.upper)));
    for (int k = first; k <= last; ++k) {
        if (((k % decadeStep) + decadeStep) % decadeStep != 0)
            continue;
        for (int m : mantissas) {
            const double tick = m * std::pow(10.0, k);
            if (tick >= range.lower * (1 - 1e-9) && tick <= range.upper * (1 + 1e-9))
                ticks << tick;
        }
    }
    return ticks;
}
} // namespace

QVector<double> LogAxisTicker::ticksFor(const QCPRange& range)
{
    return choose(range).first;
}

std::pair<QVector<double>, int> LogAxisTicker::choose(const QCPRange& range)
{
    const int wanted = std::max(2, tickCount() + 1);
    // Less than one step of the densest set in range (0.22 to 0.38): evenly spaced ticks.
    if (multiplesInRange(range, kLogMantissas.front(), 1).size() < 2)
        return {QCPAxisTicker::createTickVector(QCPAxisTicker::getTickStep(range), range), 0};
    for (const std::vector<int>& mantissas : kLogMantissas) {
        QVector<double> ticks = multiplesInRange(range, mantissas, 1);
        if (ticks.size() <= wanted)
            return {ticks, 1};
    }
    // Many decades: every n-th one.
    for (int step = 2;; ++step) {
        QVector<double> ticks = multiplesInRange(range, {1}, step);
        if (ticks.size() <= wanted || step > 300)
            return {ticks, step};
    }
}

double LogAxisTicker::getTickStep(const QCPRange&)
{
    return 1.0; // unused: the ticks come from createTickVector
}

int LogAxisTicker::getSubTickCount(double)
{
    return 0;
}

QVector<double> LogAxisTicker::createTickVector(double, const QCPRange& range)
{
    const auto [ticks, decadeStep] = choose(range);
    // Sub-ticks at the other integer multiples while every decade has a label.
    m_subTicks.clear();
    if (decadeStep == 1)
        for (double tick : multiplesInRange(range, {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1))
            if (std::none_of(ticks.begin(), ticks.end(), [tick](double t) { return std::abs(t - tick) <= 1e-9 * tick; }))
                m_subTicks << tick;
    return ticks;
}

QVector<double> LogAxisTicker::createSubTickVector(int, const QVector<double>&)
{
    return m_subTicks;
}

WrappingTitle::WrappingTitle(QCustomPlot* plot, const QString& text, const QFont& font)
    : QCPTextElement(plot, text, font)
{
}

int WrappingTitle::textWidth() const
{
    int width = mOuterRect.width();
    // The layout sets its own rect before it asks its elements for their sizes.
    if (auto* grid = qobject_cast<QCPLayoutGrid*>(layout()); grid && grid->columnCount() == 1 && grid->rect().width() > 0)
        width = grid->rect().width();
    if (width <= 0 && mParentPlot)
        width = mParentPlot->viewport().width();
    return std::max(1, width - mMargins.left() - mMargins.right());
}

const WrappingTitle::Wrapped& WrappingTitle::wrappedAt(int width) const
{
    // Each replot lays the plot out (two size hints) and draws it: shaping the same text at
    // the same width again was a good part of a live plot's replot.
    const QFont font = mainFont();
    if (m_wrapped.width == width && m_wrapped.text == mText && m_wrapped.font == font)
        return m_wrapped;
    const QFontMetrics metrics(font);
    m_wrapped.width = width;
    m_wrapped.text = mText;
    m_wrapped.font = font;
    m_wrapped.lines = wrapToWidth(mText, metrics, width);
    QSize size = metrics.boundingRect(0, 0, 0, 0, Qt::AlignCenter, m_wrapped.lines).size();
    // Never wider than the widest word: the title follows the plot's width, not the reverse.
    int widestWord = 0;
    for (const QString& word : mText.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        widestWord = std::max(widestWord, metrics.horizontalAdvance(word));
    size.setWidth(widestWord);
    m_wrapped.size = size;
    return m_wrapped;
}

QString WrappingTitle::shownText() const
{
    return wrappedAt(mRect.width() > 0 ? mRect.width() : textWidth()).lines;
}

QSize WrappingTitle::wrappedSize() const
{
    const Wrapped& wrapped = wrappedAt(textWidth());
    m_hintedLines = static_cast<int>(wrapped.lines.count(QLatin1Char('\n'))) + 1;
    return wrapped.size + QSize(mMargins.left() + mMargins.right(), mMargins.top() + mMargins.bottom());
}

QSize WrappingTitle::minimumOuterSizeHint() const
{
    return wrappedSize();
}

QSize WrappingTitle::maximumOuterSizeHint() const
{
    return {QWIDGETSIZE_MAX, wrappedSize().height()};
}

void WrappingTitle::draw(QCPPainter* painter)
{
    const QString wrapped = wrappedAt(mRect.width()).lines;
    painter->setFont(mainFont());
    painter->setPen(QPen(mainTextColor()));
    painter->drawText(mRect, mTextFlags, wrapped, &mTextBoundingRect);
    // Laid out for another number of lines (its width was not known yet): once more.
    if (static_cast<int>(wrapped.count(QLatin1Char('\n'))) + 1 != m_hintedLines && mParentPlot)
        mParentPlot->replot(QCustomPlot::rpQueuedReplot);
}

void styleAxis(QCPAxis* axis)
{
    const QColor text = plotcolors::text();
    axis->setBasePen(QPen(QColor(150, 155, 165), 1));
    axis->setTickPen(QPen(QColor(150, 155, 165), 1));
    axis->setSubTickPen(QPen(QColor(185, 189, 197), 1));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->setTickLabelFont(plotFont(-1));
    axis->setLabelFont(plotFont(0));
    axis->setTickLengthIn(0);
    axis->setTickLengthOut(4);
    axis->setSubTickLengthIn(0);
    axis->setSubTickLengthOut(2);
    axis->grid()->setPen(QPen(plotcolors::grid(), 1, Qt::SolidLine));
    axis->grid()->setSubGridVisible(false);
    axis->grid()->setZeroLinePen(QPen(QColor(200, 203, 210), 1));
}

void styleAxisRect(QCPAxisRect* rect)
{
    rect->setBackground(QBrush(plotcolors::panel()));
    // The last tick label of the x axis ("100") is centred on the rect's right edge: without
    // a right margin of half its width it is cut off at the plot's edge (exports above all).
    // Twice the screen font's need, so that presentation's larger fonts fit too.
    QMargins minimum = rect->minimumMargins();
    minimum.setRight(std::max(minimum.right(), QFontMetrics(plotFont(0)).horizontalAdvance(QStringLiteral("100.0"))));
    rect->setMinimumMargins(minimum);
    for (QCPAxis* axis : rect->axes())
        styleAxis(axis);
}

void styleLegend(QCPLegend* legend)
{
    legend->setFont(plotFont(-1));
    legend->setTextColor(plotcolors::text());
    legend->setBrush(QBrush(QColor(255, 255, 255, 225)));
    legend->setBorderPen(QPen(QColor(210, 213, 220)));
    legend->setIconSize(18, 10);
    // Room for round caps of thick (presentation) lines between a line and its name.
    legend->setIconTextPadding(11);
    legend->setRowSpacing(3);
}

void stylePlot(QCustomPlot* plot)
{
    plot->setBackground(QBrush(plotcolors::background()));
    plot->setAntialiasedElements(QCP::aeAll);
    // Dense live data redraws faster without antialiasing; drags are short anyway.
    plot->setNoAntialiasingOnDrag(true);
    plot->setPlottingHint(QCP::phCacheLabels, true);
    if (plot->axisRect())
        styleAxisRect(plot->axisRect());
    styleLegend(plot->legend);
    plot->setMinimumSize(160, 120);
}

QCPLegend* recreateLegend(QCustomPlot* plot)
{
    auto* legend = new QCPLegend;
    plot->legend = legend;
    styleLegend(legend);
    return legend;
}

ColorPlotLayout makeColorPlotLayout(QCustomPlot* plot, const QString& title)
{
    ColorPlotLayout frame;
    plot->plotLayout()->clear();
    frame.title = new WrappingTitle(plot, title, plotFont(1, true));
    frame.title->setTextColor(plotcolors::text());
    plot->plotLayout()->addElement(0, 0, frame.title);
    auto* body = new QCPLayoutGrid;
    plot->plotLayout()->addElement(1, 0, body);
    plot->plotLayout()->setRowStretchFactor(0, 0.01);
    frame.rect = new QCPAxisRect(plot);
    body->addElement(0, 0, frame.rect);
    styleAxisRect(frame.rect);
    frame.scale = new QCPColorScale(plot);
    body->addElement(0, 1, frame.scale);
    frame.scale->setType(QCPAxis::atRight);
    frame.scale->setBarWidth(12);
    styleAxis(frame.scale->axis());
    auto* margins = new QCPMarginGroup(plot);
    frame.rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    frame.scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    return frame;
}

namespace {

// A 256-level gradient through the given colours, each at its position in [0, 1].
QCPColorGradient gradientThrough(std::initializer_list<std::pair<double, QColor>> stops)
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (const auto& [position, colour] : stops)
        gradient.setColorStopAt(position, colour);
    gradient.setLevelCount(256);
    return gradient;
}

} // namespace

QCPColorGradient divergingGradient()
{
    QCPColorGradient gradient = gradientThrough({{0.0, QColor(33, 102, 172)},
                                                 {0.25, QColor(103, 169, 207)},
                                                 {0.5, QColor(247, 247, 247)},
                                                 {0.75, QColor(239, 138, 98)},
                                                 {1.0, QColor(178, 24, 43)}});
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(plotcolors::pruned());
    return gradient;
}

QCPColorGradient sequentialGradient()
{
    return gradientThrough({{0.0, QColor(247, 251, 255)},
                            {0.35, QColor(158, 202, 225)},
                            {0.7, QColor(49, 130, 189)},
                            {1.0, QColor(8, 48, 107)}});
}

QTableWidgetItem* setTableText(QTableWidget* table, int row, int column, const QString& text, Qt::Alignment alignment,
                               const QString& toolTip)
{
    QTableWidgetItem* item = table->item(row, column);
    if (!item) {
        item = new QTableWidgetItem;
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        item->setTextAlignment(alignment);
        table->setItem(row, column, item);
    }
    if (item->text() != text)
        item->setText(text);
    if (item->toolTip() != toolTip)
        item->setToolTip(toolTip);
    return item;
}

QString formatCount(double value)
{
    const double a = std::abs(value);
    if (a >= 1e9)
        return QString::number(value / 1e9, 'f', 2) + QStringLiteral(" G");
    if (a >= 1e6)
        return QString::number(value / 1e6, 'f', 2) + QStringLiteral(" M");
    if (a >= 1e4)
        return QString::number(value / 1e3, 'f', 1) + QStringLiteral(" k");
    return QString::number(static_cast<long long>(std::llround(value)));
}

QString formatBytes(double bytes)
{
    if (bytes >= 1024.0 * 1024.0)
        return QString::number(bytes / (1024.0 * 1024.0), 'f', 2) + QStringLiteral(" MiB");
    if (bytes >= 10 * 1024.0)
        return QString::number(bytes / 1024.0, 'f', 1) + QStringLiteral(" KiB");
    return QString::number(static_cast<long long>(std::llround(bytes))) + QStringLiteral(" B");
}

QString formatEnergy(double picojoules)
{
    if (picojoules >= 1e6)
        return QString::number(picojoules / 1e6, 'f', 2) + QStringLiteral(" \u00b5J");
    if (picojoules >= 1e3)
        return QString::number(picojoules / 1e3, 'f', 2) + QStringLiteral(" nJ");
    return QString::number(picojoules, 'f', 1) + QStringLiteral(" pJ");
}

QString formatPercent(double fraction, int decimals)
{
    return QString::number(100.0 * fraction, 'f', decimals) + QStringLiteral(" %");
}

QString formatScientific(double value)
{
    if (value == 0)
        return QStringLiteral("0");
    const double a = std::abs(value);
    if (a >= 1e-3 && a < 1e4)
        return QString::number(value, 'g', 3);
    return QString::number(value, 'e', 2).replace(QStringLiteral("e-0"), QStringLiteral("e-")).replace(QStringLiteral("e+0"), QStringLiteral("e"));
}

} // namespace ss
