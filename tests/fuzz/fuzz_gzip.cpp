// gzip decoding: corrupt, truncated, multi-member and bomb-like streams.
#include "FuzzCommon.h"
#include "data/Gzip.h"

namespace {
// Enough for any real finding; bombs beyond it are refused by the cap under test.
constexpr std::uint64_t kFuzzOutputLimit = std::uint64_t(16) << 20;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const ss::ByteSpan bytes(data, size);
    ss::fuzz::readOrRefuse([&] { ss::decompressIfGzip(ss::Bytes(bytes.begin(), bytes.end()), "fuzz.gz", kFuzzOutputLimit); });
    return 0;
}
