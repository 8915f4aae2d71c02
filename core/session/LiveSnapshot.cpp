#include "session/LiveSnapshot.h"

namespace ss {

TrainingConfig comparisonConfig(const TrainingConfig& main, ComparisonKind kind)
{
    TrainingConfig config = main;
    Regularization& r = config.regularization;
    switch (kind) {
    case ComparisonKind::None:
        break;
    case ComparisonKind::OtherL1Step:
        r.l1Mode = r.l1Mode == L1Mode::Proximal ? L1Mode::Subgradient : L1Mode::Proximal;
        break;
    case ComparisonKind::L2Instead:
        r.l2 = r.l1 + r.l2;
        r.l1 = 0;
        break;
    case ComparisonKind::NoPenalty:
        r.l1 = 0;
        r.l2 = 0;
        break;
    }
    return config;
}

std::string comparisonLabel(const TrainingConfig& main, ComparisonKind kind)
{
    switch (kind) {
    case ComparisonKind::None:
        return {};
    case ComparisonKind::OtherL1Step:
        return main.regularization.l1Mode == L1Mode::Proximal ? "naive L1 (subgradient)" : "proximal L1";
    case ComparisonKind::L2Instead:
        return "L2, same \u03bb";
    case ComparisonKind::NoPenalty:
        return "no penalty";
    }
    return {};
}

} // namespace ss
