#include "plot/PlotExport.h"

#include "views/View.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSvgGenerator>

#include <charconv>
#include <cmath>

namespace ss {

namespace {

// Renders with the requested theme and puts the plot back as it was afterwards.
class ThemeScope {
public:
    ThemeScope(QCustomPlot* plot, const std::optional<PlotTheme>& theme)
        : m_plot(plot)
        , m_active(theme && *theme != currentPlotTheme())
    {
        if (m_active)
            applyPlotTheme(m_plot, *theme);
    }
    ~ThemeScope()
    {
        if (m_active)
            applyPlotTheme(m_plot, currentPlotTheme());
        // Exports lay the plot out at their own size; the next paint lays it out again at
        // the widget's.
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    ThemeScope(const ThemeScope&) = delete;
    ThemeScope& operator=(const ThemeScope&) = delete;

private:
    QCustomPlot* m_plot;
    bool m_active;
};

// Fonts are sized by the device's resolution: vector outputs use the screen's, so text
// keeps the same size relative to the plot as in a PNG.
int screenDpi(const QCustomPlot* plot)
{
    const int dpi = plot->logicalDpiX();
    return dpi > 0 ? dpi : 96;
}

void prepareVectorPainter(QCPPainter& painter)
{
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    // Hairlines (cosmetic pens) would stay one device pixel wide at any zoom or print size.
    painter.setMode(QCPPainter::pmNonCosmetic);
}

QString number(double value)
{
    if (!std::isfinite(value))
        return QString();
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return QString::fromLatin1(buffer, static_cast<int>(end - buffer));
}

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

// The tick text at a position of a text axis (class names), else empty.
QString tickText(const QCPAxis* axis, double position)
{
    if (!axis)
        return {};
    const auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
    if (!ticker)
        return {};
    const QMap<double, QString>& ticks = ticker->ticks();
    const auto found = ticks.constFind(position);
    if (found != ticks.constEnd())
        return found.value();
    // Positions computed in floating point (cell centres) may differ in the last bits.
    for (auto it = ticks.constBegin(); it != ticks.constEnd(); ++it)
        if (std::abs(it.key() - position) < 1e-9 * std::max(1.0, std::abs(position)))
            return it.value();
    return {};
}

QString axisName(const QCPAxis* axis)
{
    return axis ? axis->label().simplified() : QString();
}

class CsvWriter {
public:
    CsvWriter() { m_text = QStringLiteral("series,type,x_axis,x,x_label,y_axis,y,y_label,value\n"); }

    void row(const QString& series, const char* type, const QCPAxis* xAxis, double x, const QCPAxis* yAxis, double y,
             const QString& value = QString())
    {
        m_text += csvField(series) + QLatin1Char(',') + QLatin1String(type) + QLatin1Char(',') + csvField(axisName(xAxis))
                  + QLatin1Char(',') + number(x) + QLatin1Char(',') + csvField(tickText(xAxis, x)) + QLatin1Char(',')
                  + csvField(axisName(yAxis)) + QLatin1Char(',') + number(y) + QLatin1Char(',')
                  + csvField(tickText(yAxis, y)) + QLatin1Char(',') + csvField(value) + QLatin1Char('\n');
    }

    const QString& text() const { return m_text; }

private:
    QString m_text;
};

QString seriesName(const QCPAbstractPlottable* plottable, const char* kind, int index)
{
    const QString name = plottable->name().simplified();
    return name.isEmpty() ? QStringLiteral("%1 %2").arg(QLatin1String(kind)).arg(index + 1) : name;
}

// The key axis runs horizontally unless the plot is turned (bars drawn sideways).
void point(CsvWriter& csv, const QString& series, const char* type, const QCPAbstractPlottable* plottable, double key,
           double value, const QString& extra = QString())
{
    const QCPAxis* keyAxis = plottable->keyAxis();
    const QCPAxis* valueAxis = plottable->valueAxis();
    if (keyAxis && keyAxis->orientation() == Qt::Vertical)
        csv.row(series, type, valueAxis, value, keyAxis, key, extra);
    else
        csv.row(series, type, keyAxis, key, valueAxis, value, extra);
}

QString slug(const QString& text)
{
    QString lowered = text.toLower();
    lowered.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    QStringList words = lowered.split(QLatin1Char('-'), Qt::SkipEmptyParts);
    while (words.size() > 4)
        words.removeLast();
    return words.join(QLatin1Char('-'));
}

QString plotTitle(const QCustomPlot* plot)
{
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
        if (auto* title = qobject_cast<QCPTextElement*>(element))
            if (!title->text().trimmed().isEmpty())
                return title->text().section(QLatin1Char('\n'), 0, 0);
    return {};
}

} // namespace

QString exportFormatId(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Png: return QStringLiteral("png");
    case ExportFormat::Pdf: return QStringLiteral("pdf");
    case ExportFormat::Svg: return QStringLiteral("svg");
    case ExportFormat::Csv: return QStringLiteral("csv");
    }
    return QStringLiteral("png");
}

QStringList exportFormatIds()
{
    return {QStringLiteral("png"), QStringLiteral("pdf"), QStringLiteral("svg"), QStringLiteral("csv")};
}

bool exportFormatFromId(const QString& id, ExportFormat* format)
{
    for (ExportFormat candidate : {ExportFormat::Png, ExportFormat::Pdf, ExportFormat::Svg, ExportFormat::Csv})
        if (exportFormatId(candidate) == id.toLower()) {
            *format = candidate;
            return true;
        }
    return false;
}

QString ExportOptions::problem() const
{
    if (width < 16 || width > 20000 || height < 16 || height > 20000)
        return QStringLiteral("the size must be between 16 and 20000 on each side, not %1 x %2").arg(width).arg(height);
    if (!(scale >= 0.25 && scale <= 8.0))
        return QStringLiteral("the scale must be between 0.25 and 8, not %1").arg(scale);
    if (format == ExportFormat::Png && double(width) * scale * double(height) * scale > 400e6)
        return QStringLiteral("%1 x %2 at scale %3 is more than 400 megapixels").arg(width).arg(height).arg(scale);
    return {};
}

QByteArray renderPng(QCustomPlot* plot, int width, int height, double scale)
{
    const QPixmap pixmap = plot->toPixmap(width, height, scale);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (pixmap.isNull() || !pixmap.toImage().save(&buffer, "PNG"))
        return {};
    return bytes;
}

QByteArray renderPdf(QCustomPlot* plot, int width, int height, const QString& title)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setCreator(QStringLiteral("SparseScope"));
        writer.setTitle(title);
        writer.setResolution(screenDpi(plot));
        // One page exactly the figure's size, in points, no margins (what savePdf does).
        QPageLayout layout(QPageSize(QSizeF(width, height), QPageSize::Point, QString(), QPageSize::ExactMatch),
                           QPageLayout::Portrait, QMarginsF(0, 0, 0, 0));
        layout.setMode(QPageLayout::FullPageMode);
        writer.setPageLayout(layout);
        QCPPainter painter;
        if (!painter.begin(&writer))
            return {};
        prepareVectorPainter(painter);
        painter.setWindow(QRect(0, 0, width, height));
        plot->toPainter(&painter, width, height);
        painter.end();
    }
    return bytes;
}

QByteArray renderSvg(QCustomPlot* plot, int width, int height, const QString& title)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(QSize(width, height));
    generator.setViewBox(QRect(0, 0, width, height));
    generator.setResolution(screenDpi(plot));
    generator.setTitle(title);
    generator.setDescription(QStringLiteral("Exported by SparseScope"));
    QCPPainter painter;
    if (!painter.begin(&generator))
        return {};
    prepareVectorPainter(painter);
    plot->toPainter(&painter, width, height);
    painter.end();
    return bytes;
}

QString plotDataCsv(const QCustomPlot* plot)
{
    CsvWriter csv;
    auto* mutablePlot = const_cast<QCustomPlot*>(plot); // QCustomPlot's getters are not const
    for (int i = 0; i < mutablePlot->plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = mutablePlot->plottable(i);
        if (!plottable->realVisibility())
            continue;
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            const QString name = seriesName(graph, "graph", i);
            for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
                point(csv, name, "graph", graph, it->key, it->value);
        } else if (auto* curve = qobject_cast<QCPCurve*>(plottable)) {
            const QString name = seriesName(curve, "curve", i);
            for (auto it = curve->data()->constBegin(); it != curve->data()->constEnd(); ++it)
                point(csv, name, "curve", curve, it->key, it->value);
        } else if (auto* bars = qobject_cast<QCPBars*>(plottable)) {
            const QString name = seriesName(bars, "bars", i);
            for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
                point(csv, name, "bars", bars, it->key, it->value);
        } else if (auto* errors = qobject_cast<QCPErrorBars*>(plottable)) {
            // Error bars belong to another plottable's points: write them at those points.
            const QString name = seriesName(errors, "error bars", i);
            auto* interface = errors->dataPlottable() ? errors->dataPlottable()->interface1D() : nullptr;
            const auto& data = *errors->data();
            for (int k = 0; k < data.size() && interface && k < interface->dataCount(); ++k) {
                point(csv, name, "error-", errors, interface->dataMainKey(k), interface->dataMainValue(k),
                      number(data.at(k).errorMinus));
                point(csv, name, "error+", errors, interface->dataMainKey(k), interface->dataMainValue(k),
                      number(data.at(k).errorPlus));
            }
        } else if (auto* map = qobject_cast<QCPColorMap*>(plottable)) {
            const QString name = seriesName(map, "colour map", i);
            QCPColorMapData* cells = map->data();
            // Rows first, as a matrix is read (row 0 of a confusion matrix first).
            for (int v = 0; v < cells->valueSize(); ++v)
                for (int k = 0; k < cells->keySize(); ++k) {
                    double key = 0, value = 0;
                    cells->cellToCoord(k, v, &key, &value);
                    point(csv, name, "cell", map, key, value, number(cells->cell(k, v)));
                }
        }
    }
    // Annotations: texts (cell labels, markers) and reference lines (thresholds).
    for (int i = 0; i < mutablePlot->itemCount(); ++i) {
        QCPAbstractItem* item = mutablePlot->item(i);
        if (!item->realVisibility())
            continue;
        const QString name = QStringLiteral("annotation %1").arg(i + 1);
        if (auto* text = qobject_cast<QCPItemText*>(item)) {
            const QCPItemPosition* at = text->position;
            if (at->typeX() == QCPItemPosition::ptPlotCoords && at->typeY() == QCPItemPosition::ptPlotCoords)
                csv.row(name, "text", at->keyAxis(), at->coords().x(), at->valueAxis(), at->coords().y(),
                        text->text().simplified());
        } else if (auto* line = qobject_cast<QCPItemStraightLine*>(item)) {
            for (const QCPItemPosition* end : {line->point1, line->point2})
                if (end->type() == QCPItemPosition::ptPlotCoords)
                    csv.row(name, "line", end->keyAxis(), end->coords().x(), end->valueAxis(), end->coords().y());
        } else if (auto* segment = qobject_cast<QCPItemLine*>(item)) {
            for (const QCPItemPosition* end : {segment->start, segment->end})
                if (end->type() == QCPItemPosition::ptPlotCoords)
                    csv.row(name, "line", end->keyAxis(), end->coords().x(), end->valueAxis(), end->coords().y());
        }
    }
    return csv.text();
}

bool saveFileAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    const auto fail = [&](const QString& why) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), why);
        return false;
    };
    if (QFileInfo(path).isDir())
        return fail(QStringLiteral("is a folder; nothing was written"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write: %1").arg(file.errorString()));
    if (file.write(bytes) != bytes.size()) {
        const QString why = file.errorString();
        file.cancelWriting();
        return fail(QStringLiteral("write failed: %1").arg(why));
    }
    if (!file.commit())
        return fail(QStringLiteral("cannot replace the file: %1").arg(file.errorString()));
    return true;
}

QByteArray renderPlot(QCustomPlot* plot, const ExportOptions& options, QString* error)
{
    const QString problem = options.problem();
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return {};
    }
    if (options.format == ExportFormat::Csv)
        return plotDataCsv(plot).toUtf8();
    QByteArray bytes;
    {
        const ThemeScope theme(plot, options.theme);
        const QString title = plotTitle(plot);
        switch (options.format) {
        case ExportFormat::Png: bytes = renderPng(plot, options.width, options.height, options.scale); break;
        case ExportFormat::Pdf: bytes = renderPdf(plot, options.width, options.height, title); break;
        case ExportFormat::Svg: bytes = renderSvg(plot, options.width, options.height, title); break;
        case ExportFormat::Csv: break;
        }
    }
    if (bytes.isEmpty() && error)
        *error = QStringLiteral("could not render the plot as %1").arg(exportFormatId(options.format).toUpper());
    return bytes;
}

bool exportPlot(QCustomPlot* plot, const QString& path, const ExportOptions& options, QString* error)
{
    QString problem;
    const QByteArray bytes = renderPlot(plot, options, &problem);
    if (bytes.isEmpty()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), problem);
        return false;
    }
    return saveFileAtomically(path, bytes, error);
}

QList<NamedPlot> exportablePlots(const View* view)
{
    QList<NamedPlot> named;
    const QList<QCustomPlot*> plots = view->plots();
    QList<QCustomPlot*> shown;
    for (QCustomPlot* plot : plots)
        if (plot && plot->isVisibleTo(view))
            shown << plot;
    QStringList used;
    for (int i = 0; i < shown.size(); ++i) {
        QString stem = view->id();
        if (shown.size() > 1) {
            // Titles change with the content; names must not (a folder of exports is
            // overwritten by the next export of the same views).
            QString part = slug(shown[i]->objectName());
            if (part.isEmpty() || used.contains(part))
                part = QStringLiteral("plot%1").arg(i + 1);
            used << part;
            stem += QLatin1Char('-') + part;
        }
        // A plot that only says "No sweep yet" is no figure: it keeps its name but is not written.
        if (view->plotHasContent(shown[i]))
            named.push_back({shown[i], stem});
    }
    return named;
}

ExportReport exportView(View* view, const QString& folder, const ExportOptions& options)
{
    ExportReport report;
    if (!QDir().mkpath(folder)) {
        report.errors << QStringLiteral("%1: cannot create the folder").arg(QDir::toNativeSeparators(folder));
        return report;
    }
    for (const NamedPlot& plot : exportablePlots(view)) {
        const QString path = QDir(folder).absoluteFilePath(plot.stem + QLatin1Char('.') + exportFormatId(options.format));
        QString error;
        if (exportPlot(plot.plot, path, options, &error))
            report.written << path;
        else
            report.errors << error;
    }
    return report;
}

ExportReport exportViews(const QList<View*>& views, const QString& folder, const ExportOptions& options)
{
    ExportReport report;
    for (View* view : views) {
        const ExportReport one = exportView(view, folder, options);
        report.written += one.written;
        report.errors += one.errors;
    }
    return report;
}

QImage viewImage(View* view, QSize fallback, double scale)
{
    const QList<NamedPlot> plots = exportablePlots(view);
    if (plots.isEmpty())
        return {};
    QList<QRect> rects;
    QRect bounds;
    const bool laidOut = view->isVisible();
    for (int i = 0; i < plots.size(); ++i) {
        QRect rect;
        if (laidOut && plots[i].plot->width() > 1 && plots[i].plot->height() > 1) {
            rect = QRect(plots[i].plot->mapTo(view, QPoint(0, 0)), plots[i].plot->size());
        } else {
            // Never shown: stacked, each an equal share of the fallback size.
            const int height = fallback.height() / plots.size();
            rect = QRect(0, i * height, fallback.width(), height);
        }
        rects << rect;
        bounds = bounds.united(rect);
    }
    QImage image(QSize(qRound(bounds.width() * scale), qRound(bounds.height() * scale)), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int i = 0; i < plots.size(); ++i) {
        const QRect rect = rects[i].translated(-bounds.topLeft());
        painter.drawPixmap(QPoint(qRound(rect.x() * scale), qRound(rect.y() * scale)),
                           plots[i].plot->toPixmap(rect.width(), rect.height(), scale));
        plots[i].plot->replot(QCustomPlot::rpQueuedReplot);
    }
    return image;
}

} // namespace ss
