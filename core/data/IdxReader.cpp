#include "data/IdxReader.h"

#include "common/Error.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>

namespace ss {

namespace {

constexpr std::size_t imageHeaderBytes = 16; // magic, count, rows, columns
constexpr std::size_t labelHeaderBytes = 8;  // magic, count
// Deflate cannot compress better than about 1032:1; a header promising more output than
// that from the compressed size is lying, and must not make us allocate for it.
constexpr std::uint64_t maxDeflateRatio = 1032;
// The most pixel bytes an image file may promise: five times Fashion-MNIST's training set
// (47 MB), and 1 GiB as floats once read.
constexpr std::uint64_t maxPixelBytes = std::uint64_t(256) << 20;

std::uint32_t readBigEndian32(const std::uint8_t* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

std::string hex32(std::uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

void checkMagic(std::uint32_t magic, std::uint32_t expected, const std::string& source)
{
    if (magic == expected)
        return;
    const bool wantImages = expected == idxImagesMagic;
    if (magic == idxLabelsMagic || magic == idxImagesMagic)
        throw InputError(source, 0, 0, std::string("this is an IDX ") + (wantImages ? "label" : "image") + " file (magic "
                                           + hex32(magic) + "), expected an " + (wantImages ? "image" : "label")
                                           + " file (magic " + hex32(expected) + ")");
    if ((magic >> 16) == 0) {
        // Looks like IDX (two zero bytes), but another element type or dimension count.
        const std::uint32_t type = (magic >> 8) & 0xff;
        const std::uint32_t dimensions = magic & 0xff;
        const bool knownType = type == 0x08 || type == 0x09 || (type >= 0x0B && type <= 0x0E);
        if (knownType && type != 0x08)
            throw InputError(source, 0, 0, "IDX element type " + hex32(type) + " (magic " + hex32(magic)
                                               + ") is not supported: only unsigned bytes (0x08)");
        if (type == 0x08)
            throw InputError(source, 0, 0, "IDX file with " + std::to_string(dimensions) + " dimensions (magic "
                                               + hex32(magic) + "), expected " + (wantImages ? "3 (count, rows, columns)" : "1 (count)")
                                               + ", magic " + hex32(expected));
    }
    throw InputError(source, 0, 0, "wrong magic number " + hex32(magic) + " at byte 0: not an IDX "
                                       + (wantImages ? "image" : "label") + " file (expected " + hex32(expected) + ")");
}

struct ImageHeader {
    std::uint32_t count = 0;
    std::uint32_t rows = 0;
    std::uint32_t cols = 0;
    std::uint64_t pixelBytes() const { return std::uint64_t(count) * rows * cols; }
};

ImageHeader parseImageHeader(const std::uint8_t* header, const std::string& source)
{
    checkMagic(readBigEndian32(header), idxImagesMagic, source);
    ImageHeader h;
    h.count = readBigEndian32(header + 4);
    h.rows = readBigEndian32(header + 8);
    h.cols = readBigEndian32(header + 12);
    if (h.count == 0)
        throw InputError(source, 0, 0, "the header (byte 4) says the file holds no images");
    if (h.rows == 0 || h.cols == 0 || h.rows > 65536 || h.cols > 65536 || std::uint64_t(h.rows) * h.cols > (1u << 24))
        throw InputError(source, 0, 0, "implausible image size " + std::to_string(h.rows) + "x" + std::to_string(h.cols)
                                           + " in the header (bytes 8-15)");
    if (h.count > 0x7fffffffu)
        throw InputError(source, 0, 0, "implausible image count " + std::to_string(h.count) + " in the header (byte 4)");
    if (h.pixelBytes() > maxPixelBytes)
        throw InputError(source, 0, 0, "the header promises " + std::to_string(h.count) + " images of "
                                           + std::to_string(h.rows) + "x" + std::to_string(h.cols) + " ("
                                           + std::to_string(h.pixelBytes()) + " bytes), more than the "
                                           + std::to_string(maxPixelBytes >> 20) + " MiB we read");
    return h;
}

std::string truncatedImages(const ImageHeader& h, std::uint64_t have)
{
    return "truncated: the header promises " + std::to_string(h.count) + " images of " + std::to_string(h.rows) + "x"
           + std::to_string(h.cols) + " (" + std::to_string(h.pixelBytes()) + " pixel bytes after the "
           + std::to_string(imageHeaderBytes) + "-byte header) but the data holds " + std::to_string(have);
}

std::string trailingImages(const ImageHeader& h)
{
    return "unexpected data after the " + std::to_string(h.count) + " images of " + std::to_string(h.rows) + "x"
           + std::to_string(h.cols) + " the header promises (at byte "
           + std::to_string(imageHeaderBytes + h.pixelBytes()) + ")";
}

IdxImages allocateImages(const ImageHeader& h)
{
    IdxImages images;
    images.rows = static_cast<int>(h.rows);
    images.cols = static_cast<int>(h.cols);
    images.pixels.resize(static_cast<Eigen::Index>(h.rows) * h.cols, static_cast<Eigen::Index>(h.count));
    return images;
}

inline void bytesToFloats(const std::uint8_t* source, std::size_t count, Scalar* target)
{
    for (std::size_t i = 0; i < count; ++i)
        target[i] = static_cast<Scalar>(source[i]);
}

IdxImages decodePlainImages(ByteSpan bytes, const std::string& source)
{
    if (bytes.size() < imageHeaderBytes)
        throw InputError(source, 0, 0, "truncated: an IDX image header needs " + std::to_string(imageHeaderBytes)
                                           + " bytes, the data has " + std::to_string(bytes.size()));
    const ImageHeader h = parseImageHeader(bytes.data(), source);
    const std::uint64_t have = bytes.size() - imageHeaderBytes;
    if (have < h.pixelBytes())
        throw InputError(source, 0, 0, truncatedImages(h, have));
    if (have > h.pixelBytes())
        throw InputError(source, 0, 0, trailingImages(h));
    IdxImages images = allocateImages(h);
    bytesToFloats(bytes.data() + imageHeaderBytes, static_cast<std::size_t>(h.pixelBytes()), images.pixels.data());
    return images;
}

// Thrown by the streaming decoder when the gzip trailer does not vouch for the header's
// size; the caller then takes the careful route (inflate fully, then check sizes).
struct UnverifiedSize {};

// Receives decompressed chunks and converts pixels straight into the float matrix, so the
// 47 MB of bytes never exist in memory at once.
class StreamingImageDecoder {
public:
    StreamingImageDecoder(const std::string& source, std::uint64_t compressedSize, std::optional<std::uint32_t> sizeHint)
        : m_source(source), m_compressedSize(compressedSize), m_sizeHint(sizeHint)
    {
    }

    void consume(ByteSpan chunk)
    {
        std::size_t position = 0;
        if (m_headerFill < imageHeaderBytes) {
            const std::size_t take = std::min(imageHeaderBytes - m_headerFill, chunk.size());
            std::memcpy(m_header + m_headerFill, chunk.data(), take);
            m_headerFill += take;
            position = take;
            if (m_headerFill == imageHeaderBytes)
                startImages();
        }
        const std::size_t remaining = chunk.size() - position;
        if (remaining == 0)
            return;
        if (m_written + remaining > m_expected)
            throw InputError(m_source, 0, 0, trailingImages(m_headerValues));
        bytesToFloats(chunk.data() + position, remaining, m_images.pixels.data() + m_written);
        m_written += remaining;
    }

    IdxImages finish()
    {
        if (m_headerFill < imageHeaderBytes)
            throw InputError(m_source, 0, 0, "truncated: an IDX image header needs " + std::to_string(imageHeaderBytes)
                                                 + " bytes, the data has " + std::to_string(m_headerFill));
        if (m_written < m_expected)
            throw InputError(m_source, 0, 0, truncatedImages(m_headerValues, m_written));
        return std::move(m_images);
    }

private:
    void startImages()
    {
        m_headerValues = parseImageHeader(m_header, m_source);
        m_expected = m_headerValues.pixelBytes();
        const std::uint64_t total = m_expected + imageHeaderBytes;
        const bool vouched = m_sizeHint && *m_sizeHint == static_cast<std::uint32_t>(total)
                             && total <= m_compressedSize * maxDeflateRatio + 1024;
        if (!vouched)
            throw UnverifiedSize{};
        m_images = allocateImages(m_headerValues);
    }

    const std::string& m_source;
    std::uint64_t m_compressedSize;
    std::optional<std::uint32_t> m_sizeHint;
    std::uint8_t m_header[imageHeaderBytes] = {};
    std::size_t m_headerFill = 0;
    ImageHeader m_headerValues;
    std::uint64_t m_expected = 0;
    std::uint64_t m_written = 0;
    IdxImages m_images;
};

// Inflates an IDX file no further than its header says it reaches: a header is read from the
// first bytes, `check` validates it (throwing on a bad magic or size) and returns how much
// follows and the message for data beyond it, and the first byte beyond stops decompression.
// A gzip bomb costs at most one chunk more than a genuine file of its header's size.
struct IdxExtent {
    std::uint64_t payloadBytes = 0;
    std::string trailingMessage;
};
Bytes gunzipIdx(ByteSpan fileBytes, const std::string& source, std::size_t headerBytes,
                const std::function<IdxExtent(const std::uint8_t*)>& check, const std::atomic<bool>* cancel)
{
    Bytes output;
    std::optional<IdxExtent> extent;
    gunzipStream(fileBytes, source, [&](ByteSpan chunk) {
        output.insert(output.end(), chunk.begin(), chunk.end());
        if (!extent && output.size() >= headerBytes)
            extent = check(output.data());
        if (extent && output.size() > headerBytes + extent->payloadBytes)
            throw InputError(source, 0, 0, extent->trailingMessage + "; stopped decompressing");
    }, defaultMaxDecompressedBytes, cancel);
    return output;
}

std::string trailingLabels(std::uint32_t count)
{
    return "unexpected data after the " + std::to_string(count) + " labels the header promises (at byte "
           + std::to_string(labelHeaderBytes + std::uint64_t(count)) + ")";
}

std::string pixelName(int r, int c)
{
    return "pixel " + std::to_string(r) + "," + std::to_string(c);
}

std::string findIdxFile(const std::string& directory, const std::string& baseName)
{
    namespace fs = std::filesystem;
    for (const std::string& candidate : {baseName + ".gz", baseName}) {
        const fs::path path = fs::path(directory) / candidate;
        std::error_code error;
        if (fs::is_regular_file(path, error))
            return path.string();
    }
    return {};
}

const char* const fashionFiles[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                     "t10k-labels-idx1-ubyte"};

} // namespace

IdxImages parseIdxImages(ByteSpan fileBytes, const std::string& source, const std::atomic<bool>* cancel)
{
    throwIfCancelled(cancel);
    if (!isGzip(fileBytes))
        return decodePlainImages(fileBytes, source);
    StreamingImageDecoder decoder(source, fileBytes.size(), gzipSizeHint(fileBytes));
    try {
        gunzipStream(fileBytes, source, [&decoder](ByteSpan chunk) { decoder.consume(chunk); }, defaultMaxDecompressedBytes,
                     cancel);
        return decoder.finish();
    } catch (const UnverifiedSize&) {
        // Truncated, corrupt or multi-member gzip: let zlib judge the whole stream first,
        // so a damaged file is reported as such and its header cannot make us allocate.
        const Bytes bytes = gunzipIdx(fileBytes, source, imageHeaderBytes, [&](const std::uint8_t* header) {
            const ImageHeader h = parseImageHeader(header, source);
            return IdxExtent{h.pixelBytes(), trailingImages(h)};
        }, cancel);
        return decodePlainImages(bytes, source);
    }
}

Labels parseIdxLabels(ByteSpan fileBytes, const std::string& source, const std::atomic<bool>* cancel)
{
    throwIfCancelled(cancel);
    Bytes inflated;
    ByteSpan bytes = fileBytes;
    if (isGzip(fileBytes)) {
        inflated = gunzipIdx(fileBytes, source, labelHeaderBytes, [&](const std::uint8_t* header) {
            checkMagic(readBigEndian32(header), idxLabelsMagic, source);
            const std::uint32_t count = readBigEndian32(header + 4);
            return IdxExtent{count, trailingLabels(count)};
        }, cancel);
        bytes = inflated;
    }
    if (bytes.size() < labelHeaderBytes)
        throw InputError(source, 0, 0, "truncated: an IDX label header needs " + std::to_string(labelHeaderBytes)
                                           + " bytes, the data has " + std::to_string(bytes.size()));
    checkMagic(readBigEndian32(bytes.data()), idxLabelsMagic, source);
    const std::uint32_t count = readBigEndian32(bytes.data() + 4);
    if (count == 0)
        throw InputError(source, 0, 0, "the header (byte 4) says the file holds no labels");
    const std::uint64_t have = bytes.size() - labelHeaderBytes;
    if (have < count)
        throw InputError(source, 0, 0, "truncated: the header promises " + std::to_string(count)
                                           + " labels but the data holds " + std::to_string(have));
    if (have > count)
        throw InputError(source, 0, 0, trailingLabels(count));
    Labels labels(count);
    for (std::uint32_t i = 0; i < count; ++i)
        labels[i] = bytes[labelHeaderBytes + i];
    return labels;
}

IdxImages readIdxImages(const std::string& path, const std::atomic<bool>* cancel)
{
    throwIfCancelled(cancel);
    const Bytes bytes = readFileBytes(path);
    return parseIdxImages(bytes, path, cancel);
}

Labels readIdxLabels(const std::string& path, const std::atomic<bool>* cancel)
{
    throwIfCancelled(cancel);
    const Bytes bytes = readFileBytes(path);
    return parseIdxLabels(bytes, path, cancel);
}

Dataset readIdxDataset(const std::string& imagesPath, const std::string& labelsPath, const std::string& name,
                       const std::vector<std::string>& classNames, const std::atomic<bool>* cancel)
{
    Labels labels = readIdxLabels(labelsPath, cancel);
    IdxImages images = readIdxImages(imagesPath, cancel);
    if (static_cast<std::size_t>(images.count()) != labels.size())
        throw InputError(labelsPath, 0, 0, "count mismatch: " + std::to_string(labels.size()) + " labels, but "
                                               + imagesPath + " holds " + std::to_string(images.count()) + " images");
    const int maxLabel = *std::max_element(labels.begin(), labels.end());
    Dataset data;
    data.name = name;
    if (classNames.empty()) {
        for (int c = 0; c <= maxLabel; ++c)
            data.classNames.push_back(std::to_string(c));
    } else {
        data.classNames = classNames;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] >= static_cast<int>(classNames.size()))
                throw InputError(labelsPath, 0, 0, "label " + std::to_string(labels[i]) + " at byte "
                                                       + std::to_string(labelHeaderBytes + i) + " is outside 0.."
                                                       + std::to_string(classNames.size() - 1));
        }
    }
    data.labels = std::move(labels);
    data.features = std::move(images.pixels);
    data.imageShape = ImageShape{images.rows, images.cols};
    data.featureNames.reserve(static_cast<std::size_t>(images.rows) * images.cols);
    for (int r = 0; r < images.rows; ++r)
        for (int c = 0; c < images.cols; ++c)
            data.featureNames.push_back(pixelName(r, c));
    return data;
}

std::string defaultFashionMnistDirectory()
{
    return "/usr/share/datasets/fashion-mnist";
}

std::string activeFashionMnistDirectory()
{
    const char* override = std::getenv("SPARSESCOPE_FASHION_MNIST_DIR");
    return override && *override ? std::string(override) : defaultFashionMnistDirectory();
}

std::vector<std::string> fashionMnistClassNames()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
}

bool hasFashionMnist(const std::string& directory)
{
    const std::string folder = directory.empty() ? activeFashionMnistDirectory() : directory;
    for (const char* file : fashionFiles)
        if (findIdxFile(folder, file).empty())
            return false;
    return true;
}

FashionMnist loadFashionMnist(const std::string& directory, const std::atomic<bool>* cancel)
{
    const std::string folder = directory.empty() ? activeFashionMnistDirectory() : directory;
    std::string paths[4];
    for (int i = 0; i < 4; ++i) {
        paths[i] = findIdxFile(folder, fashionFiles[i]);
        if (paths[i].empty()) {
            std::string message = "Fashion-MNIST not found: no " + std::string(fashionFiles[i]) + ".gz (or "
                                  + fashionFiles[i] + ") in " + folder + ". ";
            if (directory.empty() || directory == defaultFashionMnistDirectory())
                message += "Install the Debian package dataset-fashion-mnist (sudo apt-get install "
                           "dataset-fashion-mnist), or choose the folder that holds the four IDX files.";
            else
                message += "Choose the folder that holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                           "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz, or install the Debian package "
                           "dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist).";
            throw InputError(folder, 0, 0, message);
        }
    }
    const std::vector<std::string> names = fashionMnistClassNames();
    FashionMnist result;
    result.train = readIdxDataset(paths[0], paths[1], "fashion-mnist", names, cancel);
    result.test = readIdxDataset(paths[2], paths[3], "fashion-mnist", names, cancel);
    return result;
}

} // namespace ss
