#include "gui/GuiCommands.h"

#include "automation/WindowAutomation.h"
#include "window/MainWindow.h"
#include "plot/PlotExport.h"
#include "plot/PlotTheme.h"
#include "window/SessionController.h"
#include "views/TradeoffView.h"
#include "cli/SessionOutput.h"
#include "views/View.h"

#include <qcustomplot.h>

#include "common/AtomicFile.h"
#include "common/Error.h"

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdlib>
#include <string_view>
#include <iostream>

namespace ss::gui {

namespace {

QSize parseSize(const QString& text)
{
    const QStringList parts = text.split('x');
    bool okWidth = false, okHeight = false;
    const int width = parts.value(0).toInt(&okWidth);
    const int height = parts.value(1).toInt(&okHeight);
    if (parts.size() != 2 || !okWidth || !okHeight || width < 200 || height < 150 || width > 8000 || height > 8000)
        throw cli::UsageError(("--size expects WIDTHxHEIGHT between 200x150 and 8000x8000, not '" + text + "'")
                                  .toStdString());
    return {width, height};
}

QByteArray pngBytes(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    if (image.isNull() || !buffer.open(QIODevice::WriteOnly) || !image.save(&buffer, "PNG"))
        return {};
    return bytes;
}

// Every shown plot of the views into the folder, each rendered to bytes and then written
// through the core's atomic writer (fsync, recognisable temporaries, the system's reason on
// failure), named as exportViews names them.
ExportReport exportAtomically(const QList<View*>& views, const QString& folder, const ExportOptions& options)
{
    ExportReport report;
    if (!QDir().mkpath(folder)) {
        report.errors << folder + ": cannot create the folder";
        return report;
    }
    for (View* view : views)
        for (const NamedPlot& plot : exportablePlots(view)) {
            const QString path = QDir(folder).absoluteFilePath(plot.stem + QLatin1Char('.') + exportFormatId(options.format));
            QString error;
            const QByteArray bytes = renderPlot(plot.plot, options, &error);
            if (bytes.isEmpty()) {
                report.errors << path + ": " + (error.isEmpty() ? QStringLiteral("nothing to render") : error);
                continue;
            }
            try {
                writeFileAtomically(path.toStdString(), std::string_view(bytes.constData(), std::size_t(bytes.size())));
                report.written << path;
            } catch (const InputError& failure) {
                report.errors << QString::fromStdString(failure.what());
            }
        }
    return report;
}

// Renders views of a freshly trained preset to PNG: the README's pictures come from here.
int runScreenshot(const QStringList& arguments, cli::CommandStreams streams)
{
    return cli::runCommand(
        arguments, streams,
        "Render the window or one view to PNG without a display, after training a preset.",
        [](QCommandLineParser& parser) {
            parser.addOption({"preset", "Preset to load first (see the app's Presets menu).", "ID"});
            parser.addOption({"view", "window, training, tradeoff, confusion, boundary, weights, efficiency or all.",
                              "VIEW", "window"});
            parser.addOption({"out", "PNG file (one view or the window).", "FILE"});
            parser.addOption({"out-dir", "Folder for --view all: one VIEW.png each.", "DIR"});
            parser.addOption({"epochs", "Epochs to train before rendering.", "N", "60"});
            parser.addOption({"size", "Image size in pixels (for --view window: the window's size).", "WxH", "1500x950"});
            parser.addOption({"presentation", "In Presentation mode (View > Presentation Mode): large text and thick lines."});
            parser.addOption({"tiled", "With all views tiled (View > All views tiled); for --view window."});
        },
        [&](const QCommandLineParser& parser) {
            // --out with --view all was a folder: still taken, as the old spelling of --out-dir.
            const bool all = parser.value("view") == "all";
            const QString out = all ? cli::renamedOption(parser, "out-dir", "out", streams.err) : QStringLiteral("out");
            if (!parser.isSet(out))
                throw cli::UsageError(all ? "--out-dir DIR is required with --view all" : "--out FILE is required");
            const QSize size = parseSize(parser.value("size"));
            const long epochs = cli::longOption(parser, "epochs");
            MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
            if (parser.isSet("presentation"))
                window.sessions()->setPresentationMode(true);
            if (parser.isSet("tiled"))
                window.setTiled(true);
            if (parser.isSet("preset") && !window.applyPreset(parser.value("preset"))) {
                streams.err << "screenshot: preset '" << parser.value("preset").toStdString()
                            << "' could not be loaded: " << window.lastProblem().toStdString()
                            << "\nPresets: " << window.presetIds().join(", ").toStdString() << '\n';
                return cli::ExitFailure;
            }
            if (epochs > 0 && !trainAndWait(window, static_cast<int>(epochs), 300000)) {
                streams.err << "screenshot: training did not finish within 5 minutes\n";
                return cli::ExitFailure;
            }
            const QString view = parser.value("view");
            QStringList views = view == "all" ? window.viewIds() << "window" : QStringList{view};
            std::vector<std::string> files;
            for (const QString& id : views) {
                if (id != "window" && !window.viewIds().contains(id))
                    throw cli::UsageError(("unknown view '" + id + "'; views: " + window.viewIds().join(", ") + ", window")
                                              .toStdString());
                QString path = parser.value(out);
                if (view == "all") {
                    QDir().mkpath(path);
                    path = QDir(path).filePath(id + ".png");
                }
                // Rendered to bytes first, then written atomically: a full disk or a kill leaves
                // an old picture whole.
                const QByteArray png = pngBytes(renderView(window, id, size));
                if (png.isEmpty()) {
                    streams.err << "screenshot: could not render the view " << id.toStdString() << '\n';
                    return cli::ExitFailure;
                }
                writeFileAtomically(path.toStdString(), std::string_view(png.constData(), std::size_t(png.size())));
                files.push_back(QFileInfo(path).absoluteFilePath().toStdString());
            }
            streams.out << nlohmann::json{{"files", files}}.dump(2) << '\n';
            return cli::ExitSuccess;
        });
}

// Renders the plots of a saved session, exactly as the window shows them, without a display.
int runExport(const QStringList& arguments, cli::CommandStreams streams)
{
    return cli::runCommand(
        arguments, streams,
        "Open a session file and write its plots (PNG, PDF, SVG) or the data behind them (CSV) into a folder, "
        "without a display. Views with several plots write one file per plot (VIEW-PLOT.EXT).",
        [](QCommandLineParser& parser) {
            parser.addOption({"session", "Session file (written by the app or by train/prune/scan/sweep --session).", "FILE"});
            parser.addOption({"view", "training, tradeoff, confusion, boundary, weights, efficiency or all.", "VIEW", "all"});
            parser.addOption({"format", "png, pdf, svg or csv.", "FORMAT", "png"});
            parser.addOption({"out-dir", "Folder for the files (created if needed).", "DIR"});
            parser.addOption({"out", "Deprecated spelling of --out-dir here (--out names a file).", "DIR"});
            parser.addOption({"size", "Figure size: pixels (PNG, SVG) or points (PDF).", "WxH", "1200x800"});
            parser.addOption({"scale", "PNG only: pixels per unit of size (2 for print and high-density screens).", "S", "1"});
            parser.addOption({"theme", "screen, publication (white, larger fonts) or presentation (large fonts, thick lines).", "THEME", "screen"});
        },
        [&](const QCommandLineParser& parser) {
            if (!parser.isSet("session"))
                throw cli::UsageError("--session FILE is required");
            const QString out = cli::renamedOption(parser, "out-dir", "out", streams.err);
            if (!parser.isSet(out))
                throw cli::UsageError("--out-dir DIR is required");
            ExportOptions options;
            if (!exportFormatFromId(parser.value("format"), &options.format))
                throw cli::UsageError(("--format expects png, pdf, svg or csv, not '" + parser.value("format") + "'").toStdString());
            const QSize size = parseSize(parser.value("size"));
            options.width = size.width();
            options.height = size.height();
            options.scale = cli::doubleOption(parser, "scale");
            PlotTheme theme = PlotTheme::Screen;
            if (!plotThemeFromId(parser.value("theme"), &theme))
                throw cli::UsageError(("--theme expects " + plotThemeIds().join(", ") + ", not '" + parser.value("theme") + "'").toStdString());
            options.theme = theme;
            if (const QString problem = options.problem(); !problem.isEmpty())
                throw cli::UsageError(problem.toStdString());

            MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
            const QString view = parser.value("view");
            if (view != "all" && !window.viewIds().contains(view))
                throw cli::UsageError(("unknown view '" + view + "'; views: " + window.viewIds().join(", ") + ", all").toStdString());
            if (!waitUntilSettled(window, 60000)) {
                streams.err << "export: the app did not start within a minute\n";
                return cli::ExitFailure;
            }
            QString error;
            if (!openSessionAndWait(window, parser.value("session"), 300000, &error)) {
                streams.err << "export: " << error.toStdString() << '\n';
                return cli::ExitFailure;
            }
            QList<View*> views;
            for (const QString& id : view == "all" ? window.viewIds() : QStringList{view}) {
                View* v = window.view(id);
                v->renderNow();
                views << v;
            }
            const ExportReport report = exportAtomically(views, parser.value(out), options);
            std::vector<std::string> files;
            for (const QString& path : report.written)
                files.push_back(path.toStdString());
            streams.out << nlohmann::json{{"files", files}}.dump(2) << '\n';
            for (const QString& problem : report.errors)
                streams.err << "export: " << problem.toStdString() << '\n';
            return report.ok() && !report.written.isEmpty() ? cli::ExitSuccess : cli::ExitFailure;
        });
}

} // namespace

const std::vector<cli::CommandInfo>& guiCommands()
{
    static const std::vector<cli::CommandInfo> commands = {
        {"screenshot", "render the window or a view to PNG without a display", &runScreenshot},
        {"export", "a session's plots as PNG, PDF or SVG, or their data as CSV, without a display", &runExport},
    };
    return commands;
}

bool wantsPlots(int argc, char** argv)
{
    for (int i = 2; i < argc; ++i)
        if (qstrcmp(argv[i], "--plots") == 0 || qstrcmp(argv[i], "-plots") == 0)
            return true;
    return false;
}

int runWithPlots(const cli::CommandInfo& command, int argc, char** argv)
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    cli::setSessionPlotter([](const QString& sessionFile, const QString& folder, QString* error) {
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        if (!waitUntilSettled(window, 60000) || !openSessionAndWait(window, sessionFile, 300000, error))
            return QStringList();
        auto* tradeoff = qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
        QStringList written;
        // Accuracy against sparsity, then against energy, each with its Pareto front.
        for (const auto axis : {TradeoffView::SweepAxis::Sparsity, TradeoffView::SweepAxis::Energy}) {
            tradeoff->setSweepAxis(axis);
            tradeoff->renderNow();
            const QString suffix = axis == TradeoffView::SweepAxis::Energy ? QStringLiteral("-energy") : QString();
            for (const NamedPlot& plot : exportablePlots(tradeoff)) {
                if (plot.plot->objectName() != QLatin1String("sweep"))
                    continue;
                for (ExportFormat format : {ExportFormat::Png, ExportFormat::Pdf}) {
                    ExportOptions options;
                    options.format = format;
                    options.width = 900;
                    options.height = 600;
                    options.scale = format == ExportFormat::Png ? 2.0 : 1.0;
                    const QString path =
                        QDir(folder).absoluteFilePath(plot.stem + suffix + QLatin1Char('.') + exportFormatId(format));
                    const QByteArray bytes = renderPlot(plot.plot, options, error);
                    if (bytes.isEmpty())
                        return QStringList();
                    try {
                        writeFileAtomically(path.toStdString(), std::string_view(bytes.constData(), std::size_t(bytes.size())));
                    } catch (const InputError& failure) {
                        if (error)
                            *error = QString::fromStdString(failure.what());
                        return QStringList();
                    }
                    written << path;
                }
            }
        }
        if (written.isEmpty() && error)
            *error = QStringLiteral("the tradeoff view has no sweep plot");
        return written;
    });
    return command.run(arguments, {std::cout, std::cerr});
}

int runGui(int argc, char** argv)
{
    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    for (const cli::CommandInfo& command : guiCommands()) {
        if (first != QLatin1String(command.name))
            continue;
        // Rendering needs no display: choose the offscreen platform unless told otherwise.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        // Taken before QApplication, which consumes some options as its own (--session is
        // X11 session management to Qt).
        QStringList arguments;
        for (int i = 1; i < argc; ++i)
            arguments << QString::fromLocal8Bit(argv[i]);
        QApplication app(argc, argv);
        return command.run(arguments, {std::cout, std::cerr});
    }

    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription("SparseScope: accuracy against sparsity and precision, live.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({"preset", "Open with a preset (e.g. article, l1-vs-l2, fashion-95, bits).", "ID"});
    parser.process(app);
    // A word the desktop app does not take (a stray argument, anything after "--") is refused
    // rather than ignored, so that a mistyped command line does not open the window.
    if (!parser.positionalArguments().isEmpty()) {
        std::cerr << "sparsescope: unexpected argument '" << parser.positionalArguments().first().toStdString()
                  << "' (the desktop app takes --preset ID; 'sparsescope --help' lists the commands)\n";
        return 2;
    }
    MainWindow window;
    window.show();
    if (parser.isSet("preset"))
        window.applyPreset(parser.value("preset"));
    return app.exec();
}

} // namespace ss::gui
