#include "data/Gzip.h"

#include "common/Error.h"

#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ss {

namespace {

constexpr std::size_t chunkSize = 256 * 1024;

// zlib counts in uInt; feed at most this many bytes per call.
constexpr std::size_t maxFeed = UINT_MAX / 2;

class InflateStream {
public:
    explicit InflateStream(const std::string& source)
    {
        std::memset(&m_stream, 0, sizeof m_stream);
        // 16 + MAX_WBITS: expect a gzip header and trailer (and check the CRC).
        if (inflateInit2(&m_stream, 16 + MAX_WBITS) != Z_OK)
            throw InputError(source, 0, 0, "cannot initialise the gzip decoder");
    }
    ~InflateStream() { inflateEnd(&m_stream); }
    InflateStream(const InflateStream&) = delete;
    InflateStream& operator=(const InflateStream&) = delete;
    z_stream* get() { return &m_stream; }

private:
    z_stream m_stream;
};

std::string describeZlibError(int code, const z_stream& stream)
{
    const char* message = stream.msg ? stream.msg : zError(code);
    return message ? message : "unknown zlib error";
}

} // namespace

Bytes readFileBytes(const std::string& path)
{
    // Checked before opening: opening a named pipe blocks until someone writes to it.
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error)
        throw InputError(path, 0, 0, "cannot open file: " + error.message());
    if (std::filesystem::is_directory(status))
        throw InputError(path, 0, 0, "is a folder, not a file");
    if (!std::filesystem::is_regular_file(status))
        throw InputError(path, 0, 0, "not a regular file (a named pipe, socket or device cannot be read as data)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path, 0, 0, std::string("cannot open file: ") + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0)
        throw InputError(path, 0, 0, "cannot read file (not a regular file?)");
    if (static_cast<std::uint64_t>(size) > kMaxInputFileBytes)
        throw InputError(path, 0, 0, std::to_string(size) + " bytes is more than the " + std::to_string(kMaxInputFileBytes >> 20)
                                         + " MiB limit for input files");
    in.seekg(0, std::ios::beg);
    Bytes bytes(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw InputError(path, 0, 0, "cannot read file: read stopped after "
                                         + std::to_string(in.gcount()) + " of " + std::to_string(size) + " bytes");
    return bytes;
}

bool isGzip(ByteSpan data)
{
    return data.size() >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

std::optional<std::uint32_t> gzipSizeHint(ByteSpan data)
{
    // 10-byte header + 8-byte trailer at least.
    if (!isGzip(data) || data.size() < 18)
        return std::nullopt;
    const std::size_t n = data.size();
    return std::uint32_t(data[n - 4]) | (std::uint32_t(data[n - 3]) << 8) | (std::uint32_t(data[n - 2]) << 16)
           | (std::uint32_t(data[n - 1]) << 24);
}

std::uint64_t gunzipStream(ByteSpan compressed, const std::string& source, const ByteSink& sink,
                           std::uint64_t maxOutput, const std::atomic<bool>* cancel)
{
    if (!isGzip(compressed))
        throw InputError(source, 0, 0, "not gzip data (the first bytes are not 1f 8b)");
    InflateStream inflater(source);
    z_stream* stream = inflater.get();
    std::vector<std::uint8_t> buffer(chunkSize);
    std::size_t consumed = 0;
    std::uint64_t produced = 0;

    for (;;) {
        // A chunk of 256 KiB inflates in about a millisecond.
        throwIfCancelled(cancel);
        if (stream->avail_in == 0 && consumed < compressed.size()) {
            const std::size_t feed = std::min(compressed.size() - consumed, maxFeed);
            stream->next_in = const_cast<Bytef*>(compressed.data() + consumed);
            stream->avail_in = static_cast<uInt>(feed);
            consumed += feed;
        }
        stream->next_out = buffer.data();
        stream->avail_out = static_cast<uInt>(buffer.size());
        const int code = inflate(stream, Z_NO_FLUSH);
        const std::size_t have = buffer.size() - stream->avail_out;
        const std::uint64_t offset = consumed - stream->avail_in; // compressed bytes used so far
        if (code == Z_DATA_ERROR || code == Z_NEED_DICT || code == Z_MEM_ERROR || code == Z_STREAM_ERROR)
            throw InputError(source, 0, 0, "corrupt gzip data near compressed byte " + std::to_string(offset) + ": "
                                               + describeZlibError(code, *stream));
        if (have > 0) {
            produced += have;
            if (produced > maxOutput)
                throw InputError(source, 0, 0, "gzip data expands to more than " + std::to_string(maxOutput)
                                                   + " bytes, more than this kind of file needs; stopped decompressing at "
                                                   "compressed byte " + std::to_string(offset));
            sink(ByteSpan(buffer.data(), have));
        }
        if (code == Z_STREAM_END) {
            // Another member may follow (concatenated gzip files are one valid gzip file).
            const std::size_t next = static_cast<std::size_t>(offset);
            if (next >= compressed.size())
                break;
            if (!isGzip(compressed.subspan(next)))
                throw InputError(source, 0, 0, "unexpected data after the gzip stream at byte " + std::to_string(next));
            inflateReset(stream);
            continue;
        }
        if (code == Z_BUF_ERROR || (code == Z_OK && have == 0 && stream->avail_in == 0)) {
            // No progress possible: either more input is needed and none is left, or zlib is stuck.
            if (consumed >= compressed.size() && stream->avail_in == 0)
                throw InputError(source, 0, 0, "truncated gzip data: the stream ends after "
                                                   + std::to_string(compressed.size()) + " compressed bytes ("
                                                   + std::to_string(produced) + " bytes decoded)");
            if (code == Z_BUF_ERROR)
                throw InputError(source, 0, 0, "corrupt gzip data near compressed byte " + std::to_string(offset));
        }
    }
    return produced;
}

Bytes gunzip(ByteSpan compressed, const std::string& source, std::uint64_t maxOutput, const std::atomic<bool>* cancel)
{
    Bytes output;
    if (const auto hint = gzipSizeHint(compressed)) {
        // The trailer is not trustworthy; cap the reservation by the largest ratio deflate
        // can reach (about 1032:1) so that a forged trailer cannot reserve gigabytes.
        const std::uint64_t cap = std::min<std::uint64_t>(maxOutput, std::uint64_t(compressed.size()) * 1032 + 1024);
        output.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*hint, cap)));
    }
    gunzipStream(compressed, source, [&output](ByteSpan chunk) { output.insert(output.end(), chunk.begin(), chunk.end()); },
                 maxOutput, cancel);
    return output;
}

Bytes decompressIfGzip(Bytes data, const std::string& source, std::uint64_t maxOutput, const std::atomic<bool>* cancel)
{
    if (!isGzip(data))
        return data;
    return gunzip(data, source, maxOutput, cancel);
}

Bytes readMaybeGzippedFile(const std::string& path, std::uint64_t maxOutput, const std::atomic<bool>* cancel)
{
    throwIfCancelled(cancel);
    return decompressIfGzip(readFileBytes(path), path, maxOutput, cancel);
}

Bytes gzip(ByteSpan data, int level)
{
    z_stream stream;
    std::memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw ConfigError("gzip: cannot initialise the encoder at level " + std::to_string(level));
    Bytes output(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
    stream.next_in = const_cast<Bytef*>(data.data());
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = output.data();
    stream.avail_out = static_cast<uInt>(output.size());
    const int code = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (code != Z_STREAM_END)
        throw ConfigError("gzip: compression failed (zlib code " + std::to_string(code) + ")");
    output.resize(stream.total_out);
    return output;
}

} // namespace ss
