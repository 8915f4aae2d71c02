// CSV reading: every supported dialect, and every malformed input with its exact location.
#include "common/Error.h"
#include "common/Random.h"
#include "data/CsvReader.h"
#include "data/Gzip.h"

#include <QtTest>

#include <fstream>

#include <sys/resource.h>

using namespace ss;

namespace {

using Names = std::vector<std::string>;

Dataset read(const QString& text, const QString& labelColumn = {})
{
    CsvOptions options;
    options.labelColumn = labelColumn.toStdString();
    const QByteArray bytes = text.toUtf8();
    return readCsvText(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), "test.csv", options);
}

} // namespace

class TestCsvReader : public QObject {
    Q_OBJECT
private slots:
    // Hostile input: limits and encodings.
    void invalidUtf8IsNamed_data();
    void invalidUtf8IsNamed();
    void oneHugeLineFailsFastAndSmall();
    void oversizedTextIsRefused();
    void delimiters_data();
    void delimiters();
    void noHeader();
    void stringLabelsSorted();
    void numericLabelsByValue();
    void quotedFields();
    void lineEnds_data();
    void lineEnds();
    void byteOrderMark();
    void labelColumn_data();
    void labelColumn();
    void forcedHeaderOptions();
    void numberForms();
    void files();
    void errors_data();
    void errors();
    void errorInFileNamesPath();
    void fuzz();
    void tableKeepsCellsAndLines();
    void tableRejectsRaggedRows();
    void classCodingSharedRule();
};

void TestCsvReader::invalidUtf8IsNamed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("what");
    QTest::newRow("label") << QByteArray("x,y\n1,a\n2,b\xff\n") << 3 << 2 << "the label";
    QTest::newRow("header") << QByteArray("x\xc3,y\n1,a\n2,b\n") << 1 << 1 << "the header cell";
    QTest::newRow("overlong") << QByteArray("x,y\n1,\xc0\xafa\n2,b\n") << 2 << 2 << "the label";
    QTest::newRow("nul in a label") << QByteArray("x,y\n1,0\n2,0\0\n3,1\n", 17) << 3 << 2 << "the label";
    QTest::newRow("surrogate") << QByteArray("x,y\n1,a\n2,\xed\xa0\x80\n") << 3 << 2 << "the label";
}

void TestCsvReader::invalidUtf8IsNamed()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, what);
    try {
        readCsvText(std::string_view(text.constData(), std::size_t(text.size())), "bad.csv");
        QFAIL("accepted");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), std::string("bad.csv"));
        QCOMPARE(error.line(), line);
        QCOMPARE(error.column(), column);
        const std::string problem = error.problem();
        QVERIFY2(problem.find(what.toStdString() + " is not valid UTF-8") != std::string::npos
                     || problem.find(what.toStdString() + " holds the control character 0x00") != std::string::npos,
                 error.what());
    }
    // The table reader (the metrics command's) checks every cell.
    QVERIFY_THROWS_EXCEPTION(InputError, readCsvTableText(std::string_view(text.constData(), std::size_t(text.size())), "bad.csv"));
    // Valid multi-byte labels pass.
    QCOMPARE(read(QString::fromUtf8("x,y\n1,\u00e9t\u00e9\n2,\u51ac\n")).classNames.size(), std::size_t(2));
}

void TestCsvReader::oneHugeLineFailsFastAndSmall()
{
    // 20 MB on one line: 10 million cells. Refused at the column limit, in about the memory
    // of the text itself (before: 1.27 GB of cells).
    std::string text;
    text.reserve(std::size_t(20) << 20);
    while (text.size() < (std::size_t(20) << 20))
        text += "1,";
    text += "0\n";
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    try {
        readCsvText(text, "wide.csv");
        QFAIL("accepted");
    } catch (const InputError& error) {
        QCOMPARE(error.line(), 1);
        QVERIFY2(error.problem().find("more than 100000 columns") != std::string::npos, error.what());
    }
    QVERIFY_THROWS_EXCEPTION(InputError, readCsvTableText(text, "wide.csv"));
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    // ru_maxrss is the peak in KiB.
    QVERIFY2(after.ru_maxrss - before.ru_maxrss < 200 * 1024, std::to_string(after.ru_maxrss - before.ru_maxrss).c_str());
}

void TestCsvReader::oversizedTextIsRefused()
{
    const std::string text(kMaxCsvBytes + 1, '\n');
    try {
        readCsvText(text, "big.csv");
        QFAIL("accepted");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), std::string("big.csv"));
        QVERIFY2(error.problem().find("MiB we read") != std::string::npos, error.what());
    }
}

void TestCsvReader::delimiters_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<char>("delimiter");
    QTest::newRow("comma") << "a,b,label\n1,2,x\n3,4,y\n" << ',';
    QTest::newRow("semicolon") << "a;b;label\n1;2;x\n3;4;y\n" << ';';
    QTest::newRow("tab") << "a\tb\tlabel\n1\t2\tx\n3\t4\ty\n" << '\t';
    // Decimal commas inside ';' files: ';' wins the tie and commas stay in the cells.
    QTest::newRow("semicolon beats comma") << "a;b;label\n1;2;x,1\n3;4;y,2\n" << ';';
    QTest::newRow("comma inside quotes") << "a,b,label\n1,2,\"x;y\"\n3,4,\"y;z\"\n" << ',';
}

void TestCsvReader::delimiters()
{
    QFETCH(QString, text);
    QFETCH(char, delimiter);
    QCOMPARE(detectCsvDelimiter(text.toStdString()), delimiter);
    const Dataset data = read(text);
    data.validate();
    QCOMPARE(data.sampleCount(), 2);
    QCOMPARE(data.featureCount(), 2);
    QCOMPARE(data.featureNames, (Names{"a", "b"}));
    QCOMPARE(data.features(0, 0), 1.0f);
    QCOMPARE(data.features(1, 0), 2.0f);
    QCOMPARE(data.features(0, 1), 3.0f);
    QCOMPARE(data.features(1, 1), 4.0f);
    QCOMPARE(data.labels, (Labels{0, 1}));
    QCOMPARE(data.name, std::string("test"));
}

void TestCsvReader::noHeader()
{
    const Dataset data = read("1.5,2,0\n3,4.25,1\n5,6,1\n");
    QCOMPARE(data.sampleCount(), 3);
    QCOMPARE(data.featureNames, (Names{"column 1", "column 2"}));
    QCOMPARE(data.features(0, 0), 1.5f);
    QCOMPARE(data.features(1, 1), 4.25f);
    QCOMPARE(data.classNames, (Names{"0", "1"}));
    QCOMPARE(data.labels, (Labels{0, 1, 1}));
    // String labels do not make a header: only feature cells count.
    const Dataset named = read("1,2,cat\n3,4,dog\n");
    QCOMPARE(named.sampleCount(), 2);
    QCOMPARE(named.classNames, (Names{"cat", "dog"}));
}

void TestCsvReader::stringLabelsSorted()
{
    // Classes sorted by name, not by first appearance.
    const Dataset data = read("x,species\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n");
    QCOMPARE(data.classNames, (Names{"setosa", "versicolor", "virginica"}));
    QCOMPARE(data.labels, (Labels{1, 0, 2, 0}));
    // Mixed numbers and names are all names.
    const Dataset mixed = read("1,10\n2,9\n3,x\n");
    QCOMPARE(mixed.classNames, (Names{"10", "9", "x"}));
}

void TestCsvReader::numericLabelsByValue()
{
    const Dataset data = read("1,10\n2,2\n3,2.0\n4,-1\n5,0.5\n6,+2\n");
    QCOMPARE(data.classNames, (Names{"-1", "0.5", "2", "10"}));
    QCOMPARE(data.labels, (Labels{3, 2, 2, 0, 1, 2}));
}

void TestCsvReader::quotedFields()
{
    const Dataset data = read("\"width, cm\",\"say \"\"hi\"\"\",label\n"
                              "\"1\", 2 ,\"a \"\"quoted\"\", name\"\n"
                              "3,\"4\",\"two\nlines\"\n"
                              "5,6, \"a \"\"quoted\"\", name\" \n");
    QCOMPARE(data.featureNames, (Names{"width, cm", "say \"hi\""}));
    QCOMPARE(data.sampleCount(), 3);
    QCOMPARE(data.features(0, 0), 1.0f);
    QCOMPARE(data.features(1, 0), 2.0f);
    QCOMPARE(data.features(1, 1), 4.0f);
    QCOMPARE(data.classNames, (Names{"a \"quoted\", name", "two\nlines"}));
    QCOMPARE(data.labels, (Labels{0, 1, 0}));
}

void TestCsvReader::lineEnds_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("LF") << "a,b\n1,x\n2,y\n";
    QTest::newRow("CRLF") << "a,b\r\n1,x\r\n2,y\r\n";
    QTest::newRow("CR") << "a,b\r1,x\r2,y\r";
    QTest::newRow("no final newline") << "a,b\n1,x\n2,y";
    QTest::newRow("blank lines") << "\n\na,b\n\n1,x\n   \n2,y\n\n\n";
    QTest::newRow("CRLF blank lines") << "a,b\r\n\r\n1,x\r\n2,y\r\n\r\n";
}

void TestCsvReader::lineEnds()
{
    QFETCH(QString, text);
    const Dataset data = read(text);
    QCOMPARE(data.sampleCount(), 2);
    QCOMPARE(data.featureNames, (Names{"a"}));
    QCOMPARE(data.classNames, (Names{"x", "y"}));
    QCOMPARE(data.features(0, 1), 2.0f);
}

void TestCsvReader::byteOrderMark()
{
    const Dataset data = read(QString::fromUtf8("\xEF\xBB\xBF" "alpha,label\r\n1,a\r\n2,b\r\n"));
    QCOMPARE(data.featureNames, (Names{"alpha"}));
    const Dataset noHeader = read(QString::fromUtf8("\xEF\xBB\xBF" "1,a\n2,b\n"));
    QCOMPARE(noHeader.sampleCount(), 2);
    QCOMPARE(noHeader.features(0, 0), 1.0f);
}

void TestCsvReader::labelColumn_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("column");
    QTest::addColumn<int>("expectedFeatures");
    const QString withHeader = "f1,class,f2\n1,a,10\n2,b,20\n3,a,30\n";
    const QString noHeader = "1,a,10\n2,b,20\n3,a,30\n";
    QTest::newRow("by name") << withHeader << "class" << 2;
    QTest::newRow("by index with header") << withHeader << "1" << 2;
    QTest::newRow("by index without header") << noHeader << "1" << 2;
    QTest::newRow("name with spaces around") << withHeader << " class " << 2;
    QTest::newRow("first column") << QString("0,5,1\n1,6,2\n") << "0" << 2;
}

void TestCsvReader::labelColumn()
{
    QFETCH(QString, text);
    QFETCH(QString, column);
    const Dataset data = read(text, column);
    if (column == "0") {
        QCOMPARE(data.classNames, (Names{"0", "1"}));
        QCOMPARE(data.featureNames, (Names{"column 2", "column 3"}));
        return;
    }
    QCOMPARE(data.classNames, (Names{"a", "b"}));
    QCOMPARE(data.labels, (Labels{0, 1, 0}));
    QCOMPARE(data.features(0, 2), 3.0f);
    QCOMPARE(data.features(1, 2), 30.0f);
    if (text.startsWith("f1"))
        QCOMPARE(data.featureNames, (Names{"f1", "f2"}));
    else
        QCOMPARE(data.featureNames, (Names{"column 1", "column 3"}));
}

void TestCsvReader::forcedHeaderOptions()
{
    CsvOptions options;
    options.header = CsvOptions::Header::Present;
    const Dataset data = readCsvText("1,2,3\n4,5,6\n7,8,9\n", "forced", options);
    QCOMPARE(data.sampleCount(), 2);
    QCOMPARE(data.featureNames, (Names{"1", "2"}));
    options.header = CsvOptions::Header::Absent;
    options.delimiter = '|';
    const Dataset piped = readCsvText("1|2|a\n3|4|b\n", "piped", options);
    QCOMPARE(piped.sampleCount(), 2);
}

void TestCsvReader::numberForms()
{
    const Dataset data = read("+1,-2.5e3,.5,7.,1E-2, 3 ,a\n0,0,0,0,0,0,b\n");
    QCOMPARE(data.featureCount(), 6);
    QCOMPARE(data.features(0, 0), 1.0f);
    QCOMPARE(data.features(1, 0), -2500.0f);
    QCOMPARE(data.features(2, 0), 0.5f);
    QCOMPARE(data.features(3, 0), 7.0f);
    QCOMPARE(data.features(4, 0), 0.01f);
    QCOMPARE(data.features(5, 0), 3.0f);
}

void TestCsvReader::files()
{
    QTemporaryDir dir;
    const std::string text = "sepal,petal,kind\n1,2,a\n3,4,b\n";
    const std::string plain = dir.filePath("flowers.csv").toStdString();
    std::ofstream(plain) << text;
    const Dataset a = readCsvFile(plain);
    QCOMPARE(a.name, std::string("flowers"));
    QCOMPARE(a.sampleCount(), 2);
    const std::string packedPath = dir.filePath("packed.csv.gz").toStdString();
    const Bytes packed = gzip(ByteSpan(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    std::ofstream(packedPath, std::ios::binary).write(reinterpret_cast<const char*>(packed.data()), std::streamsize(packed.size()));
    const Dataset b = readCsvFile(packedPath);
    QCOMPARE(b.name, std::string("packed"));
    QVERIFY(a.features == b.features);
    QCOMPARE(a.labels, b.labels);
}

void TestCsvReader::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("labelColumn");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("problem");

    QTest::newRow("empty file") << "" << "" << 1 << 0 << "empty file";
    QTest::newRow("only blank lines") << "\n \r\n\n" << "" << 1 << 0 << "empty file";
    QTest::newRow("BOM only") << QString::fromUtf8("\xEF\xBB\xBF") << "" << 1 << 0 << "empty file";
    QTest::newRow("header only") << "a,b,label\n" << "" << 2 << 0 << "header only";
    QTest::newRow("header only, blank lines") << "a,b,label\r\n\r\n\r\n" << "" << 2 << 0 << "header only";
    QTest::newRow("ragged: too few") << "a,b,c\n1,2,x\n3,4\n" << "" << 3 << 3 << "ragged row: 2 columns, expected 3";
    QTest::newRow("ragged: too many") << "1,2,x\n3,4,y\n5,6,z,7\n" << "" << 3 << 4 << "ragged row: 4 columns, expected 3";
    QTest::newRow("non-numeric") << "a,b,c\n1,2,x\n3,abc,y\n" << "" << 3 << 2 << "not a number: 'abc' in column 2 ('b')";
    QTest::newRow("non-numeric no header") << "1,2,x\n3,4x,y\n" << "" << 2 << 2 << "not a number: '4x' in column 2";
    QTest::newRow("decimal comma") << "a;b;c\n1;2,5;x\n3;4;y\n" << "" << 2 << 2 << "with a point, not a comma";
    QTest::newRow("NaN") << "a,b,c\n1,2,x\nnan,4,y\n" << "" << 3 << 1 << "NaN or infinity 'nan'";
    QTest::newRow("Inf") << "a,b,c\n1,2,x\n3,-inf,y\n" << "" << 3 << 2 << "NaN or infinity '-inf'";
    QTest::newRow("Infinity") << "a,b,c\n1,Infinity,x\n3,4,y\n" << "" << 2 << 2 << "every value must be finite";
    QTest::newRow("too large for float") << "1,1e39,x\n3,4,y\n" << "" << 1 << 2 << "outside the float range";
    QTest::newRow("too large for double") << "1,2,x\n3,1e999,y\n" << "" << 2 << 2 << "outside the float range";
    QTest::newRow("one class") << "a,b,c\n1,2,x\n3,4,x\n5,6,x\n" << "" << 2 << 3 << "only one class ('x')";
    QTest::newRow("one numeric class") << "1,2,1\n3,4,1.0\n" << "" << 1 << 3 << "only one class ('1')";
    QTest::newRow("unknown label name") << "a,b,c\n1,2,x\n3,4,y\n" << "species" << 1 << 0 << "label column 'species' not found in the header ('a', 'b', 'c')";
    QTest::newRow("label name, no header") << "1,2,x\n3,4,y\n" << "species" << 1 << 0 << "the file has no header row";
    QTest::newRow("label index too large") << "1,2,x\n3,4,y\n" << "3" << 1 << 0 << "label column 3 does not exist: rows have 3 columns";
    QTest::newRow("empty cell") << "a,b,c\n1,2,x\n3,,y\n" << "" << 3 << 2 << "empty cell in column 2 ('b')";
    QTest::newRow("empty cell, spaces") << "1,2,x\n  ,4,y\n" << "" << 2 << 1 << "empty cell in column 1";
    QTest::newRow("empty quoted cell") << "1,2,x\n3,\"\",y\n" << "" << 2 << 2 << "empty cell";
    QTest::newRow("empty label") << "a,b,c\n1,2,x\n3,4,\n" << "" << 3 << 3 << "empty label cell";
    QTest::newRow("unterminated quote") << "a,b,c\n1,2,x\n3,\"4,y\n5,6,z\n" << "" << 3 << 2 << "unterminated quoted field";
    QTest::newRow("text after quote") << "a,b,c\n1,\"2\"x,y\n" << "" << 2 << 2 << "unexpected 'x' after the closing quote";
    QTest::newRow("line count after multi-line field") << "a,b,c\n1,2,\"x\ny\"\n3,z,w\n" << "" << 4 << 2 << "not a number: 'z'";
    QTest::newRow("line count with CR only") << "a,b,c\r1,2,x\r3,4,y\r5,?,z\r" << "" << 4 << 2 << "not a number: '?'";
    QTest::newRow("single column") << "1\n2\n3\n" << "" << 1 << 0 << "only one column";
    QTest::newRow("UTF-16") << QString::fromLatin1("\xFF\xFE" "a") << "" << 1 << 1 << "UTF-16";
    QTest::newRow("too many classes") << "" << "many" << 1 << 2 << "distinct values in the label";
}

void TestCsvReader::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, labelColumn);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, problem);
    QByteArray bytes = QTest::currentDataTag() == QByteArray("UTF-16") ? QByteArray("\xFF\xFE" "a\0,\0", 6) : text.toUtf8();
    CsvOptions options;
    options.labelColumn = labelColumn.toStdString();
    if (labelColumn == "many") {
        // 1002 distinct numeric labels: a regression target, not classes.
        options.labelColumn.clear();
        for (int i = 0; i < 1002; ++i)
            bytes += QByteArray::number(i) + "," + QByteArray::number(i * 0.5) + "\n";
    }
    try {
        readCsvText(std::string_view(bytes.constData(), std::size_t(bytes.size())), "bad.csv", options);
        QFAIL("no error reported");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), std::string("bad.csv"));
        QCOMPARE(error.line(), line);
        QCOMPARE(error.column(), column);
        QVERIFY2(error.problem().find(problem.toStdString()) != std::string::npos, error.what());
        // The message starts with the location the user needs.
        const std::string where = "bad.csv:" + std::to_string(line);
        QVERIFY2(std::string(error.what()).rfind(where, 0) == 0, error.what());
    }
}

void TestCsvReader::errorInFileNamesPath()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("broken.csv").toStdString();
    std::ofstream(path) << "a,b\n1,x\n2,\n";
    try {
        readCsvFile(path);
        QFAIL("no error");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), path);
        QCOMPARE(error.line(), 3);
        QCOMPARE(error.column(), 2);
    }
    QVERIFY_THROWS_EXCEPTION(InputError, readCsvFile(dir.filePath("missing.csv").toStdString()));
    QVERIFY_THROWS_EXCEPTION(InputError, readCsvFile(dir.path().toStdString()));
}

void TestCsvReader::fuzz()
{
    // Random bytes and random mutations of a valid file: every outcome is a valid dataset
    // or an InputError, never a crash, a hang or another exception.
    const std::string seedText = "\xEF\xBB\xBF" "a,\"b \"\"q\"\"\";c\r\n1,2.5,x\r\n\"3\",-4e2,y\n5,6,\"z\nw\"\n";
    const char alphabet[] = {',', ';', '\t', '"', '\n', '\r', ' ', '0', '1', '.', 'e', '-', '+', 'a', 'n', 'i', 'f', '\0', '\xEF', '\xBB', '\xBF', '\xFF'};
    Random random(2024);
    int loaded = 0;
    for (int round = 0; round < 4000; ++round) {
        std::string text;
        if (round % 2 == 0) {
            const std::size_t length = random.below(60);
            for (std::size_t i = 0; i < length; ++i)
                text += alphabet[random.below(sizeof alphabet)];
        } else {
            text = seedText;
            const int edits = 1 + int(random.below(4));
            for (int e = 0; e < edits && !text.empty(); ++e) {
                const std::size_t at = random.below(text.size());
                switch (random.below(3)) {
                case 0: text[at] = alphabet[random.below(sizeof alphabet)]; break;
                case 1: text.erase(at, 1); break;
                default: text.insert(at, 1, alphabet[random.below(sizeof alphabet)]); break;
                }
            }
        }
        try {
            const Dataset data = readCsvText(text, "fuzz.csv");
            data.validate();
            QVERIFY(data.classCount() >= 2);
            ++loaded;
        } catch (const InputError& error) {
            QCOMPARE(error.file(), std::string("fuzz.csv"));
            QVERIFY(error.line() >= 0 && error.column() >= 0);
        }
    }
    QVERIFY(loaded > 0);
}

void TestCsvReader::tableKeepsCellsAndLines()
{
    const CsvTable table = readCsvTableText("\xEF\xBB\xBFy_true;y_pred\r\n\"cat\";dog\r\n\r\nbird ; bird\r\n", "t.csv");
    QCOMPARE(table.delimiter, ';');
    QCOMPARE(table.rows.size(), std::size_t(3));
    QCOMPARE(QString::fromStdString(table.rows[0][0]), QStringLiteral("y_true"));
    QCOMPARE(QString::fromStdString(table.rows[1][0]), QStringLiteral("cat"));
    QCOMPARE(QString::fromStdString(table.rows[2][0]), QStringLiteral("bird"));
    QCOMPARE(table.lines, (std::vector<int>{1, 2, 4}));
}

void TestCsvReader::tableRejectsRaggedRows()
{
    try {
        readCsvTableText("a,b\n1,2\n3\n", "r.csv");
        QFAIL("a ragged row was accepted");
    } catch (const InputError& error) {
        QCOMPARE(error.line(), 3);
        QCOMPARE(QString::fromStdString(error.file()), QStringLiteral("r.csv"));
    }
    QVERIFY_THROWS_EXCEPTION(InputError, readCsvTableText(" \n\n", "e.csv"));
}

void TestCsvReader::classCodingSharedRule()
{
    const ClassCoding numeric = codeClasses({"10", "2", "2.0"});
    QCOMPARE(numeric.classNames, (Names{"2", "10"}));
    QCOMPARE(numeric.classOf, (std::vector<int>{1, 0, 0}));
    const ClassCoding names = codeClasses({"dog", "cat", "1"});
    QCOMPARE(names.classNames, (Names{"1", "cat", "dog"}));
    QCOMPARE(names.classOf, (std::vector<int>{2, 1, 0}));
}

QTEST_APPLESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
