#include "plot/ImageTiles.h"

#include "plot/PlotStyle.h"

#include <algorithm>
#include <cmath>

namespace ss {

QImage sampleImage(const PreparedData& data, const Dataset& part, int sample)
{
    if (!part.imageShape || sample < 0 || sample >= part.sampleCount())
        return {};
    const ImageShape shape = *part.imageShape;
    if (shape.pixelCount() != part.featureCount())
        return {};
    const FeatureScaler& scaler = data.scaler;
    std::vector<float> pixels(static_cast<std::size_t>(shape.pixelCount()));
    float lo = 1e30f, hi = -1e30f;
    for (int p = 0; p < shape.pixelCount(); ++p) {
        float v = part.features(p, sample);
        if (scaler.kind() != FeatureScaler::Kind::None && scaler.factor().size() > p && scaler.factor()(p) != 0)
            v = v / scaler.factor()(p) + scaler.offset()(p);
        pixels[static_cast<std::size_t>(p)] = v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const float span = hi > lo ? hi - lo : 1.0f;
    QImage image(shape.width, shape.height, QImage::Format_RGB32);
    for (int y = 0; y < shape.height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < shape.width; ++x) {
            const float t = (pixels[static_cast<std::size_t>(y * shape.width + x)] - lo) / span;
            const int grey = 255 - static_cast<int>(std::lround(std::clamp(t, 0.0f, 1.0f) * 235.0f));
            line[x] = qRgb(grey, grey, grey);
        }
    }
    return image;
}

QImage weightImage(const ConstMatrixRef& weights, int row, const ImageShape& shape, float range)
{
    if (row < 0 || row >= weights.rows() || shape.pixelCount() != weights.cols())
        return {};
    const QColor negative(33, 102, 172), neutral(247, 247, 247), positive(178, 24, 43);
    const QColor pruned = plotcolors::pruned();
    const float scale = range > 0 ? 1.0f / range : 1.0f;
    QImage image(shape.width, shape.height, QImage::Format_RGB32);
    for (int y = 0; y < shape.height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < shape.width; ++x) {
            const float w = weights(row, y * shape.width + x);
            if (w == 0.0f) {
                line[x] = pruned.rgb();
                continue;
            }
            const float t = std::clamp(w * scale, -1.0f, 1.0f);
            const QColor& end = t < 0 ? negative : positive;
            const float a = std::abs(t);
            line[x] = qRgb(static_cast<int>(neutral.red() + (end.red() - neutral.red()) * a),
                           static_cast<int>(neutral.green() + (end.green() - neutral.green()) * a),
                           static_cast<int>(neutral.blue() + (end.blue() - neutral.blue()) * a));
        }
    }
    return image;
}

} // namespace ss
