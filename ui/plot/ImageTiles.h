#pragma once
// Small pictures of image data: a test sample as grey pixels, a neuron's incoming weights
// as a blue-white-red tile with pruned pixels grey.

#include "data/DatasetCatalog.h"

#include <QImage>

namespace ss {

// The sample's pixels in the dataset's original scale, dark = high; null without imageShape.
QImage sampleImage(const PreparedData& data, const Dataset& part, int sample);
// One row of a first-layer weight matrix (already compressed) as an image tile;
// `range` is the |w| mapped to full colour. Exact zeros are drawn in the pruned colour.
QImage weightImage(const ConstMatrixRef& weights, int row, const ImageShape& shape, float range);

} // namespace ss
