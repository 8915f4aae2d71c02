#pragma once
// gzip decoding (zlib) for IDX and CSV files. Files that do not start with the gzip magic
// pass through unchanged, so callers need not care whether a file was compressed.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ss {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

// A guard against "zip bombs" for callers without a tighter bound of their own (the IDX
// reader stops at the size its header promises, the CSV reader at kMaxCsvBytes): the largest
// input we read, Fashion-MNIST's training images, inflates to 47 MB; 512 MiB is ten times that.
inline constexpr std::uint64_t defaultMaxDecompressedBytes = std::uint64_t(512) << 20;
// Input files larger than this are refused before reading: twice the decompressed limit, as
// no compressed file we read needs more.
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t(1) << 30;

// The whole file; InputError naming the file when it cannot be opened or read, is not a
// regular file (a folder, or a named pipe that would block the reader) or is larger than
// kMaxInputFileBytes.
Bytes readFileBytes(const std::string& path);

// True when the data starts with the gzip magic bytes 1f 8b.
bool isGzip(ByteSpan data);
// The uncompressed size modulo 2^32 stored in the last member's trailer, if the data is gzip.
// Only a hint: a truncated or multi-member file carries a different value.
std::optional<std::uint32_t> gzipSizeHint(ByteSpan data);

// Decompresses gzip data (one or more concatenated members), handing the output to `sink`
// in chunks as it is produced; the sink may throw to stop early. Returns the total output.
// InputError naming `source` (and the compressed byte offset) for corrupt or truncated data;
// Cancelled (common/Error.h) once `cancel` is set, checked before every chunk.
using ByteSink = std::function<void(ByteSpan chunk)>;
std::uint64_t gunzipStream(ByteSpan compressed, const std::string& source, const ByteSink& sink,
                           std::uint64_t maxOutput = defaultMaxDecompressedBytes,
                           const std::atomic<bool>* cancel = nullptr);

// All of it at once.
Bytes gunzip(ByteSpan compressed, const std::string& source,
             std::uint64_t maxOutput = defaultMaxDecompressedBytes, const std::atomic<bool>* cancel = nullptr);

// Gunzips when the data is gzip, otherwise returns it as is.
Bytes decompressIfGzip(Bytes data, const std::string& source,
                       std::uint64_t maxOutput = defaultMaxDecompressedBytes, const std::atomic<bool>* cancel = nullptr);
// readFileBytes followed by decompressIfGzip.
Bytes readMaybeGzippedFile(const std::string& path, std::uint64_t maxOutput = defaultMaxDecompressedBytes,
                           const std::atomic<bool>* cancel = nullptr);

// gzip-compresses (used by tests and for writing fixtures); level 0..9.
Bytes gzip(ByteSpan data, int level = 6);

} // namespace ss
