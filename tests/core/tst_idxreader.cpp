// IDX (MNIST format) reading: small files written by the test, gzip and plain, good and bad;
// and the real Fashion-MNIST when the Debian package is installed.
#include "common/Error.h"
#include "common/Random.h"
#include "data/DatasetCatalog.h"
#include "data/IdxReader.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

using namespace ss;

namespace {

void putBigEndian(Bytes& bytes, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

// count images of rows x cols; pixel (i, r, c) = (7 * i + 3 * r + c) % 256.
Bytes makeImages(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, std::uint32_t magic = idxImagesMagic)
{
    Bytes bytes;
    putBigEndian(bytes, magic);
    putBigEndian(bytes, count);
    putBigEndian(bytes, rows);
    putBigEndian(bytes, cols);
    for (std::uint32_t i = 0; i < count; ++i)
        for (std::uint32_t r = 0; r < rows; ++r)
            for (std::uint32_t c = 0; c < cols; ++c)
                bytes.push_back(static_cast<std::uint8_t>((7 * i + 3 * r + c) % 256));
    return bytes;
}

Bytes makeLabels(std::uint32_t count, int classes, std::uint32_t magic = idxLabelsMagic)
{
    Bytes bytes;
    putBigEndian(bytes, magic);
    putBigEndian(bytes, count);
    for (std::uint32_t i = 0; i < count; ++i)
        bytes.push_back(static_cast<std::uint8_t>(i % static_cast<std::uint32_t>(classes)));
    return bytes;
}

std::string writeFile(const QTemporaryDir& dir, const QString& name, const Bytes& bytes)
{
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path;
}

template <typename Function>
InputError expectInputError(Function function)
{
    try {
        function();
    } catch (const InputError& error) {
        return error;
    }
    QTest::qFail("expected an InputError", __FILE__, __LINE__);
    return InputError("", 0, 0, "");
}

bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestIdxReader : public QObject {
    Q_OBJECT
private slots:
    void readsImages_data();
    void readsImages();
    void readsDataset();
    void datasetWithClassNames();
    void multiMemberGzip();
    void truncated_data();
    void truncated();
    void trailingBytes();
    void wrongMagic_data();
    void wrongMagic();
    void countMismatch();
    void corruptGzip();
    void lyingHeaderDoesNotAllocate();
    void gzipBombStopsAtTheHeadersSize();
    void labelOutOfRange();
    void fuzz();
    void fashionMnistMissing();
    void fashionMnist();
    void setCancelFlagStopsTheGzipStreamAtTheNextChunk();
    void setCancelFlagStopsEveryReader();
    void cancelStopsAFashionMnistLoadPromptly();
};

void TestIdxReader::readsImages_data()
{
    QTest::addColumn<bool>("compressed");
    QTest::newRow("plain") << false;
    QTest::newRow("gzip") << true;
}

void TestIdxReader::readsImages()
{
    QFETCH(bool, compressed);
    const Bytes raw = makeImages(5, 3, 4);
    const Bytes file = compressed ? gzip(raw) : raw;
    const IdxImages images = parseIdxImages(file, "images");
    QCOMPARE(images.count(), 5);
    QCOMPARE(images.rows, 3);
    QCOMPARE(images.cols, 4);
    QCOMPARE(images.pixels.rows(), Eigen::Index(12));
    for (int i = 0; i < 5; ++i)
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c)
                QCOMPARE(images.pixels(r * 4 + c, i), float((7 * i + 3 * r + c) % 256));

    const Labels labels = parseIdxLabels(compressed ? gzip(makeLabels(5, 3)) : makeLabels(5, 3), "labels");
    QCOMPARE(labels, (Labels{0, 1, 2, 0, 1}));
}

void TestIdxReader::readsDataset()
{
    QTemporaryDir dir;
    const std::string images = writeFile(dir, "img.gz", gzip(makeImages(40, 2, 3)));
    const std::string labels = writeFile(dir, "lab", makeLabels(40, 4));
    const Dataset data = readIdxDataset(images, labels, "tiny");
    data.validate();
    QCOMPARE(data.name, std::string("tiny"));
    QCOMPARE(data.sampleCount(), 40);
    QCOMPARE(data.featureCount(), 6);
    QCOMPARE(data.classNames, (std::vector<std::string>{"0", "1", "2", "3"}));
    QVERIFY(data.imageShape.has_value());
    QCOMPARE(data.imageShape->height, 2);
    QCOMPARE(data.imageShape->width, 3);
    QCOMPARE(data.featureNames.front(), std::string("pixel 0,0"));
    QCOMPARE(data.featureNames.back(), std::string("pixel 1,2"));
    QCOMPARE(data.labels[5], 1);
    QCOMPARE(data.features(4, 39), float((7 * 39 + 3 * 1 + 1) % 256));
}

void TestIdxReader::datasetWithClassNames()
{
    QTemporaryDir dir;
    const std::string images = writeFile(dir, "img", makeImages(6, 2, 2));
    const std::string labels = writeFile(dir, "lab.gz", gzip(makeLabels(6, 2)));
    const Dataset data = readIdxDataset(images, labels, "named", {"cat", "dog", "bird"});
    QCOMPARE(data.classCount(), 3);
    QCOMPARE(data.classNames[2], std::string("bird"));
}

void TestIdxReader::multiMemberGzip()
{
    // Two gzip members: the size trailer then covers only the second, so the careful path runs.
    const Bytes raw = makeImages(10, 4, 4);
    const std::size_t half = raw.size() / 2;
    Bytes joined = gzip(ByteSpan(raw.data(), half));
    const Bytes second = gzip(ByteSpan(raw.data() + half, raw.size() - half));
    joined.insert(joined.end(), second.begin(), second.end());
    const IdxImages images = parseIdxImages(joined, "multi");
    QCOMPARE(images.count(), 10);
    QCOMPARE(images.pixels(15, 9), float((7 * 9 + 3 * 3 + 3) % 256));
}

void TestIdxReader::truncated_data()
{
    QTest::addColumn<bool>("compressed");
    QTest::addColumn<bool>("labels");
    QTest::addColumn<int>("drop");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain images, last byte") << false << false << 1 << "truncated: the header promises 5 images";
    QTest::newRow("plain images, header") << false << false << 70 << "header needs 16 bytes";
    QTest::newRow("plain labels") << false << true << 2 << "promises 5 labels";
    QTest::newRow("gzip images, cut stream") << true << false << 12 << "truncated gzip";
    QTest::newRow("gzip labels, cut stream") << true << true << 12 << "truncated gzip";
}

void TestIdxReader::truncated()
{
    QFETCH(bool, compressed);
    QFETCH(bool, labels);
    QFETCH(int, drop);
    QFETCH(QString, expected);
    Bytes raw = labels ? makeLabels(5, 3) : makeImages(5, 3, 4);
    Bytes file = compressed ? gzip(raw) : raw;
    file.resize(file.size() - static_cast<std::size_t>(drop));
    const InputError error = expectInputError([&] {
        if (labels)
            parseIdxLabels(file, "cut.idx");
        else
            parseIdxImages(file, "cut.idx");
    });
    QCOMPARE(error.file(), std::string("cut.idx"));
    QCOMPARE(error.line(), 0);
    QVERIFY2(contains(error.problem(), expected.toUtf8().constData()), error.what());
}

void TestIdxReader::trailingBytes()
{
    // A gzip file whose content is complete but has bytes to spare, and the same plain.
    Bytes raw = makeImages(3, 2, 2);
    raw.push_back(9);
    for (const Bytes& file : {raw, gzip(raw)}) {
        const InputError error = expectInputError([&] { parseIdxImages(file, "long.idx"); });
        QVERIFY2(contains(error.problem(), "unexpected data after the 3 images"), error.what());
    }
    Bytes labels = makeLabels(3, 2);
    labels.push_back(1);
    QVERIFY_THROWS_EXCEPTION(InputError, parseIdxLabels(labels, "long"));
}

void TestIdxReader::wrongMagic_data()
{
    QTest::addColumn<bool>("labels");
    QTest::addColumn<quint32>("magic");
    QTest::addColumn<QString>("expected");
    QTest::newRow("labels as images") << false << quint32(idxLabelsMagic) << "this is an IDX label file";
    QTest::newRow("images as labels") << true << quint32(idxImagesMagic) << "this is an IDX image file";
    QTest::newRow("garbage") << false << quint32(0x89504E47) << "wrong magic number 0x89504E47";
    QTest::newRow("float type") << false << quint32(0x00000D03) << "element type 0x0000000D";
    QTest::newRow("4 dimensions") << false << quint32(0x00000804) << "with 4 dimensions";
}

void TestIdxReader::wrongMagic()
{
    QFETCH(bool, labels);
    QFETCH(quint32, magic);
    QFETCH(QString, expected);
    for (bool compressed : {false, true}) {
        const Bytes raw = labels ? makeLabels(4, 2, magic) : makeImages(4, 2, 2, magic);
        const Bytes file = compressed ? gzip(raw) : raw;
        const InputError error = expectInputError([&] {
            if (labels)
                parseIdxLabels(file, "magic.idx");
            else
                parseIdxImages(file, "magic.idx");
        });
        QCOMPARE(error.file(), std::string("magic.idx"));
        QVERIFY2(contains(error.problem(), expected.toUtf8().constData()), error.what());
    }
}

void TestIdxReader::countMismatch()
{
    QTemporaryDir dir;
    const std::string images = writeFile(dir, "img.gz", gzip(makeImages(10, 2, 2)));
    const std::string labels = writeFile(dir, "lab.gz", gzip(makeLabels(9, 3)));
    const InputError error = expectInputError([&] { readIdxDataset(images, labels, "mismatch"); });
    QCOMPARE(error.file(), labels);
    QVERIFY2(contains(error.problem(), "count mismatch: 9 labels"), error.what());
    QVERIFY2(contains(error.problem(), "10 images"), error.what());
}

void TestIdxReader::corruptGzip()
{
    QTemporaryDir dir;
    Bytes file = gzip(makeImages(50, 8, 8));
    for (std::size_t i = 20; i < 40; ++i)
        file[i] = static_cast<std::uint8_t>(file[i] * 31 + 7);
    const std::string path = writeFile(dir, "bad.gz", file);
    const InputError error = expectInputError([&] { readIdxImages(path); });
    QCOMPARE(error.file(), path);
    QVERIFY2(contains(error.problem(), "corrupt gzip"), error.what());
}

void TestIdxReader::gzipBombStopsAtTheHeadersSize()
{
    // Small files that inflate to 64 MB of zeros: decompression stops just past the size the
    // header promises instead of running to the general cap.
    Bytes images = makeImages(3, 2, 2);
    Bytes labels = makeLabels(3, 2);
    for (Bytes* raw : {&images, &labels}) {
        raw->resize(raw->size() + (std::size_t(64) << 20), 0);
        const Bytes bomb = gzip(*raw, 1);
        QVERIFY(bomb.size() < raw->size() / 100);
        const InputError error = expectInputError([&] {
            if (raw == &images)
                parseIdxImages(bomb, "bomb.gz");
            else
                parseIdxLabels(bomb, "bomb.gz");
        });
        QVERIFY2(contains(error.problem(), "unexpected data after the 3"), error.what());
        QVERIFY2(contains(error.problem(), "stopped decompressing"), error.what());
        QCOMPARE(error.file(), std::string("bomb.gz"));
    }
}

void TestIdxReader::lyingHeaderDoesNotAllocate()
{
    // 2^31-1 images of 28x28 promised by a few bytes: refused for promising more than we
    // read, gzip or plain, without trying to allocate 6 TB.
    Bytes raw;
    putBigEndian(raw, idxImagesMagic);
    putBigEndian(raw, 0x7fffffffu);
    putBigEndian(raw, 28);
    putBigEndian(raw, 28);
    raw.resize(raw.size() + 100, 1);
    for (const Bytes& file : {raw, gzip(raw)}) {
        const InputError error = expectInputError([&] { parseIdxImages(file, "liar"); });
        QVERIFY2(contains(error.problem(), "more than the 256 MiB we read"), error.what());
    }
    // Zero images or zero-size images.
    QVERIFY_THROWS_EXCEPTION(InputError, parseIdxImages(makeImages(0, 2, 2), "none"));
    QVERIFY_THROWS_EXCEPTION(InputError, parseIdxImages(makeImages(3, 0, 2), "flat"));
}

void TestIdxReader::labelOutOfRange()
{
    QTemporaryDir dir;
    const std::string images = writeFile(dir, "img", makeImages(5, 2, 2));
    const std::string labels = writeFile(dir, "lab", makeLabels(5, 5));
    const InputError error = expectInputError([&] { readIdxDataset(images, labels, "x", {"a", "b", "c"}); });
    QVERIFY2(contains(error.problem(), "label 3 at byte 11 is outside 0..2"), error.what());
}

void TestIdxReader::fuzz()
{
    // Damaged copies of valid files, plain and gzip: each parse returns consistent data or
    // throws InputError; nothing crashes, hangs or allocates wildly.
    const Bytes images = makeImages(20, 5, 6);
    const Bytes labels = makeLabels(20, 4);
    const Bytes sources[4] = {images, gzip(images), labels, gzip(labels)};
    Random random(77);
    int accepted = 0;
    for (int round = 0; round < 3000; ++round) {
        const int which = round % 4;
        Bytes file = sources[which];
        const int edits = 1 + int(random.below(3));
        for (int e = 0; e < edits && !file.empty(); ++e) {
            const std::size_t at = random.below(file.size());
            switch (random.below(4)) {
            case 0: file[at] = static_cast<std::uint8_t>(random.below(256)); break;
            case 1: file[at] ^= static_cast<std::uint8_t>(1u << random.below(8)); break;
            case 2: file.resize(at); break;
            default: file.insert(file.begin() + std::ptrdiff_t(at), static_cast<std::uint8_t>(random.below(256))); break;
            }
        }
        try {
            if (which < 2) {
                const IdxImages result = parseIdxImages(file, "fuzz");
                QCOMPARE(result.pixels.rows(), Eigen::Index(result.rows) * result.cols);
                QVERIFY(result.count() > 0);
            } else {
                QVERIFY(!parseIdxLabels(file, "fuzz").empty());
            }
            ++accepted;
        } catch (const InputError& error) {
            QCOMPARE(error.file(), std::string("fuzz"));
        }
    }
    // Pixel-value edits in plain files still parse.
    QVERIFY(accepted > 0);
}

void TestIdxReader::fashionMnistMissing()
{
    QTemporaryDir dir;
    const InputError error = expectInputError([&] { loadFashionMnist(dir.path().toStdString()); });
    QCOMPARE(error.file(), dir.path().toStdString());
    QVERIFY2(contains(error.problem(), "dataset-fashion-mnist"), error.what());
    QVERIFY2(contains(error.problem(), "sudo apt-get install dataset-fashion-mnist"), error.what());
    QVERIFY2(contains(error.problem(), "folder"), error.what());
    QVERIFY(!hasFashionMnist(dir.path().toStdString()));
}

void TestIdxReader::fashionMnist()
{
    if (!hasFashionMnist())
        QSKIP("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)");
    const FashionMnist data = loadFashionMnist();
    data.train.validate();
    data.test.validate();
    QCOMPARE(data.train.sampleCount(), 60000);
    QCOMPARE(data.test.sampleCount(), 10000);
    QCOMPARE(data.train.featureCount(), 784);
    QCOMPARE(data.train.imageShape->height, 28);
    QCOMPARE(data.train.imageShape->width, 28);
    QCOMPARE(data.train.classNames, fashionMnistClassNames());
    QCOMPARE(data.test.classNames.front(), std::string("T-shirt/top"));
    QCOMPARE(data.test.classNames.back(), std::string("Ankle boot"));
    // The official split is balanced: 6000 and 1000 per class.
    std::vector<int> trainCounts(10, 0), testCounts(10, 0);
    for (int label : data.train.labels)
        ++trainCounts[label];
    for (int label : data.test.labels)
        ++testCounts[label];
    QCOMPARE(trainCounts, std::vector<int>(10, 6000));
    QCOMPARE(testCounts, std::vector<int>(10, 1000));
    const float* pixels = data.train.features.data();
    const auto [low, high] = std::minmax_element(pixels, pixels + data.train.features.size());
    QCOMPARE(*low, 0.0f);
    QCOMPARE(*high, 255.0f);
    // Published facts about the files: the first training image is an Ankle boot (9),
    // the first test image too.
    QCOMPARE(data.train.labels.front(), 9);
    QCOMPARE(data.test.labels.front(), 9);
}

// The flag is polled before every inflated chunk: set while the first chunk is handed over,
// no second chunk follows.
void TestIdxReader::setCancelFlagStopsTheGzipStreamAtTheNextChunk()
{
    const Bytes images = makeImages(4000, 28, 28); // 3 MB: a dozen chunks
    const Bytes compressed = gzip(images, 1);
    std::atomic<bool> cancel{false};
    int chunks = 0;
    bool cancelled = false;
    try {
        gunzipStream(compressed, "images.gz", [&](ByteSpan) {
            ++chunks;
            cancel = true;
        }, defaultMaxDecompressedBytes, &cancel);
    } catch (const Cancelled&) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(chunks, 1);
    // A clear flag changes nothing.
    cancel = false;
    QCOMPARE(gunzip(compressed, "images.gz", defaultMaxDecompressedBytes, &cancel), images);
}

void TestIdxReader::setCancelFlagStopsEveryReader()
{
    QTemporaryDir dir;
    const auto write = [&](const char* name, const Bytes& bytes) {
        std::ofstream out(dir.filePath(name).toStdString(), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    };
    write("train-images-idx3-ubyte.gz", gzip(makeImages(40, 28, 28)));
    write("train-labels-idx1-ubyte.gz", gzip(makeLabels(40, 10)));
    write("t10k-images-idx3-ubyte.gz", gzip(makeImages(20, 28, 28)));
    write("t10k-labels-idx1-ubyte.gz", gzip(makeLabels(20, 10)));
    const std::string images = dir.filePath("train-images-idx3-ubyte.gz").toStdString();
    const std::string labels = dir.filePath("train-labels-idx1-ubyte.gz").toStdString();
    const std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(Cancelled, readIdxImages(images, &cancel));
    QVERIFY_THROWS_EXCEPTION(Cancelled, readIdxLabels(labels, &cancel));
    QVERIFY_THROWS_EXCEPTION(Cancelled, readIdxDataset(images, labels, "x", {}, &cancel));
    QVERIFY_THROWS_EXCEPTION(Cancelled, loadFashionMnist(dir.path().toStdString(), &cancel));
    DatasetRequest request;
    request.nameOrPath = dir.path().toStdString(); // an IDX folder
    QVERIFY_THROWS_EXCEPTION(Cancelled, prepareDataset(request, &cancel));
    request.nameOrPath = "fashion-mnist";
    request.fashionMnistDir = dir.path().toStdString();
    QVERIFY_THROWS_EXCEPTION(Cancelled, prepareDataset(request, &cancel));
    // Unset, the same folder loads.
    const std::atomic<bool> clear{false};
    QCOMPARE(prepareDataset(request, &clear).split.train.sampleCount(), 40);
}

// What closing the window during a Fashion-MNIST load relies on: a flag set from another
// thread mid-load ends the load within a few milliseconds, not after the whole ~70 MB.
void TestIdxReader::cancelStopsAFashionMnistLoadPromptly()
{
    if (!hasFashionMnist())
        QSKIP("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)");
    using Clock = std::chrono::steady_clock;
    DatasetRequest request;
    request.nameOrPath = "fashion-mnist";
    std::atomic<bool> cancel{false};
    Clock::time_point setAt;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        setAt = Clock::now();
        cancel = true;
    });
    bool cancelled = false;
    try {
        prepareDataset(request, &cancel);
    } catch (const Cancelled&) {
        cancelled = true;
    }
    const Clock::time_point returnedAt = Clock::now();
    canceller.join();
    QVERIFY2(cancelled, "the load finished within 30 ms: nothing left to cancel");
    const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(returnedAt - setAt).count();
    QVERIFY2(late < 100, qPrintable(QStringLiteral("returned %1 ms after the flag was set").arg(late)));
}

QTEST_APPLESS_MAIN(TestIdxReader)
#include "tst_idxreader.moc"
