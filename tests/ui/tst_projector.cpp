// The window on a lecture-hall projector: a 1280x720 screen, and 1920x1080 at 150 %
// scaling (the same 1280x720 in device-independent pixels). The offscreen platform is
// given these screens through its configuration file before the application starts.
// With SPARSESCOPE_SCREENSHOT_DIR set, the pictures are also written there.
#include "WindowSetUp.h"
#include "automation/WindowAutomation.h"
#include "window/AppSettings.h"
#include "controls/ControlPanel.h"
#include "controls/HeadlineBar.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"
#include "views/View.h"

#include <qcustomplot.h>

#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QScreen>
#include <QScrollArea>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace ss;
using namespace ss::testing;

namespace {

constexpr int kTimeout = 30000;

QScreen* screenNamed(const QString& name)
{
    for (QScreen* screen : QGuiApplication::screens())
        if (screen->name() == name)
            return screen;
    return nullptr;
}

// Shows the window on that screen, at its top left corner.
void showOn(MainWindow& window, QScreen* screen)
{
    window.setScreen(screen);
    window.move(screen->geometry().topLeft());
    window.show();
}

void saveScreenshot(MainWindow& window, const QString& name)
{
    const QString folder = qEnvironmentVariable("SPARSESCOPE_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        window.grab().save(folder + QLatin1Char('/') + name);
}

// Nothing of the window lies outside it, and every label can show its text in full.
void verifyFitsAndNothingClipped(MainWindow& window, const QRect& available)
{
    QVERIFY2(window.minimumSizeHint().width() <= available.width(),
             qPrintable(QStringLiteral("minimum width %1 on a %2 px screen").arg(window.minimumSizeHint().width()).arg(available.width())));
    QVERIFY2(window.minimumSizeHint().height() <= available.height(),
             qPrintable(QStringLiteral("minimum height %1 on a %2 px screen").arg(window.minimumSizeHint().height()).arg(available.height())));
    QVERIFY2(available.contains(window.frameGeometry()),
             qPrintable(QStringLiteral("window %1,%2 %3x%4").arg(window.x()).arg(window.y()).arg(window.width()).arg(window.height())));
    // The controls scroll up and down, never sideways: their viewport holds their width.
    auto* area = qobject_cast<QScrollArea*>(window.controls()->parentWidget()->parentWidget());
    QVERIFY(area);
    QVERIFY2(area->viewport()->width() >= window.controls()->minimumSizeHint().width(),
             qPrintable(QStringLiteral("controls viewport %1 < %2").arg(area->viewport()->width()).arg(window.controls()->minimumSizeHint().width())));
    for (const QString& id : window.viewIds()) {
        View* view = window.view(id);
        if (view->isVisible())
            QVERIFY2(view->width() >= 600 && view->height() >= 300,
                     qPrintable(QStringLiteral("%1: %2x%3").arg(id).arg(view->width()).arg(view->height())));
    }
    // The headline cards wrap instead of being cut at the right edge.
    HeadlineBar* headline = window.headline();
    for (QLabel* label : headline->findChildren<QLabel*>())
        if (label->isVisible() && !label->text().isEmpty())
            QVERIFY2(label->width() >= label->minimumSizeHint().width(),
                     qPrintable(QStringLiteral("'%1' gets %2 of %3 px").arg(label->text()).arg(label->width()).arg(label->minimumSizeHint().width())));
}

} // namespace

class TestProjector : public QObject {
    Q_OBJECT

private slots:
    void fitsA1280x720Projector()
    {
        QScreen* projector = screenNamed(QStringLiteral("projector"));
        QVERIFY(projector);
        QCOMPARE(projector->geometry().size(), QSize(1280, 720));
        qInfo("devicePixelRatio %g", projector->devicePixelRatio());
        MainWindow window(noSettings());
        showOn(window, projector);
        QVERIFY(window.applyPreset(QStringLiteral("l1-vs-l2")));
        QVERIFY(trainAndWait(window, 20, kTimeout));
        QTest::qWait(50);
        verifyFitsAndNothingClipped(window, projector->availableGeometry());
        QVERIFY(window.headline()->rowCount() >= 1);
        saveScreenshot(window, QStringLiteral("window-1280x720.png"));
    }

    void restoredGeometryIsClampedToTheScreen()
    {
        // A geometry saved on a large monitor, half of it beyond this screen's right edge.
        QTemporaryDir folder;
        const QString file = folder.filePath(QStringLiteral("settings.ini"));
        QByteArray large;
        {
            QWidget probe;
            probe.setGeometry(900, 300, 1800, 1100);
            large = probe.saveGeometry();
        }
        {
            AppSettings settings(file, nullptr);
            settings.setWindowGeometry(large);
            settings.sync();
        }
        MainWindow window(MainWindow::Options{.useSettings = true, .settingsFile = file});
        window.show();
        QTest::qWait(20);
        const QRect available = screenNamed(QStringLiteral("projector"))->availableGeometry();
        QVERIFY2(available.contains(window.frameGeometry()),
                 qPrintable(QStringLiteral("window at %1,%2 %3x%4").arg(window.frameGeometry().x()).arg(window.frameGeometry().y())
                                .arg(window.frameGeometry().width()).arg(window.frameGeometry().height())));
    }

    void fitsAt150PercentScaling()
    {
        if (qEnvironmentVariableIsSet("SPARSESCOPE_PROJECTOR_SCALED"))
            QSKIP("this is the scaled run itself");
        // The scale factor is per process: the same checks again in a child process on a
        // 1920x1080 screen at 150 %.
        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("SPARSESCOPE_PROJECTOR_SCALED"), QStringLiteral("1"));
        environment.remove(QStringLiteral("SPARSESCOPE_SCREENSHOT_DIR"));
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("fitsA1280x720Projector"), QStringLiteral("presentationModeEnlargesTheWholeWindowAndStillFits")});
        QVERIFY(child.waitForFinished(5 * kTimeout));
        const QByteArray output = child.readAll();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, output.constData());
        QVERIFY2(output.contains("devicePixelRatio 1.5"), output.constData());
    }

    void presentationModeEnlargesTheWholeWindowAndStillFits()
    {
        QScreen* projector = screenNamed(QStringLiteral("projector"));
        QVERIFY(projector);
        MainWindow window(noSettings());
        showOn(window, projector);
        QVERIFY(window.applyPreset(QStringLiteral("l1-vs-l2")));
        QVERIFY(trainAndWait(window, 20, kTimeout));
        const QString value = window.headline()->value(QStringLiteral("accuracy"));
        QLabel* number = nullptr;
        for (QLabel* label : window.headline()->findChildren<QLabel*>())
            if (label->text() == value)
                number = label;
        QVERIFY(number);
        QLabel* rowLabel = window.controls()->findChild<QLabel*>(QStringLiteral("rowLabel"));
        QVERIFY(rowLabel);
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);
        const qreal numberBefore = QFontInfo(number->font()).pointSizeF();
        const qreal labelBefore = QFontInfo(rowLabel->font()).pointSizeF();
        const qreal tabsBefore = QFontInfo(tabs->font()).pointSizeF();

        window.sessions()->setPresentationMode(true);
        QTest::qWait(50);
        QVERIFY2(QFontInfo(number->font()).pointSizeF() >= 1.25 * numberBefore, qPrintable(QString::number(QFontInfo(number->font()).pointSizeF())));
        QVERIFY(QFontInfo(rowLabel->font()).pointSizeF() >= 1.25 * labelBefore);
        QVERIFY(QFontInfo(tabs->font()).pointSizeF() >= 1.25 * tabsBefore);
        verifyFitsAndNothingClipped(window, projector->availableGeometry());
        saveScreenshot(window, QStringLiteral("window-presentation.png"));

        window.sessions()->setPresentationMode(false);
        QTest::qWait(20);
        QCOMPARE(QFontInfo(number->font()).pointSizeF(), numberBefore);
    }
};

int main(int argc, char** argv)
{
    // The projector's screen: 1280x720, or (in the child process of the scaling test)
    // 1920x1080 at 150 %, which is 1280x720 in device-independent pixels.
    const bool scaled = qEnvironmentVariableIsSet("SPARSESCOPE_PROJECTOR_SCALED");
    QTemporaryDir folder;
    const QString config = folder.filePath(QStringLiteral("screens.json"));
    {
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return 2;
        file.write(QStringLiteral(R"({"screens": [{"name": "projector", "x": 0, "y": 0, "width": %1, "height": %2,)"
                                  R"( "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})")
                       .arg(scaled ? 1920 : 1280)
                       .arg(scaled ? 1080 : 720)
                       .toUtf8());
    }
    qputenv("QT_QPA_PLATFORM", ("offscreen:configfile=" + config).toUtf8());
    if (scaled)
        qputenv("QT_SCALE_FACTOR", "1.5");
    else
        qunsetenv("QT_SCALE_FACTOR");
    QApplication app(argc, argv);
    TestProjector test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_projector.moc"
