// gzip decoding: round trips, pass-through of plain data, and clear errors for damage.
#include "common/Error.h"
#include "data/Gzip.h"

#include <QtTest>

#include <fstream>

#include <QTemporaryDir>
#include <sys/stat.h>

using namespace ss;

namespace {

Bytes sampleText(std::size_t size)
{
    Bytes bytes(size);
    std::uint32_t state = 12345;
    for (std::size_t i = 0; i < size; ++i) {
        state = state * 1103515245u + 12345u;
        // Partly compressible: a few distinct values with runs.
        bytes[i] = static_cast<std::uint8_t>((state >> 24) % 7 + (i / 100) % 3);
    }
    return bytes;
}

void writeFile(const QString& path, const Bytes& bytes)
{
    std::ofstream out(path.toStdString(), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

class TestGzip : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void streamsInChunks();
    void plainPassesThrough();
    void sizeHint();
    void multiMember();
    void truncated_data();
    void truncated();
    void corrupt();
    void trailingGarbage();
    void notGzip();
    void outputLimit();
    void files();
    void missingFile();
    void pipesAndFoldersAreNotRead();
};

void TestGzip::roundTrip_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("level");
    QTest::newRow("empty") << 0 << 6;
    QTest::newRow("one byte") << 1 << 6;
    QTest::newRow("1 MB level 1") << (1 << 20) << 1;
    QTest::newRow("600 kB stored") << 600000 << 0;
}

void TestGzip::roundTrip()
{
    QFETCH(int, size);
    QFETCH(int, level);
    const Bytes original = sampleText(static_cast<std::size_t>(size));
    const Bytes packed = gzip(original, level);
    QVERIFY(isGzip(packed));
    QCOMPARE(gunzip(packed, "mem"), original);
    QCOMPARE(decompressIfGzip(packed, "mem"), original);
}

void TestGzip::streamsInChunks()
{
    const Bytes original = sampleText(3 << 20);
    const Bytes packed = gzip(original);
    Bytes collected;
    int chunks = 0;
    const std::uint64_t total = gunzipStream(packed, "mem", [&](ByteSpan chunk) {
        ++chunks;
        collected.insert(collected.end(), chunk.begin(), chunk.end());
    });
    QCOMPARE(total, std::uint64_t(original.size()));
    QVERIFY(chunks > 1);
    QCOMPARE(collected, original);
}

void TestGzip::plainPassesThrough()
{
    const Bytes plain = {'a', ',', 'b', '\n'};
    QVERIFY(!isGzip(plain));
    QCOMPARE(decompressIfGzip(plain, "mem"), plain);
    QCOMPARE(decompressIfGzip(Bytes{}, "mem"), Bytes{});
}

void TestGzip::sizeHint()
{
    const Bytes packed = gzip(sampleText(123457));
    QCOMPARE(gzipSizeHint(packed).value(), 123457u);
    QVERIFY(!gzipSizeHint(sampleText(100)).has_value());
}

void TestGzip::multiMember()
{
    const Bytes a = sampleText(5000), b = sampleText(7000);
    Bytes joined = gzip(a);
    const Bytes second = gzip(b);
    joined.insert(joined.end(), second.begin(), second.end());
    Bytes expected;
    expected.reserve(a.size() + b.size());
    expected.insert(expected.end(), a.begin(), a.end());
    expected.insert(expected.end(), b.begin(), b.end());
    QCOMPARE(gunzip(joined, "mem"), expected);
}

void TestGzip::truncated_data()
{
    QTest::addColumn<int>("keep");
    QTest::newRow("header only") << 10;
    QTest::newRow("half") << -2;
    QTest::newRow("no trailer") << -8;
    QTest::newRow("one byte short") << -1;
}

void TestGzip::truncated()
{
    QFETCH(int, keep);
    const Bytes packed = gzip(sampleText(100000));
    const std::size_t size = keep > 0 ? std::size_t(keep) : (keep == -2 ? packed.size() / 2 : packed.size() + keep);
    const Bytes cut(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(size));
    try {
        gunzip(cut, "cut.gz");
        QFAIL("no error for truncated gzip");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), std::string("cut.gz"));
        QCOMPARE(error.line(), 0);
        QVERIFY2(error.problem().find("truncated") != std::string::npos, error.what());
    }
}

void TestGzip::corrupt()
{
    const Bytes original = sampleText(100000);
    Bytes packed = gzip(original);
    // Damage the deflate data: either the decoder trips over it or the CRC check catches it.
    for (std::size_t i = packed.size() / 3; i < packed.size() / 3 + 16; ++i)
        packed[i] ^= 0x5a;
    try {
        gunzip(packed, "bad.gz");
        QFAIL("no error for corrupt gzip");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), std::string("bad.gz"));
        QVERIFY2(error.problem().find("corrupt") != std::string::npos, error.what());
    }
    // A wrong size in the trailer is caught too.
    Bytes badLength = gzip(original);
    badLength[badLength.size() - 1] ^= 1;
    QVERIFY_THROWS_EXCEPTION(InputError, gunzip(badLength, "len.gz"));
    // A damaged header (compression method byte).
    Bytes badHeader = gzip(original);
    badHeader[2] = 7;
    QVERIFY_THROWS_EXCEPTION(InputError, gunzip(badHeader, "head.gz"));
}

void TestGzip::trailingGarbage()
{
    Bytes packed = gzip(sampleText(1000));
    packed.push_back('x');
    packed.push_back('y');
    try {
        gunzip(packed, "tail.gz");
        QFAIL("no error");
    } catch (const InputError& error) {
        QVERIFY2(error.problem().find("after the gzip stream") != std::string::npos, error.what());
    }
}

void TestGzip::notGzip()
{
    QVERIFY_THROWS_EXCEPTION(InputError, gunzip(Bytes{'a', 'b', 'c'}, "plain"));
    QVERIFY_THROWS_EXCEPTION(InputError, gunzip(Bytes{0x1f}, "short"));
    QVERIFY_THROWS_EXCEPTION(InputError, gunzip(Bytes{0x1f, 0x8b}, "magic only"));
}

void TestGzip::outputLimit()
{
    const Bytes zeros(1 << 20, 0);
    const Bytes packed = gzip(zeros, 9);
    QVERIFY(packed.size() < 5000);
    try {
        gunzip(packed, "bomb.gz", 100000);
        QFAIL("no error");
    } catch (const InputError& error) {
        QVERIFY2(error.problem().find("more than 100000") != std::string::npos, error.what());
    }
}

void TestGzip::files()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Bytes original = sampleText(20000);
    writeFile(dir.filePath("a.gz"), gzip(original));
    writeFile(dir.filePath("a.bin"), original);
    QCOMPARE(readMaybeGzippedFile(dir.filePath("a.gz").toStdString()), original);
    QCOMPARE(readMaybeGzippedFile(dir.filePath("a.bin").toStdString()), original);
    QCOMPARE(readFileBytes(dir.filePath("a.bin").toStdString()), original);
}

void TestGzip::missingFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("nope.gz").toStdString();
    try {
        readMaybeGzippedFile(path);
        QFAIL("no error");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), path);
        QVERIFY2(error.problem().find("cannot open") != std::string::npos, error.what());
    }
}

void TestGzip::pipesAndFoldersAreNotRead()
{
    // Opening a named pipe for reading blocks until a writer comes: refused before opening.
    QTemporaryDir dir;
    const std::string fifo = dir.filePath("pipe").toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        readFileBytes(fifo);
        QFAIL("a pipe was read");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), fifo);
        QVERIFY2(std::string(error.what()).find("not a regular file") != std::string::npos, error.what());
    }
    try {
        readFileBytes(dir.path().toStdString());
        QFAIL("a folder was read");
    } catch (const InputError& error) {
        QVERIFY2(std::string(error.what()).find("is a folder") != std::string::npos, error.what());
    }
}

QTEST_APPLESS_MAIN(TestGzip)
#include "tst_gzip.moc"
