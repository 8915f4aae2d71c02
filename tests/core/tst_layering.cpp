// The house's layers, read from the includes: core/ folders depend only on the folders below
// them (docs/ARCHITECTURE.md draws the order), the core knows nothing of Qt, the ui or the
// app, and the ui knows nothing of the app.
#include <QtTest>

#include <QDirIterator>
#include <QRegularExpression>

namespace {

// Bottom first: a folder may include itself and the folders before it.
const QStringList kCoreOrder = {"common", "kernels", "data", "metrics", "nn", "compress", "solve", "eval", "session"};

// Every problem in one file's text, for a file in `area` ("core", "ui" or "app") and, in the
// core, `folder`; each names the file, the line and the include.
QStringList violationsIn(const QString& file, const QString& area, const QString& folder, const QString& text)
{
    static const QRegularExpression include(QStringLiteral(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])"));
    QStringList problems;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int n = 0; n < lines.size(); ++n) {
        const QRegularExpressionMatch match = include.match(lines[n]);
        if (!match.hasMatch())
            continue;
        const bool quoted = match.captured(1) == QStringLiteral("\"");
        const QString target = match.captured(2);
        const QString where = QStringLiteral("%1:%2: #include %3").arg(file).arg(n + 1).arg(target);
        const QString top = target.section(QLatin1Char('/'), 0, 0);
        if (area == QStringLiteral("core")) {
            if (!quoted && (target.startsWith(QLatin1Char('Q')) || target.startsWith(QStringLiteral("qcustomplot"))))
                problems << where + QStringLiteral(" (the core is Qt-free)");
            if (!quoted || !target.contains(QLatin1Char('/')))
                continue;
            const int own = kCoreOrder.indexOf(folder);
            const int other = kCoreOrder.indexOf(top);
            if (other < 0)
                problems << where + QStringLiteral(" (not a core folder)");
            else if (other > own)
                problems << where + QStringLiteral(" (%1 is above %2)").arg(top, folder);
        } else if (area == QStringLiteral("ui")) {
            if (quoted && (top == QStringLiteral("cli") || top == QStringLiteral("gui")))
                problems << where + QStringLiteral(" (the ui knows nothing of the app)");
        }
    }
    return problems;
}

QString sourceRoot()
{
    return QDir::cleanPath(QStringLiteral(SPARSESCOPE_TEST_DATA_DIR "/../.."));
}

} // namespace

class TestLayering : public QObject {
    Q_OBJECT

private slots:
    void everyCoreFolderIsInTheOrder()
    {
        const QDir core(sourceRoot() + QStringLiteral("/core"));
        QVERIFY(core.exists());
        for (const QString& folder : core.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            QVERIFY2(kCoreOrder.contains(folder), qPrintable(QStringLiteral("core/%1 has no place in the order").arg(folder)));
    }

    void theSourcesKeepTheLayers()
    {
        QStringList problems;
        int files = 0;
        for (const QString& area : {QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app")}) {
            QDirIterator it(sourceRoot() + QLatin1Char('/') + area, {QStringLiteral("*.h"), QStringLiteral("*.cpp")},
                            QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QString relative = QDir(sourceRoot()).relativeFilePath(path);
                const QString folder = relative.section(QLatin1Char('/'), 1, 1);
                problems << violationsIn(relative, area, folder, QString::fromUtf8(file.readAll()));
                ++files;
            }
        }
        QVERIFY(files > 100); // really read the tree
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void aPlantedUpwardIncludeIsFound()
    {
        const QString planted = QStringLiteral("#include \"nn/Network.h\"\n#include \"eval/Reports.h\"\n");
        const QStringList problems = violationsIn(QStringLiteral("core/nn/Planted.cpp"), QStringLiteral("core"),
                                                  QStringLiteral("nn"), planted);
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems.front().contains(QStringLiteral("core/nn/Planted.cpp:2")));
        QVERIFY(problems.front().contains(QStringLiteral("eval is above nn")));
        QCOMPARE(violationsIn(QStringLiteral("core/data/X.cpp"), QStringLiteral("core"), QStringLiteral("data"),
                              QStringLiteral("#include <QString>\n"))
                     .size(),
                 1);
        QCOMPARE(violationsIn(QStringLiteral("ui/X.cpp"), QStringLiteral("ui"), QString(),
                              QStringLiteral("#include \"cli/Command.h\"\n"))
                     .size(),
                 1);
    }
};

QTEST_APPLESS_MAIN(TestLayering)
#include "tst_layering.moc"
