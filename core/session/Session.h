#pragma once
// A session: everything needed to reopen an experiment exactly, as one versioned JSON file.
// The desktop app saves and opens sessions; the headless train, prune and sweep commands
// write them; `sparsescope export` renders their plots.
//
// What a session holds: the dataset request (and how to find the data again), the
// architecture and its initialisation seed, the training configuration, the compression
// setting (pruning + precision), the trained model (weights, masks, scaler, class names,
// written by nn/ModelFile's modelToJson, not a second serializer), the progress counters,
// the training history and its markers, prune-scan and sweep results (with the sweep's grid
// and options), and an "app" object
// the desktop app keeps its own view state in (carried verbatim).
//
// How the data is found again (the choice between reference and embedding):
// - Generators (moons, spiral, ...) and the bundled sets (iris, digits, breast-cancer):
//   the request alone. The generators are seeded and the bundled files ship with the
//   program, so the request reproduces the same samples and the same split.
// - Fashion-MNIST and other IDX folders: by reference, with an FNV-1a checksum over the
//   four files; tens of megabytes do not belong in a session file.
// - CSV files: by path with a checksum of the file's bytes. A CSV file of at most
//   kEmbedCsvLimit bytes of plain UTF-8 text is embedded as well, so the session still
//   opens on another machine or after the file was edited (then the saved copy is used and
//   the user is told). A larger or gzip-compressed file must be present and unchanged.
//
// Saving writes keys in a fixed order and floats in their shortest round-trip form, so
// save, load, save gives a byte-identical file. Loading checks everything before returning
// anything: an unknown version, a wrong type or a shape that does not fit is an InputError
// naming the file and the field (e.g. "s.json: model.layers[0].weights[2]: expected 8
// entries, got 7"), and the caller's state is never touched by a failed load.

#include "common/JsonReader.h"
#include "data/DatasetCatalog.h"
#include "eval/InstantEvaluator.h"
#include "eval/PruneScan.h"
#include "eval/Sweep.h"
#include "nn/ModelFile.h"
#include "nn/Network.h"
#include "nn/Trainer.h"
#include "nn/TrainingConfig.h"
#include "session/Records.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ss {

constexpr int kSessionFormatVersion = 1;
// Larger CSV files are referenced only.
constexpr std::uint64_t kEmbedCsvLimit = 1u << 20;

struct SessionDataset {
    enum class Source { Generator, Bundled, FashionMnist, IdxFolder, CsvFile };

    DatasetRequest request;      // request.csvText holds the embedded copy of a small CSV file
    Source source = Source::Generator;
    std::string checksum;        // "fnv1a64:<16 hex>" of the file(s); empty for generators and bundled sets
    std::uint64_t bytes = 0;     // size of the file(s) the checksum covers
};

inline constexpr EnumName<SessionDataset::Source> kDatasetSourceNames[] = {
    {SessionDataset::Source::Generator, "generator"},   {SessionDataset::Source::Bundled, "bundled"},
    {SessionDataset::Source::FashionMnist, "fashion-mnist"}, {SessionDataset::Source::IdxFolder, "idx-folder"},
    {SessionDataset::Source::CsvFile, "csv-file"}};

// For saving: what kind of data the request names, the checksum of its files, and the
// embedded text of a small CSV file (request.csvText, if already set, is kept and
// checksummed instead of the file). Throws InputError for files that cannot be read and
// ConfigError for names that are neither known datasets nor paths.
SessionDataset describeDataset(const DatasetRequest& request);

// For opening: the request to give prepareDataset on this machine. A CSV or IDX path that
// is missing is also looked for next to the session file. A referenced file whose checksum
// differs is an InputError ("dataset.checksum: ..."), unless an embedded copy exists, which
// is then used with a note saying so. `note` is empty when the data was found as saved.
struct ResolvedDataset {
    DatasetRequest request;
    std::string note;
};
ResolvedDataset resolveDataset(const SessionDataset& dataset, const std::string& sessionFile);

struct SessionProgress {
    int epoch = 0;               // completed epochs
    double epochProgress = 0;    // fractional epochs
    long steps = 0;              // optimiser steps
    double seconds = 0;          // training time
    bool operator==(const SessionProgress&) const = default;
};

// A sweep with what it was run with, so the app can show it and reload one of its rows.
struct SessionSweep {
    SweepGrid grid;
    SweepOptions options;
    SweepResult result;
};

struct Session {
    SessionDataset dataset;
    // inputs and classes as the data gave them; equal to the model's when there is one.
    Architecture architecture;
    std::uint64_t modelSeed = 42;            // weight initialisation
    TrainingConfig training;
    CompressionSetting compression;          // the pruning and precision sliders
    std::optional<TrainedModel> model;       // absent before the first training step
    SessionProgress progress;
    std::vector<TrainingReport> history;     // one entry per report, in order
    std::vector<ParameterMarker> markers;    // where hyper-parameters changed
    std::optional<PruneScanResult> pruneScan; // the tradeoff view's scan of the model
    std::optional<SessionSweep> sweep;
    nlohmann::json app = nlohmann::json::object(); // the app's view state, kept verbatim
};

// The same for a session's own data; with a model, its scaler goes into the request, so the
// data meets the model scaled exactly as in training.
ResolvedDataset resolveDataset(const Session& session, const std::string& sessionFile);

// The model a session asks for: its architecture's hidden layers and activation, its seed.
ModelSpec modelSpecOf(const Session& session);

// A session keeps its history as training reports (the headless commands record steps and
// time with each, and the file format has them); the live experiment keeps points of its
// curves. The conversions carry the figures both have: not the objective or the setting a
// point was shown at, which a session does not keep; a report made from a point has the
// point's epoch rounded down as its completed epochs, and steps and time 0.
std::vector<HistoryPoint> historyFromReports(const std::vector<TrainingReport>& reports);
std::vector<TrainingReport> reportsFromHistory(const std::vector<HistoryPoint>& history);

nlohmann::json sessionToJson(const Session& session);
// fileName names the file in error messages. Throws InputError naming the field.
Session sessionFromJson(const nlohmann::json& json, const std::string& fileName);

// Atomic (writeFileAtomically): a failed save leaves an existing file as it was.
// Throws ConfigError for a session that cannot be saved (a model with non-finite weights).
void saveSession(const std::string& path, const Session& session);
// Throws InputError naming the file (with line and column for malformed JSON) and the field.
Session loadSession(const std::string& path);

// Checks that data prepared from the session's request fits its architecture and model:
// the same number of features and classes, and the same class names. Throws InputError
// naming the session file and the field.
void checkSessionFitsData(const Session& session, const PreparedData& data, const std::string& fileName);

// The JSON forms used inside a session, shared with the headless commands' output.
nlohmann::json toJson(const DatasetRequest& request);
nlohmann::json toJson(const TrainingConfig& config);
nlohmann::json toJson(const CompressionSetting& setting);
nlohmann::json toJson(const QuantizationSpec& spec);
nlohmann::json toJson(const PruningSpec& spec);
nlohmann::json toJson(const EnergyTable& table);
// The inverse of toJson(EnergyTable): every figure a finite number >= 0, errors naming
// reader's file and `path`.
EnergyTable energyTableFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path);
nlohmann::json toJson(const SweepGrid& grid);
nlohmann::json toJson(const SweepOptions& options);

std::string toString(SessionDataset::Source source);

} // namespace ss
