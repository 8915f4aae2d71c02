// Model files: JSON parsing and the model reader (architecture, scaler, layers, masks).
#include "FuzzCommon.h"
#include "common/JsonReader.h"
#include "nn/ModelFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(ss::fuzz::text(data, size));
    ss::fuzz::readOrRefuse([&] {
        const nlohmann::json json = ss::parseJsonText(text, "fuzz-model.json", "a SparseScope model");
        ss::modelFromJson(json, "fuzz-model.json");
    });
    return 0;
}
