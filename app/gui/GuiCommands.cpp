#include "gui/GuiCommands.h"

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cstdlib>
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
            parser.addOption({"out", "PNG file (a folder for --view all).", "PATH"});
            parser.addOption({"epochs", "Epochs to train before rendering.", "N", "60"});
            parser.addOption({"size", "Image size in pixels.", "WxH", "1500x950"});
        },
        [&](const QCommandLineParser& parser) {
            if (!parser.isSet("out"))
                throw cli::UsageError("--out PATH is required");
            const QSize size = parseSize(parser.value("size"));
            const long epochs = cli::longOption(parser, "epochs");
            MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
            if (parser.isSet("preset") && !window.applyPreset(parser.value("preset"))) {
                streams.err << "screenshot: preset '" << parser.value("preset").toStdString()
                            << "' could not be loaded: " << window.lastProblem().toStdString()
                            << "\nPresets: " << window.presetIds().join(", ").toStdString() << '\n';
                return cli::ExitFailure;
            }
            if (epochs > 0 && !window.trainAndWait(static_cast<int>(epochs), 300000)) {
                streams.err << "screenshot: training did not finish within 5 minutes\n";
                return cli::ExitFailure;
            }
            const QString view = parser.value("view");
            QStringList views = view == "all" ? window.viewIds() << "window" : QStringList{view};
            for (const QString& id : views) {
                if (id != "window" && !window.viewIds().contains(id))
                    throw cli::UsageError(("unknown view '" + id + "'; views: " + window.viewIds().join(", ") + ", window")
                                              .toStdString());
                QString path = parser.value("out");
                if (view == "all") {
                    QDir().mkpath(path);
                    path = QDir(path).filePath(id + ".png");
                }
                if (!window.renderViewToPng(id, path, size)) {
                    streams.err << "screenshot: cannot write " << path.toStdString() << '\n';
                    return cli::ExitFailure;
                }
                streams.out << QFileInfo(path).absoluteFilePath().toStdString() << '\n';
            }
            return cli::ExitSuccess;
        });
}

} // namespace

const std::vector<cli::CommandInfo>& guiCommands()
{
    static const std::vector<cli::CommandInfo> commands = {
        {"screenshot", "render the window or a view to PNG without a display", &runScreenshot},
    };
    return commands;
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
        QApplication app(argc, argv);
        return command.run(app.arguments().mid(1), {std::cout, std::cerr});
    }

    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription("SparseScope: accuracy against sparsity and precision, live.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({"preset", "Open with a preset (e.g. article, l1-vs-l2, fashion-95, bits).", "ID"});
    parser.process(app);
    MainWindow window;
    window.show();
    if (parser.isSet("preset"))
        window.applyPreset(parser.value("preset"));
    return app.exec();
}

} // namespace ss::gui
