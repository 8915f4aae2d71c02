#include "eval/SparseTail.h"

#include "common/ThreadTeam.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>

#if defined(__AVX512F__)
static_assert(EIGEN_MAX_ALIGN_BYTES >= 64, "the packed weights must be cache-line aligned");
#endif

namespace ss {

bool SparseTail::applies(const Network& network)
{
#if defined(__AVX512F__)
    const auto& layers = network.layers();
    if (layers.size() < 2)
        return false;
    for (std::size_t l = 0; l + 1 < layers.size(); ++l)
        if (layers[l].activation != Activation::ReLU)
            return false;
    return true;
#else
    (void)network;
    return false;
#endif
}

#if defined(__AVX512F__)
namespace {

constexpr int kBatch = 16; // samples per batch: one 16 x 16 transpose of the first layer

Eigen::Index roundUp16(Eigen::Index n) { return (n + 15) / 16 * 16; }

__mmask16 firstLanes(Eigen::Index n)
{
    return n >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

// rows[i] (16 lanes each) becomes column i: rows[i][j] <- rows[j][i].
void transpose16(__m512 rows[16])
{
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(rows[i], rows[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(rows[i], rows[i + 1]);
    }
    // u[4q + j] holds, in each 128-bit lane k, rows 4q..4q+3 at column 4k + j.
    __m512 u[16];
    for (int q = 0; q < 4; ++q) {
        const __m512d a = _mm512_castps_pd(t[4 * q]), b = _mm512_castps_pd(t[4 * q + 2]);
        const __m512d c = _mm512_castps_pd(t[4 * q + 1]), d = _mm512_castps_pd(t[4 * q + 3]);
        u[4 * q + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
        u[4 * q + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        u[4 * q + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, d));
        u[4 * q + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, d));
    }
    for (int j = 0; j < 4; ++j) {
        const __m512 evenLow = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88);  // lanes 0, 2 of rows 0-7
        const __m512 oddLow = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xDD);   // lanes 1, 3
        const __m512 evenHigh = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88);
        const __m512 oddHigh = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xDD);
        rows[j] = _mm512_shuffle_f32x4(evenLow, evenHigh, 0x88);
        rows[8 + j] = _mm512_shuffle_f32x4(evenLow, evenHigh, 0xDD);
        rows[4 + j] = _mm512_shuffle_f32x4(oddLow, oddHigh, 0x88);
        rows[12 + j] = _mm512_shuffle_f32x4(oddLow, oddHigh, 0xDD);
    }
}

// Appends the positive lanes of `h` (units first .. first + 15) among the `live` ones (those
// whose outgoing weights are not all zero: pruning leaves many units without any) to a
// sample's active list,
// with the offset of each unit's 16 weights in a packed chunk (unit * 16). Compresses in
// registers and stores all 16 lanes (the lists have 16 spare entries): the memory form of
// vcompress is microcoded on Zen 4.
inline void appendActive(__m512 h, int first, __mmask16 live, int* offsets, Scalar* values, int& count)
{
    const __mmask16 positive = _mm512_mask_cmp_ps_mask(live, h, _mm512_setzero_ps(), _CMP_GT_OQ);
    const __m512i units = _mm512_add_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                           _mm512_set1_epi32(first));
    _mm512_storeu_ps(values + count, _mm512_maskz_compress_ps(positive, h));
    _mm512_storeu_si512(offsets + count,
                        _mm512_maskz_compress_epi32(positive, _mm512_slli_epi32(units, 4)));
    count += __builtin_popcount(positive);
}

// bias + sum over the active inputs of value * column, for 16 outputs (the first `mask`
// lanes when not Full). Four partial sums, so the multiply-adds do not wait on each other.
template <bool Full>
inline __m512 activeColumnSum(const Scalar* columns, const Scalar* bias, __mmask16 mask, const int* offsets,
                              const Scalar* values, int count)
{
    const auto load = [mask](const Scalar* p) {
        if constexpr (Full)
            return _mm512_loadu_ps(p);
        else
            return _mm512_maskz_loadu_ps(mask, p);
    };
    __m512 a0 = load(bias);
    __m512 a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    int k = 0;
    for (; k + 4 <= count; k += 4) {
        a0 = _mm512_fmadd_ps(_mm512_set1_ps(values[k]), load(columns + offsets[k]), a0);
        a1 = _mm512_fmadd_ps(_mm512_set1_ps(values[k + 1]), load(columns + offsets[k + 1]), a1);
        a2 = _mm512_fmadd_ps(_mm512_set1_ps(values[k + 2]), load(columns + offsets[k + 2]), a2);
        a3 = _mm512_fmadd_ps(_mm512_set1_ps(values[k + 3]), load(columns + offsets[k + 3]), a3);
    }
    for (; k < count; ++k)
        a0 = _mm512_fmadd_ps(_mm512_set1_ps(values[k]), load(columns + offsets[k]), a0);
    return _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
}

} // namespace
#endif

void SparseTail::run(const Network& network, const Matrix& z1t, ThreadTeam* team, Matrix& logits,
                     const std::function<void(Eigen::Index begin, Eigen::Index end)>& prepare)
{
#if defined(__AVX512F__)
    const auto& layers = network.layers();
    const std::size_t layerCount = layers.size();
    const Eigen::Index samples = z1t.rows();
    const Eigen::Index units = layers[0].outputs();
    logits.resize(layers.back().outputs(), samples);

    Eigen::Index listCapacity = 0, outStride = 16;
    for (std::size_t l = 1; l < layerCount; ++l) {
        listCapacity = std::max(listCapacity, roundUp16(layers[l].inputs()) + 16);
        if (l + 1 < layerCount)
            outStride = std::max(outStride, roundUp16(layers[l].outputs()));
    }
    // Each later layer's weights regrouped by 16 outputs: [chunk][input][16], so that the
    // columns of one chunk are contiguous. In the matrix's own layout they are a row apart
    // (512 bytes for 128 outputs) and fall into a few L1 sets, evicting each other.
    m_packed.resize(layerCount);
    m_live.resize(layerCount);
    for (std::size_t l = 1; l < layerCount; ++l) {
        const Matrix& weights = layers[l].weights;
        const Eigen::Index inputs = weights.cols();
        auto& packed = m_packed[l];
        std::vector<std::uint16_t>& live = m_live[l];
        live.assign(static_cast<std::size_t>((inputs + 15) / 16), 0);
        for (Eigen::Index i = 0; i < inputs; ++i)
            if ((weights.col(i).array() != Scalar(0)).any())
                live[static_cast<std::size_t>(i / 16)] |= static_cast<std::uint16_t>(1u << (i % 16));
        packed.assign(static_cast<std::size_t>(roundUp16(weights.rows()) * inputs), Scalar(0));
        for (Eigen::Index i = 0; i < inputs; ++i)
            for (Eigen::Index o = 0; o < weights.rows(); ++o)
                packed[static_cast<std::size_t>((o / 16 * inputs + i) * 16 + o % 16)] = weights(o, i);
    }
    const int members = team && samples * units >= 100000 ? team->size() : 1;
    m_scratch.resize(static_cast<std::size_t>(members));
    static_assert(kPrepareBlock % kBatch == 0);
    const Eigen::Index blocks = (samples + kPrepareBlock - 1) / kPrepareBlock;

    auto part = [&](int member) {
        Scratch& work = m_scratch[static_cast<std::size_t>(member)];
        work.offsets.resize(static_cast<std::size_t>(kBatch * listCapacity));
        work.values.resize(static_cast<std::size_t>(kBatch * listCapacity));
        work.counts.resize(kBatch);
        work.out.resize(static_cast<std::size_t>(kBatch * outStride));
        int* const offsets = work.offsets.data();
        Scalar* const values = work.values.data();
        int* const counts = work.counts.data();
        const Vector& firstBias = layers[0].bias;

        const Eigen::Index firstSample = blocks * member / members * kPrepareBlock;
        const Eigen::Index endSample = std::min(samples, blocks * (member + 1) / members * kPrepareBlock);
        for (Eigen::Index begin = firstSample; begin < endSample; begin += kBatch) {
            if (prepare && begin % kPrepareBlock == 0)
                prepare(begin, std::min(begin + kPrepareBlock, samples));
            const int count = static_cast<int>(std::min<Eigen::Index>(kBatch, samples - begin));
            const __mmask16 sampleMask = firstLanes(count);

            // The first layer's active units per sample: bias and ReLU of 16 units x 16
            // samples (each unit's samples are contiguous in z1t), transposed in registers.
            std::fill(counts, counts + kBatch, 0);
            for (Eigen::Index first = 0; first < units; first += 16) {
                __m512 rows[16];
                for (int u = 0; u < 16; ++u) {
                    const Eigen::Index unit = first + u;
                    if (unit >= units) {
                        rows[u] = _mm512_setzero_ps();
                        continue;
                    }
                    // Each unit's samples are their own stream: prefetch two batches ahead, as
                    // the hardware does not follow hundreds of streams.
                    _mm_prefetch(reinterpret_cast<const char*>(z1t.data() + unit * samples + begin + 2 * kBatch),
                                 _MM_HINT_T0);
                    const __m512 z = _mm512_maskz_loadu_ps(sampleMask, z1t.data() + unit * samples + begin);
                    rows[u] = _mm512_max_ps(_mm512_add_ps(z, _mm512_set1_ps(firstBias(unit))), _mm512_setzero_ps());
                }
                transpose16(rows);
                for (int s = 0; s < count; ++s)
                    appendActive(rows[s], static_cast<int>(first), m_live[1][static_cast<std::size_t>(first / 16)],
                                 offsets + s * listCapacity,
                                 values + s * listCapacity, counts[s]);
            }

            for (std::size_t l = 1; l < layerCount; ++l) {
                const DenseLayer& layer = layers[l];
                const Eigen::Index width = layer.outputs();
                const bool last = l + 1 == layerCount;
                for (Eigen::Index chunk = 0; chunk < width; chunk += 16) {
                    const __mmask16 mask = firstLanes(width - chunk);
                    const bool full = width - chunk >= 16;
                    const Scalar* columns = m_packed[l].data() + chunk * layer.inputs();
                    const Scalar* bias = layer.bias.data() + chunk;
                    for (int s = 0; s < count; ++s) {
                        const int* o = offsets + s * listCapacity;
                        const Scalar* v = values + s * listCapacity;
                        const __m512 sum = full ? activeColumnSum<true>(columns, bias, mask, o, v, counts[s])
                                                : activeColumnSum<false>(columns, bias, mask, o, v, counts[s]);
                        Scalar* target = last ? logits.data() + (begin + s) * width + chunk
                                              : work.out.data() + s * outStride + chunk;
                        _mm512_mask_storeu_ps(target, mask, sum);
                    }
                }
                if (last)
                    break;
                // ReLU: the next layer's active inputs are this layer's positive outputs.
                for (int s = 0; s < count; ++s) {
                    counts[s] = 0;
                    for (Eigen::Index o = 0; o < width; o += 16) {
                        const __m512 h = _mm512_maskz_loadu_ps(firstLanes(width - o), work.out.data() + s * outStride + o);
                        appendActive(h, static_cast<int>(o), m_live[l + 1][static_cast<std::size_t>(o / 16)],
                                     offsets + s * listCapacity,
                                     values + s * listCapacity, counts[s]);
                    }
                }
            }
        }
    };
    if (members > 1)
        team->run(part);
    else
        part(0);
#else
    (void)network;
    (void)z1t;
    (void)team;
    (void)logits;
    (void)prepare;
#endif
}

} // namespace ss
