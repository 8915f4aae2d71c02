#pragma once
// Looks for the plots beyond the screen style of PlotStyle.h (which stays the one source of
// fonts and Okabe-Ito colours): a publication style (white background, black text and axes,
// larger fonts) and a presentation mode for lecture halls (large fonts, thick lines).
//
// A theme is applied to a finished plot by walking its axes, legends, titles, plottables and
// items and scaling fonts and pen widths from the values the view gave them. Each element
// remembers its own values in dynamic properties, so themes can be switched back and forth
// without drift, and an element a view restyles or creates anew is picked up as it is.
// Views apply the current theme after every render (View::renderNow), so presentation mode
// holds while training redraws the curves.

#include <QString>
#include <QStringList>

class QCustomPlot;

namespace ss {

enum class PlotTheme { Screen, Publication, Presentation };

QString plotThemeId(PlotTheme theme);      // "screen", "publication", "presentation"
QString plotThemeTitle(PlotTheme theme);   // for menus
QStringList plotThemeIds();
// False when the id is unknown (theme unchanged).
bool plotThemeFromId(const QString& id, PlotTheme* theme);

// Restyles the plot in place (no replot: the caller decides when to draw).
void applyPlotTheme(QCustomPlot* plot, PlotTheme theme);

// The theme the views draw in live (presentation mode). Screen by default.
PlotTheme currentPlotTheme();
void setCurrentPlotTheme(PlotTheme theme);

} // namespace ss
