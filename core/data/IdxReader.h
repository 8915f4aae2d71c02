#pragma once
// IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic 0x00000803
// for images, 0x00000801 for labels, then the dimension sizes) followed by unsigned bytes.
// Files may be gzip-compressed or plain. Binary files have no lines, so errors carry line 0
// and name the byte offset in the message.

#include "data/Dataset.h"
#include "data/Gzip.h"

#include <string>
#include <vector>

namespace ss {

inline constexpr std::uint32_t idxImagesMagic = 0x00000803;
inline constexpr std::uint32_t idxLabelsMagic = 0x00000801;

struct IdxImages {
    int rows = 0;
    int cols = 0;
    Matrix pixels; // (rows * cols) x count, row-major pixels per column, values 0..255
    int count() const { return static_cast<int>(pixels.cols()); }
};

// From the raw file contents (gzip or plain); `source` names the file in messages. Every
// reader here throws Cancelled (common/Error.h) soon after `cancel` is set.
IdxImages parseIdxImages(ByteSpan fileBytes, const std::string& source, const std::atomic<bool>* cancel = nullptr);
Labels parseIdxLabels(ByteSpan fileBytes, const std::string& source, const std::atomic<bool>* cancel = nullptr);

IdxImages readIdxImages(const std::string& path, const std::atomic<bool>* cancel = nullptr);
Labels readIdxLabels(const std::string& path, const std::atomic<bool>* cancel = nullptr);

// An image file and its label file as one dataset; the counts must agree. With empty
// classNames the classes are "0".."max label"; otherwise every label must index a name.
Dataset readIdxDataset(const std::string& imagesPath, const std::string& labelsPath, const std::string& name,
                       const std::vector<std::string>& classNames = {}, const std::atomic<bool>* cancel = nullptr);

// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) with its official split.
struct FashionMnist {
    Dataset train; // 60,000 images
    Dataset test;  // 10,000 images
};
std::string defaultFashionMnistDirectory(); // /usr/share/datasets/fashion-mnist, the Debian package's
// Where Fashion-MNIST is looked for when no folder is given: $SPARSESCOPE_FASHION_MNIST_DIR
// when set (tests, a copy of one's own), else defaultFashionMnistDirectory().
std::string activeFashionMnistDirectory();
std::vector<std::string> fashionMnistClassNames();
// Whether the four files are in the folder (empty = activeFashionMnistDirectory()).
bool hasFashionMnist(const std::string& directory = {});
// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from the folder (empty =
// activeFashionMnistDirectory()). When they are absent the InputError names the Debian package.
FashionMnist loadFashionMnist(const std::string& directory = {}, const std::atomic<bool>* cancel = nullptr);

} // namespace ss
