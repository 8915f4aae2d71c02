// CSV text as a dataset and as a table (the metrics command's reader).
#include "FuzzCommon.h"
#include "data/CsvReader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text = ss::fuzz::text(data, size);
    ss::fuzz::readOrRefuse([&] { ss::readCsvText(text, "fuzz.csv"); });
    ss::fuzz::readOrRefuse([&] { ss::readCsvTableText(text, "fuzz.csv"); });
    return 0;
}
