#include "plot/PlotTheme.h"

#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QVariant>

namespace ss {

namespace {

struct ThemeStyle {
    double fontScale = 1.0;
    double lineScale = 1.0;
    double markerScale = 1.0;
    bool publicationColours = false;  // white panels, black text and axis lines
};

ThemeStyle styleOf(PlotTheme theme)
{
    switch (theme) {
    case PlotTheme::Screen: return {};
    // A figure in a paper is printed at column width: fonts a little larger, lines a
    // little bolder, no tinted panels.
    case PlotTheme::Publication: return {1.25, 1.5, 1.3, true};
    // Read from the back of a lecture hall.
    case PlotTheme::Presentation: return {1.6, 2.5, 1.8, false};
    }
    return {};
}

PlotTheme g_current = PlotTheme::Screen;

// The value a view gave an element, as opposed to the value this code last set: if the
// element still holds what we set, its remembered base is used; otherwise the view changed
// it (or the element is new), and what it holds now becomes the base.
template <typename T>
T baseValue(QObject* object, const char* key, const T& current)
{
    const QByteArray applied = QByteArray("_ssThemeApplied_") + key;
    const QByteArray base = QByteArray("_ssThemeBase_") + key;
    const QVariant last = object->property(applied.constData());
    if (last.isValid() && last.value<T>() == current) {
        const QVariant remembered = object->property(base.constData());
        if (remembered.isValid())
            return remembered.value<T>();
    }
    object->setProperty(base.constData(), QVariant::fromValue(current));
    return current;
}

template <typename T>
T remember(QObject* object, const char* key, const T& value)
{
    object->setProperty((QByteArray("_ssThemeApplied_") + key).constData(), QVariant::fromValue(value));
    return value;
}

QFont scaledFont(QObject* object, const char* key, const QFont& current, double scale)
{
    QFont font = baseValue(object, key, current);
    if (scale != 1.0) {
        if (font.pointSizeF() > 0)
            font.setPointSizeF(font.pointSizeF() * scale);
        else if (font.pixelSize() > 0)
            font.setPixelSize(qRound(font.pixelSize() * scale));
    }
    return remember(object, key, font);
}

// Width 0 is Qt's cosmetic one-pixel pen: scaled, it becomes a real width.
QPen scaledPen(QObject* object, const char* key, const QPen& current, double scale, const QColor& colour = QColor())
{
    QPen pen = baseValue(object, key, current);
    if (scale != 1.0 && pen.style() != Qt::NoPen)
        pen.setWidthF((pen.widthF() > 0 ? pen.widthF() : 1.0) * scale);
    if (colour.isValid() && pen.style() != Qt::NoPen)
        pen.setColor(colour);
    return remember(object, key, pen);
}

QColor themedColour(QObject* object, const char* key, const QColor& current, const QColor& replacement)
{
    const QColor base = baseValue(object, key, current);
    return remember(object, key, replacement.isValid() ? replacement : base);
}

QBrush themedBrush(QObject* object, const char* key, const QBrush& current, const QBrush& replacement)
{
    const QBrush base = baseValue(object, key, current);
    return remember(object, key, replacement.style() != Qt::NoBrush ? replacement : base);
}

void themeAxis(QCPAxis* axis, const ThemeStyle& s)
{
    const QColor ink = s.publicationColours ? QColor(Qt::black) : QColor();
    axis->setTickLabelFont(scaledFont(axis, "tickLabelFont", axis->tickLabelFont(), s.fontScale));
    axis->setLabelFont(scaledFont(axis, "labelFont", axis->labelFont(), s.fontScale));
    axis->setTickLabelColor(themedColour(axis, "tickLabelColor", axis->tickLabelColor(), ink));
    axis->setLabelColor(themedColour(axis, "labelColor", axis->labelColor(), ink));
    axis->setBasePen(scaledPen(axis, "basePen", axis->basePen(), s.lineScale, ink));
    axis->setTickPen(scaledPen(axis, "tickPen", axis->tickPen(), s.lineScale, ink));
    axis->setSubTickPen(scaledPen(axis, "subTickPen", axis->subTickPen(), s.lineScale, ink));
    QCPGrid* grid = axis->grid();
    // Grid lines stay thin: they guide the eye and must not compete with the data.
    grid->setPen(scaledPen(grid, "pen", grid->pen(), std::min(s.lineScale, 1.5)));
    grid->setZeroLinePen(scaledPen(grid, "zeroLinePen", grid->zeroLinePen(), std::min(s.lineScale, 1.5)));
}

void themeLegend(QCPLegend* legend, const ThemeStyle& s)
{
    legend->setFont(scaledFont(legend, "font", legend->font(), s.fontScale));
    legend->setTextColor(themedColour(legend, "textColor", legend->textColor(), s.publicationColours ? QColor(Qt::black) : QColor()));
    const QSize icon = baseValue(legend, "iconSize", legend->iconSize());
    legend->setIconSize(remember(legend, "iconSize", QSize(qRound(icon.width() * s.fontScale), qRound(icon.height() * s.fontScale))));
    // QCPLegend::setFont and setTextColor pass the legend's font and colour on to every
    // item, so the items need no treatment of their own.
}

void themeScatter(QCPAbstractPlottable* plottable, const ThemeStyle& s)
{
    const auto scaled = [&](QCPScatterStyle style) {
        const double size = baseValue(plottable, "scatterSize", style.size());
        style.setSize(remember(plottable, "scatterSize", size * s.markerScale));
        if (style.isPenDefined() && style.pen().style() != Qt::NoPen) {
            // Marker outlines grow less than lines, or small markers fill up with outline.
            QPen pen = style.pen();
            const double width = baseValue(plottable, "scatterPenWidth", pen.widthF());
            pen.setWidthF(remember(plottable, "scatterPenWidth",
                                   s.lineScale == 1.0 ? width : (width > 0 ? width : 1.0) * std::min(s.lineScale, 2.0)));
            style.setPen(pen);
        }
        return style;
    };
    if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
        if (graph->scatterStyle().shape() != QCPScatterStyle::ssNone)
            graph->setScatterStyle(scaled(graph->scatterStyle()));
    } else if (auto* curve = qobject_cast<QCPCurve*>(plottable)) {
        if (curve->scatterStyle().shape() != QCPScatterStyle::ssNone)
            curve->setScatterStyle(scaled(curve->scatterStyle()));
    }
}

} // namespace

QString plotThemeId(PlotTheme theme)
{
    switch (theme) {
    case PlotTheme::Screen: return QStringLiteral("screen");
    case PlotTheme::Publication: return QStringLiteral("publication");
    case PlotTheme::Presentation: return QStringLiteral("presentation");
    }
    return QStringLiteral("screen");
}

QString plotThemeTitle(PlotTheme theme)
{
    switch (theme) {
    case PlotTheme::Screen: return QStringLiteral("As on screen");
    case PlotTheme::Publication: return QStringLiteral("Publication (white, larger fonts)");
    case PlotTheme::Presentation: return QStringLiteral("Presentation (large fonts, thick lines)");
    }
    return {};
}

QStringList plotThemeIds()
{
    return {plotThemeId(PlotTheme::Screen), plotThemeId(PlotTheme::Publication), plotThemeId(PlotTheme::Presentation)};
}

bool plotThemeFromId(const QString& id, PlotTheme* theme)
{
    for (PlotTheme candidate : {PlotTheme::Screen, PlotTheme::Publication, PlotTheme::Presentation})
        if (plotThemeId(candidate) == id) {
            *theme = candidate;
            return true;
        }
    return false;
}

void applyPlotTheme(QCustomPlot* plot, PlotTheme theme)
{
    if (!plot)
        return;
    const ThemeStyle s = styleOf(theme);
    plot->setBackground(QBrush(s.publicationColours ? QColor(Qt::white) : plotcolors::background()));

    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(themedBrush(rect, "background", rect->backgroundBrush(),
                                        s.publicationColours ? QBrush(Qt::white) : QBrush()));
        for (QCPAxis* axis : rect->axes())
            themeAxis(axis, s);
    }
    // Legends, titles and colour scales may sit anywhere in the layout (or inside an axis rect).
    QList<QCPLayoutElement*> elements = plot->plotLayout()->elements(true);
    for (QCPAxisRect* rect : plot->axisRects())
        elements += rect->insetLayout()->elements(true);
    if (plot->legend && !elements.contains(plot->legend))
        elements << plot->legend;
    for (QCPLayoutElement* element : elements) {
        if (!element)
            continue;
        if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            themeLegend(legend, s);
        } else if (auto* title = qobject_cast<QCPTextElement*>(element)) {
            title->setFont(scaledFont(title, "font", title->font(), s.fontScale));
            title->setTextColor(themedColour(title, "textColor", title->textColor(), s.publicationColours ? QColor(Qt::black) : QColor()));
        } else if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
            themeAxis(scale->axis(), s);
        }
    }

    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = plot->plottable(i);
        if (qobject_cast<QCPColorMap*>(plottable))
            continue;
        plottable->setPen(scaledPen(plottable, "pen", plottable->pen(), s.lineScale));
        themeScatter(plottable, s);
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        QCPAbstractItem* item = plot->item(i);
        if (auto* text = qobject_cast<QCPItemText*>(item)) {
            text->setFont(scaledFont(text, "font", text->font(), s.fontScale));
            continue;
        }
        // Lines, rectangles, tracers, brackets: every other item draws with a `pen`.
        const QVariant pen = item->property("pen");
        if (pen.isValid() && pen.canConvert<QPen>())
            item->setProperty("pen", QVariant::fromValue(scaledPen(item, "pen", pen.value<QPen>(), s.lineScale)));
    }
}

PlotTheme currentPlotTheme()
{
    return g_current;
}

void setCurrentPlotTheme(PlotTheme theme)
{
    g_current = theme;
}

} // namespace ss
