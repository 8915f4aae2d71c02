// IDX image and label files, plain or gzip-compressed.
#include "FuzzCommon.h"
#include "data/IdxReader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const ss::ByteSpan bytes(data, size);
    ss::fuzz::readOrRefuse([&] { ss::parseIdxImages(bytes, "fuzz-images-idx3-ubyte"); });
    ss::fuzz::readOrRefuse([&] { ss::parseIdxLabels(bytes, "fuzz-labels-idx1-ubyte"); });
    return 0;
}
