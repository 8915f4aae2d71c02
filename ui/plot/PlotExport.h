#pragma once
// Export of the plots the views show: PNG (size and scale), PDF and SVG (vector), and the
// data behind each plot as CSV, for every view, from the window (File > Export) and headless
// (`sparsescope export`).
//
// What is exported: the QCustomPlot plots of a view (View::plots()), each as its own figure,
// laid out afresh at the requested size. Controls, tables and buttons around the plots are
// not part of a figure; their numbers are in the CSV. A view with one plot writes
// "<view>.<ext>", a view with several "<view>-<plot>.<ext>" (the plot's objectName, else its
// position).
//
// The CSV comes from the plots themselves, the same code for every view: every visible
// graph, curve, bar chart, error bar, colour map and annotation, one row per point, in a
// tidy layout that spreadsheet and plotting tools read directly:
//     series,type,x_axis,x,x_label,y_axis,y,y_label,value
// x_label/y_label hold the tick text at that position on text axes (class names of a
// confusion matrix); value holds a colour-map cell, an error amount or an annotation's text.
// Numbers are written in their shortest round-trip form; a missing value is left empty.
//
// Every write is atomic: the bytes are rendered in memory first, then committed through
// QSaveFile, so a failed export leaves an existing file as it was and reports why.

#include "plot/PlotTheme.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

class QCustomPlot;

namespace ss {

class View;

enum class ExportFormat { Png, Pdf, Svg, Csv };

QString exportFormatId(ExportFormat format);   // "png", "pdf", "svg", "csv" (also the file extension)
QStringList exportFormatIds();
bool exportFormatFromId(const QString& id, ExportFormat* format);

struct ExportOptions {
    ExportFormat format = ExportFormat::Png;
    int width = 1200;                  // PNG: logical pixels; PDF: points; SVG: user units
    int height = 800;
    double scale = 1.0;                // PNG only: pixels per logical pixel (2 = "retina")
    std::optional<PlotTheme> theme;    // none: as the plot looks now

    // Empty when valid, otherwise what is wrong (sizes 16..20000, scale 0.25..8).
    QString problem() const;
};

// The bytes of one plot in one format. Empty on failure with *error set.
QByteArray renderPlot(QCustomPlot* plot, const ExportOptions& options, QString* error = nullptr);
QByteArray renderPng(QCustomPlot* plot, int width, int height, double scale);
QByteArray renderPdf(QCustomPlot* plot, int width, int height, const QString& title = QString());
QByteArray renderSvg(QCustomPlot* plot, int width, int height, const QString& title = QString());
QString plotDataCsv(const QCustomPlot* plot);

// Atomic write through QSaveFile. False with *error naming the file and the reason.
bool saveFileAtomically(const QString& path, const QByteArray& bytes, QString* error);

// One plot to one file (the extension is not checked).
bool exportPlot(QCustomPlot* plot, const QString& path, const ExportOptions& options, QString* error);

// The plots of a view that are shown (not hidden by the view), with their file name stems.
struct NamedPlot {
    QCustomPlot* plot = nullptr;
    QString stem;                      // "training", "weights-histogram", ...
};
QList<NamedPlot> exportablePlots(const View* view);

struct ExportReport {
    QStringList written;               // absolute paths
    QStringList errors;                // one line per failed file
    bool ok() const { return errors.isEmpty(); }
};

// Every shown plot of the view into the folder (created if needed), named as above.
ExportReport exportView(View* view, const QString& folder, const ExportOptions& options);
ExportReport exportViews(const QList<View*>& views, const QString& folder, const ExportOptions& options);

// The view's plots as they are laid out on screen, composed into one image (for the
// clipboard). Uses the widget sizes; a view never shown is laid out at `fallback`.
QImage viewImage(View* view, QSize fallback = QSize(1200, 800), double scale = 1.0);

} // namespace ss
