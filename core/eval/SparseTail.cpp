// The sparse tail's kernels are compiled once per SIMD path (Highway's foreach_target.h
// includes this file again for each) and chosen at run time. The kernels see raw pointers
// only: an Eigen template instantiated under a per-target instruction set could be the copy
// the linker keeps for every caller.
#include "eval/SparseTail.h"

#include "common/ThreadTeam.h"
#include "kernels/Isa.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <type_traits>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#ifndef SPARSESCOPE_SPARSETAIL_JOB
#define SPARSESCOPE_SPARSETAIL_JOB
namespace ss::sparsetail {

static_assert(std::is_same_v<Scalar, float>, "the kernels are written for float");

// Samples per batch: the active lists of 16 samples stream past one group's weights while
// they stay in L1. One 16 x 16 transpose of the first layer on AVX-512, two 8 x 8 on AVX2.
constexpr int kBatch = 16;

// What one member's kernel call reads and writes.
struct Job {
    const SparseTail::PackedLayer* layers; // [1, layerCount)
    int layerCount;
    const float* z1t;      // samples x units, column-major
    long samples;
    int units;
    // The first layer's biases, padded to whole groups with -infinity, which is also the
    // bias of a unit without outgoing weights (as pruning leaves many): never active.
    const float* firstBias;
    int firstStride;       // the second layer's pass width: a first-layer unit's offset is unit * firstStride
    float* logits;         // classes x samples, column-major
    int* offsets;          // [sample][listCapacity]
    float* values;         // [sample][listCapacity]
    int* counts;           // [sample]
    long listCapacity;
    float* out;            // [sample][outStride]
    long outStride;
    float* tile;           // [sample][tileStride]
    long tileStride;
    float* spare;          // one group
};

// A path's group width and its kernel, chosen together: the weights are packed for the
// kernel that reads them even if the chosen path changed between two dispatches.
struct Kernel {
    int width;
    int groupsPerPass;
    void (*runBlock)(const Job& job, long blockBegin, long blockEnd);
};

} // namespace ss::sparsetail
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "eval/SparseTail.cpp"
#include <hwy/foreach_target.h>
#include <hwy/cache_control.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {

using sparsetail::Job;
using sparsetail::kBatch;
namespace hn = hwy::HWY_NAMESPACE;
using DF = hn::ScalableTag<float>;

// Each path defines, for its group width (outputs per packed group):
//   GroupWidth()                       the width (outputs per packed group)
//   FirstLayerActive(job, begin, n)    the active lists of samples begin .. begin + n from z1t
//   kVectorsPerGroup                   vectors in a group
//   kGroupsPerPass                     groups of outputs computed by one pass over a
//                                      sample's active list (OutputPassSums)
//   UnitLanes(), LoadUnits(p)          units per vector, and the vector of units p[0 ..)
//   LaneOffsets(stride)                lane i's offset: i * stride
//   AppendActive(h, laneOffsets, ...)  appends the positive lanes of h to an active list
// The lists are written a vector at a time: they have a group to spare.
//
// AppendRow(row, padded, stride, o, v), the active list of a hidden layer's (padded) outputs
// with each unit's offset unit * stride, is written once after the paths from their parts.
HWY_INLINE int AppendRow(const float* HWY_RESTRICT row, long padded, int stride, int* HWY_RESTRICT offsets,
                         float* HWY_RESTRICT values);

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// AVX-512: groups of 16 outputs (one zmm register, a cache line of packed weights per
// input), the first layer as one 16 x 16 transpose per 16 units, and the active units
// appended with vcompress. Raw intrinsics: Highway enables these instructions in this
// target's region.

HWY_INLINE int GroupWidth() { return 16; }
constexpr int kVectorsPerGroup = 1;

// rows[i] (16 lanes each) becomes column i: rows[i][j] <- rows[j][i].
HWY_INLINE void Transpose16(__m512 rows[16])
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
        const __m512 evenLow = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88); // lanes 0, 2 of rows 0-7
        const __m512 oddLow = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xDD);  // lanes 1, 3
        const __m512 evenHigh = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88);
        const __m512 oddHigh = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xDD);
        rows[j] = _mm512_shuffle_f32x4(evenLow, evenHigh, 0x88);
        rows[8 + j] = _mm512_shuffle_f32x4(evenLow, evenHigh, 0xDD);
        rows[4 + j] = _mm512_shuffle_f32x4(oddLow, oddHigh, 0x88);
        rows[12 + j] = _mm512_shuffle_f32x4(oddLow, oddHigh, 0xDD);
    }
}

// Lane i's offset for units a pass of `stride` floats apart: i * stride.
HWY_INLINE __m512i LaneOffsets(int stride)
{
    return _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                              _mm512_set1_epi32(stride));
}

// Appends the positive lanes of h (units first .. first + 15) to a sample's active list, with
// each unit's offset in the packed pass (firstOffset + laneOffsets). Compresses in registers
// and stores all 16 lanes: the memory form of vcompress is microcoded on Zen 4.
HWY_INLINE void AppendActive(__m512 h, __m512i laneOffsets, int firstOffset, int* HWY_RESTRICT offsets,
                             float* HWY_RESTRICT values, int& count)
{
    const __mmask16 positive = _mm512_cmp_ps_mask(h, _mm512_setzero_ps(), _CMP_GT_OQ);
    const __m512i unitOffsets = _mm512_add_epi32(laneOffsets, _mm512_set1_epi32(firstOffset));
    _mm512_storeu_ps(values + count, _mm512_maskz_compress_ps(positive, h));
    _mm512_storeu_si512(offsets + count, _mm512_maskz_compress_epi32(positive, unitOffsets));
    count += __builtin_popcount(positive);
}

HWY_INLINE int UnitLanes() { return 16; }
HWY_INLINE __m512 LoadUnits(const float* HWY_RESTRICT units) { return _mm512_loadu_ps(units); }

// Outputs per pass of a sample's active list on this path, in groups (figures in
// OutputPassSums).
constexpr int kGroupsPerPass = 2;

HWY_INLINE void FirstLayerActive(const Job& job, long begin, int count)
{
    const __mmask16 sampleMask = count >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << count) - 1u);
    const __m512i laneOffsets = LaneOffsets(job.firstStride);
    for (int s = 0; s < count; ++s)
        job.counts[s] = 0;
    for (int first = 0; first < job.units; first += 16) {
        __m512 rows[16];
        for (int u = 0; u < 16; ++u) {
            const int unit = first + u;
            if (unit >= job.units) {
                rows[u] = _mm512_setzero_ps();
                continue;
            }
            const float* z = job.z1t + unit * job.samples + begin;
            // Each unit's samples are their own stream: prefetch two batches ahead, as the
            // hardware does not follow hundreds of streams.
            _mm_prefetch(reinterpret_cast<const char*>(z + 2 * kBatch), _MM_HINT_T0);
            rows[u] = _mm512_add_ps(_mm512_maskz_loadu_ps(sampleMask, z), _mm512_set1_ps(job.firstBias[unit]));
        }
        Transpose16(rows);
        for (int s = 0; s < count; ++s)
            AppendActive(rows[s], laneOffsets, first * job.firstStride, job.offsets + s * job.listCapacity,
                         job.values + s * job.listCapacity, job.counts[s]);
    }
}


#elif HWY_TARGET == HWY_AVX2
// AVX2: groups of 8 outputs (one ymm register), the first layer as two 8 x 8 transposes per
// 8 units (samples 0-7 and 8-15 of the batch), and the active units appended with a table
// of vpermps indices per 8-bit mask (AVX2 has no compress instruction).

HWY_INLINE int GroupWidth() { return 8; }
constexpr int kVectorsPerGroup = 1;

// Outputs per pass of a sample's active list on this path, in groups (figures in
// OutputPassSums).
constexpr int kGroupsPerPass = 4;

// For each 8-bit mask, the positions of its set bits in order, 4 bits each: the vpermps
// indices that move the selected lanes to the front (vpermps reads only the low 3 bits).
struct CompressTable {
    std::uint32_t entries[256];
};

constexpr CompressTable MakeCompressTable()
{
    CompressTable table{};
    for (unsigned mask = 0; mask < 256; ++mask) {
        unsigned position = 0;
        for (unsigned lane = 0; lane < 8; ++lane)
            if (mask >> lane & 1u)
                table.entries[mask] |= lane << (4 * position++);
    }
    return table;
}

constexpr CompressTable kCompressTable = MakeCompressTable();

// Lane i's offset for units a pass of `stride` floats apart: i * stride.
HWY_INLINE __m256i LaneOffsets(int stride)
{
    return _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(stride));
}

// Appends the positive lanes of h (units first .. first + 7) to a sample's active list, with
// each unit's offset in the packed pass (firstOffset + laneOffsets). Stores all 8 lanes.
HWY_INLINE void AppendActive(__m256 h, __m256i laneOffsets, int firstOffset, int* HWY_RESTRICT offsets,
                             float* HWY_RESTRICT values, int& count)
{
    const int positive = _mm256_movemask_ps(_mm256_cmp_ps(h, _mm256_setzero_ps(), _CMP_GT_OQ));
    const __m256i order = _mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(kCompressTable.entries[positive])),
                                            _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28));
    const __m256i unitOffsets = _mm256_add_epi32(laneOffsets, _mm256_set1_epi32(firstOffset));
    _mm256_storeu_ps(values + count, _mm256_permutevar8x32_ps(h, order));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(offsets + count), _mm256_permutevar8x32_epi32(unitOffsets, order));
    count += __builtin_popcount(static_cast<unsigned>(positive));
}

HWY_INLINE int UnitLanes() { return 8; }
HWY_INLINE __m256 LoadUnits(const float* HWY_RESTRICT units) { return _mm256_loadu_ps(units); }

// rows[i] (8 lanes each) becomes column i: rows[i][j] <- rows[j][i].
HWY_INLINE void Transpose8(__m256 rows[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(rows[i], rows[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(rows[i], rows[i + 1]);
    }
    // u[4q + j] holds, in each 128-bit lane k, rows 4q..4q+3 at column 4k + j.
    for (int q = 0; q < 2; ++q) {
        u[4 * q + 0] = _mm256_shuffle_ps(t[4 * q], t[4 * q + 2], 0x44);
        u[4 * q + 1] = _mm256_shuffle_ps(t[4 * q], t[4 * q + 2], 0xEE);
        u[4 * q + 2] = _mm256_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0x44);
        u[4 * q + 3] = _mm256_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0xEE);
    }
    for (int j = 0; j < 4; ++j) {
        rows[j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x20);
        rows[4 + j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x31);
    }
}

HWY_INLINE void FirstLayerActive(const Job& job, long begin, int count)
{
    const __m256i laneOffsets = LaneOffsets(job.firstStride);
    for (int s = 0; s < count; ++s)
        job.counts[s] = 0;
    for (int first = 0; first < job.units; first += 8) {
        for (int half = 0; half * 8 < count; ++half) {
            const int inHalf = HWY_MIN(8, count - half * 8);
            const __m256i loadMask =
                _mm256_cmpgt_epi32(_mm256_set1_epi32(inHalf), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            __m256 rows[8];
            for (int u = 0; u < 8; ++u) {
                const int unit = first + u;
                if (unit >= job.units) {
                    rows[u] = _mm256_setzero_ps();
                    continue;
                }
                const float* z = job.z1t + unit * job.samples + begin + half * 8;
                // Each unit's samples are their own stream: prefetch two batches ahead, as the
                // hardware does not follow hundreds of streams.
                if (half == 0)
                    _mm_prefetch(reinterpret_cast<const char*>(z + 2 * kBatch), _MM_HINT_T0);
                const __m256 value = inHalf == 8 ? _mm256_loadu_ps(z) : _mm256_maskload_ps(z, loadMask);
                rows[u] = _mm256_add_ps(value, _mm256_set1_ps(job.firstBias[unit]));
            }
            Transpose8(rows);
            for (int s = 0; s < inHalf; ++s) {
                const long sample = half * 8 + s;
                AppendActive(rows[s], laneOffsets, first * job.firstStride, job.offsets + sample * job.listCapacity,
                             job.values + sample * job.listCapacity, job.counts[sample]);
            }
        }
    }
}


#else
// Portable Highway: SSE4, NEON, SVE and the emulated baseline. A group is four vectors (16
// outputs for 128-bit vectors), so one broadcast of an input's value feeds four independent
// multiply-adds. With 128-bit vectors the first layer is transposed 4 x 4 in registers and
// the active units are appended through a table of byte shuffles; with other widths (SVE,
// one-lane scalar) the first layer is transposed through the tile in memory and appended
// with CompressStore.
using DI = hn::RebindToSigned<DF>;

HWY_INLINE int GroupWidth() { return static_cast<int>(4 * hn::Lanes(DF())); }
constexpr int kVectorsPerGroup = 4;

// One group (four vectors) per pass of a sample's active list.
constexpr int kGroupsPerPass = 1;

#if HWY_MAX_BYTES == 16
using DU8 = hn::Repartition<std::uint8_t, DF>;

// For each 4-bit mask, the byte shuffle that moves the selected 32-bit lanes to the front.
// Highway 1.0.3's CompressStore builds its own table on the stack at every call (a fifth of
// the SSE4 tail's time).
struct ShuffleTable {
    std::uint8_t bytes[16][16];
};

constexpr ShuffleTable MakeShuffleTable()
{
    ShuffleTable table{};
    for (unsigned mask = 0; mask < 16; ++mask) {
        unsigned position = 0;
        for (unsigned lane = 0; lane < 4; ++lane)
            if (mask >> lane & 1u) {
                for (unsigned byte = 0; byte < 4; ++byte)
                    table.bytes[mask][4 * position + byte] = static_cast<std::uint8_t>(4 * lane + byte);
                ++position;
            }
    }
    return table;
}

alignas(16) constexpr ShuffleTable kShuffleTable = MakeShuffleTable();

// Appends the positive lanes of h (units first .. first + 3) to a sample's active list, with
// each unit's offset in a packed group: unit * width. Stores all 4 lanes.
HWY_INLINE void AppendActive(hn::Vec<DF> h, hn::Vec<DI> laneOffsets, int firstOffset, int* HWY_RESTRICT offsets,
                             float* HWY_RESTRICT values, int& count)
{
    const DF d;
    const DI di;
    const DU8 du8;
    std::uint8_t positive = 0;
    hn::StoreMaskBits(d, hn::Gt(h, hn::Zero(d)), &positive);
    const auto shuffle = hn::Load(du8, kShuffleTable.bytes[positive]);
    hn::StoreU(hn::BitCast(d, hn::TableLookupBytes(hn::BitCast(du8, h), shuffle)), d, values + count);
    const auto unitOffsets = hn::Add(laneOffsets, hn::Set(di, firstOffset));
    hn::StoreU(hn::BitCast(di, hn::TableLookupBytes(hn::BitCast(du8, unitOffsets), shuffle)), di, offsets + count);
    count += static_cast<int>(hwy::PopCount(positive));
}
#else
// Appends the positive lanes of h (units first .. first + lanes - 1) to a sample's active
// list, with each unit's offset in a packed group: unit * width.
HWY_INLINE void AppendActive(hn::Vec<DF> h, hn::Vec<DI> laneOffsets, int firstOffset, int* HWY_RESTRICT offsets,
                             float* HWY_RESTRICT values, int& count)
{
    const DF d;
    const DI di;
    const auto positive = hn::Gt(h, hn::Zero(d));
    hn::CompressStore(hn::Add(laneOffsets, hn::Set(di, firstOffset)), hn::RebindMask(di, positive), di,
                      offsets + count);
    count += static_cast<int>(hn::CompressStore(h, positive, d, values + count));
}

#endif

HWY_INLINE int UnitLanes() { return static_cast<int>(hn::Lanes(DF())); }
HWY_INLINE hn::Vec<DF> LoadUnits(const float* HWY_RESTRICT units) { return hn::LoadU(DF(), units); }
HWY_INLINE hn::Vec<DI> LaneOffsets(int stride)
{
    const DI di;
    return hn::Mul(hn::Iota(di, 0), hn::Set(di, stride));
}

#if HWY_MAX_BYTES == 16
// Samples sample .. sample + n - 1 (n <= 4) of a unit, plus its bias; zero past the units.
HWY_INLINE hn::Vec<DF> UnitSamples(const Job& job, int unit, long sample, int n)
{
    const DF d;
    if (unit >= job.units)
        return hn::Zero(d);
    const float* z = job.z1t + unit * job.samples + sample;
    const auto bias = hn::Set(d, job.firstBias[unit]);
    if (n == 4)
        return hn::Add(hn::LoadU(d, z), bias);
    // The last samples of the last unit end z1t: no full load past them.
    alignas(16) float partial[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int j = 0; j < n; ++j)
        partial[j] = z[j];
    return hn::Add(hn::Load(d, partial), bias);
}

HWY_INLINE void FirstLayerActive(const Job& job, long begin, int count)
{
    const DF d;
    const DI di;
    const auto laneOffsets = hn::Mul(hn::Iota(di, 0), hn::Set(di, job.firstStride));
    for (int s = 0; s < count; ++s)
        job.counts[s] = 0;
    for (int first = 0; first < job.units; first += 4) {
        // Each unit's samples are their own stream: prefetch two batches ahead, as the
        // hardware does not follow hundreds of streams.
        for (int u = first; u < HWY_MIN(first + 4, job.units); ++u)
            hwy::Prefetch(job.z1t + u * job.samples + begin + 2 * kBatch);
        for (int quad = 0; quad * 4 < count; ++quad) {
            const long sample = begin + quad * 4;
            const int n = HWY_MIN(4, count - quad * 4);
            const auto r0 = UnitSamples(job, first, sample, n);
            const auto r1 = UnitSamples(job, first + 1, sample, n);
            const auto r2 = UnitSamples(job, first + 2, sample, n);
            const auto r3 = UnitSamples(job, first + 3, sample, n);
            // 4 x 4 transpose: each sample's vector of the 4 units.
            const auto t0 = hn::InterleaveLower(d, r0, r1);
            const auto t1 = hn::InterleaveLower(d, r2, r3);
            const auto t2 = hn::InterleaveUpper(d, r0, r1);
            const auto t3 = hn::InterleaveUpper(d, r2, r3);
            const hn::Vec<DF> columns[4] = {hn::ConcatLowerLower(d, t1, t0), hn::ConcatUpperUpper(d, t1, t0),
                                            hn::ConcatLowerLower(d, t3, t2), hn::ConcatUpperUpper(d, t3, t2)};
            for (int j = 0; j < n; ++j) {
                const long s = quad * 4 + j;
                AppendActive(columns[j], laneOffsets, first * job.firstStride, job.offsets + s * job.listCapacity,
                             job.values + s * job.listCapacity, job.counts[s]);
            }
        }
    }
}
#else
HWY_INLINE void FirstLayerActive(const Job& job, long begin, int count)
{
    for (int u = 0; u < job.units; ++u) {
        const float* HWY_RESTRICT z = job.z1t + u * job.samples + begin;
        const float bias = job.firstBias[u];
        for (int s = 0; s < count; ++s)
            job.tile[s * job.tileStride + u] = z[s] + bias;
    }
    for (int s = 0; s < count; ++s) {
        float* row = job.tile + s * job.tileStride;
        for (long u = job.units; u < job.tileStride; ++u)
            row[u] = 0.0f;
        job.counts[s] = AppendRow(row, job.tileStride, job.firstStride, job.offsets + s * job.listCapacity,
                                  job.values + s * job.listCapacity);
    }
}

#endif


#endif

HWY_INLINE int AppendRow(const float* HWY_RESTRICT row, long padded, int stride, int* HWY_RESTRICT offsets,
                         float* HWY_RESTRICT values)
{
    const auto laneOffsets = LaneOffsets(stride);
    int count = 0;
    for (int first = 0; first < padded; first += UnitLanes())
        AppendActive(LoadUnits(row + first), laneOffsets, first * stride, offsets, values, count);
    return count;
}

// One pass of a sample's active list: `Vectors` vectors of outputs (the pass's groups, side
// by side for each input in the packed layout) start from the bias and gather each active
// input's weights times its value. Each input's offset and value are loaded once for all of
// the pass's vectors; wide passes save those loads, narrow ones keep the pass's weights in
// L1 (256 inputs x 128 bytes a vector). Up to eight partial sums in all, so that the
// multiply-adds do not wait on each other. Measured on the Fashion-MNIST shape's tail (10k
// samples, 784-256-128-10, bench_sparsetail, Xeon model 207, two threads): AVX-512, 2
// groups of 16 per pass 3.5 ms, 4 groups 4.9 ms, 8 groups 5.1 ms; AVX2, 2 groups of 8
// 5.2 ms, 4 groups 4.5 ms, 8 groups 4.8 ms.
template <int Vectors>
HWY_INLINE void OutputPassSumsOf(const float* HWY_RESTRICT columns, const float* HWY_RESTRICT bias,
                                 const int* HWY_RESTRICT offsets, const float* HWY_RESTRICT values, int count,
                                 float* HWY_RESTRICT target)
{
    const DF d;
    const int n = static_cast<int>(hn::Lanes(d));
    constexpr int kPartials = Vectors <= 2 ? 4 : Vectors <= 4 ? 2 : 1;
    hn::Vec<DF> sums[Vectors][kPartials];
#pragma GCC unroll 8
    for (int g = 0; g < Vectors; ++g) {
        sums[g][0] = hn::LoadU(d, bias + n * g);
#pragma GCC unroll 4
        for (int p = 1; p < kPartials; ++p)
            sums[g][p] = hn::Zero(d);
    }
    int k = 0;
    for (; k + kPartials <= count; k += kPartials) {
#pragma GCC unroll 4
        for (int p = 0; p < kPartials; ++p) {
            const float* column = columns + offsets[k + p];
            const auto value = hn::Set(d, values[k + p]);
#pragma GCC unroll 8
            for (int g = 0; g < Vectors; ++g)
                sums[g][p] = hn::MulAdd(value, hn::Load(d, column + n * g), sums[g][p]);
        }
    }
    for (; k < count; ++k) {
        const float* column = columns + offsets[k];
        const auto value = hn::Set(d, values[k]);
#pragma GCC unroll 8
        for (int g = 0; g < Vectors; ++g)
            sums[g][0] = hn::MulAdd(value, hn::Load(d, column + n * g), sums[g][0]);
    }
#pragma GCC unroll 8
    for (int g = 0; g < Vectors; ++g) {
        auto sum = sums[g][0];
#pragma GCC unroll 4
        for (int p = 1; p < kPartials; ++p)
            sum = hn::Add(sum, sums[g][p]);
        hn::StoreU(sum, d, target + n * g);
    }
}

// `groups` groups of outputs (at most kGroupsPerPass) for one sample.
HWY_INLINE void PassSums(const float* HWY_RESTRICT columns, const float* HWY_RESTRICT bias,
                         const int* HWY_RESTRICT offsets, const float* HWY_RESTRICT values, int count,
                         float* HWY_RESTRICT target, int groups)
{
    static_assert(kGroupsPerPass * kVectorsPerGroup <= 4, "OutputPassSumsOf is instantiated up to 4 vectors");
    switch (groups * kVectorsPerGroup) {
    case 4: OutputPassSumsOf<4>(columns, bias, offsets, values, count, target); break;
    case 3: OutputPassSumsOf<3>(columns, bias, offsets, values, count, target); break;
    case 2: OutputPassSumsOf<2>(columns, bias, offsets, values, count, target); break;
    default: OutputPassSumsOf<1>(columns, bias, offsets, values, count, target); break;
    }
}

// Samples blockBegin .. blockEnd, a batch at a time: the first layer's active lists, then
// each later layer a pass of groups of outputs at a time for every sample of the batch.
void RunBlock(const Job& job, long blockBegin, long blockEnd)
{
    const int width = GroupWidth();
    for (long begin = blockBegin; begin < blockEnd; begin += kBatch) {
        const int count = static_cast<int>(HWY_MIN(static_cast<long>(kBatch), blockEnd - begin));
        FirstLayerActive(job, begin, count);
        for (int l = 1; l < job.layerCount; ++l) {
            const SparseTail::PackedLayer& layer = job.layers[l];
            const bool last = l + 1 == job.layerCount;
            for (int chunk = 0; chunk < layer.outputs; chunk += layer.passWidth) {
                const float* columns = layer.weights + static_cast<long>(chunk) * layer.inputs;
                const float* bias = layer.bias + chunk;
                const int remaining = layer.outputs - chunk;
                const int groups = HWY_MIN(layer.passWidth / width, (remaining + width - 1) / width);
                for (int s = 0; s < count; ++s) {
                    const int* o = job.offsets + s * job.listCapacity;
                    const float* v = job.values + s * job.listCapacity;
                    if (!last) {
                        PassSums(columns, bias, o, v, job.counts[s], job.out + s * job.outStride + chunk, groups);
                        continue;
                    }
                    float* target = job.logits + (begin + s) * layer.outputs + chunk;
                    if (remaining >= groups * width) {
                        PassSums(columns, bias, o, v, job.counts[s], target, groups);
                    } else {
                        PassSums(columns, bias, o, v, job.counts[s], job.spare, groups);
                        for (int j = 0; j < remaining; ++j)
                            target[j] = job.spare[j];
                    }
                }
            }
            if (last)
                break;
            // ReLU: the next layer's active inputs are this layer's positive outputs (the
            // padding and the units without outgoing weights are zero: never active).
            const long padded = (layer.outputs + width - 1) / width * width;
            const int nextStride = job.layers[l + 1].passWidth;
            for (int s = 0; s < count; ++s)
                job.counts[s] = AppendRow(job.out + s * job.outStride, padded, nextStride,
                                          job.offsets + s * job.listCapacity, job.values + s * job.listCapacity);
        }
    }
}

sparsetail::Kernel SelectKernel() { return {GroupWidth(), kGroupsPerPass, &RunBlock}; }

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(SelectKernel);

namespace {

sparsetail::Kernel selectKernel()
{
    ensureSimdPathChosen();
    return HWY_DYNAMIC_DISPATCH(SelectKernel)();
}

Eigen::Index roundUp(Eigen::Index n, Eigen::Index multiple) { return (n + multiple - 1) / multiple * multiple; }

constexpr Eigen::Index kCacheLineFloats = 16;

// Outputs of a layer computed in one pass of a sample's active list: up to the kernel's
// groups per pass, fewer for a narrow layer.
Eigen::Index passWidthOf(const sparsetail::Kernel& kernel, Eigen::Index outputs)
{
    return std::min<Eigen::Index>(kernel.groupsPerPass, (outputs + kernel.width - 1) / kernel.width) * kernel.width;
}

// Whether input i of the layer has a non-zero outgoing weight.
bool feedsForward(const Matrix& weights, Eigen::Index i) { return (weights.col(i).array() != Scalar(0)).any(); }

} // namespace

int SparseTail::groupWidth() { return selectKernel().width; }

void SparseTail::FreeAligned::operator()(Scalar* pointer) const noexcept { std::free(pointer); }

bool SparseTail::applies(const Network& network)
{
    const auto& layers = network.layers();
    if (layers.size() < 2)
        return false;
    for (std::size_t l = 0; l + 1 < layers.size(); ++l)
        if (layers[l].activation != Activation::ReLU)
            return false;
    return true;
}

void SparseTail::run(const Network& network, const Matrix& z1t, ThreadTeam* team, Matrix& logits,
                     const std::function<void(Eigen::Index begin, Eigen::Index end)>& prepare)
{
    const sparsetail::Kernel kernel = selectKernel();
    const auto& layers = network.layers();
    const std::size_t layerCount = layers.size();
    const Eigen::Index samples = z1t.rows();
    const Eigen::Index units = layers[0].outputs();
    logits.resize(layers.back().outputs(), samples);
    const Eigen::Index width = kernel.width;

    // The packed parts, each starting on a cache line.
    const Eigen::Index tileStride = roundUp(units, width);
    Eigen::Index total = roundUp(tileStride, kCacheLineFloats);
    Eigen::Index listCapacity = 0, outStride = width;
    for (std::size_t l = 1; l < layerCount; ++l) {
        const Eigen::Index padded = roundUp(layers[l].outputs(), width);
        const Eigen::Index packed = roundUp(layers[l].outputs(), passWidthOf(kernel, layers[l].outputs()));
        total += roundUp(packed * layers[l].inputs(), kCacheLineFloats) + roundUp(packed, kCacheLineFloats);
        listCapacity = std::max(listCapacity, roundUp(layers[l].inputs(), width) + width);
        if (l + 1 < layerCount)
            outStride = std::max(outStride, padded);
    }
    if (static_cast<std::size_t>(total) > m_packedCapacity) {
        m_packed.reset();
        auto* memory = static_cast<Scalar*>(std::aligned_alloc(64, static_cast<std::size_t>(total) * sizeof(Scalar)));
        if (memory == nullptr)
            throw std::bad_alloc();
        m_packed.reset(memory);
        m_packedCapacity = static_cast<std::size_t>(total);
    }
    Scalar* cursor = m_packed.get();
    Scalar* const firstBias = cursor;
    cursor += roundUp(tileStride, kCacheLineFloats);
    for (Eigen::Index u = 0; u < tileStride; ++u)
        firstBias[u] = u < units && feedsForward(layers[1].weights, u) ? layers[0].bias(u)
                                                                        : -std::numeric_limits<Scalar>::infinity();
    // Each later layer's weights regrouped by passes of `passWidth` outputs:
    // [pass][input][passWidth], so that the outputs one pass of a sample's active list
    // computes are contiguous for each input (its groups a vector apart). In the matrix's own
    // layout they are a row apart (512 bytes for 128 outputs) and fall into a few L1 sets,
    // evicting each other. A hidden unit without outgoing weights gets zero weights and bias,
    // so that it is never active.
    m_layers.resize(layerCount);
    for (std::size_t l = 1; l < layerCount; ++l) {
        const Matrix& weights = layers[l].weights;
        const Vector& bias = layers[l].bias;
        const Matrix* next = l + 1 < layerCount ? &layers[l + 1].weights : nullptr;
        const Eigen::Index inputs = weights.cols(), outputs = weights.rows();
        const Eigen::Index passWidth = passWidthOf(kernel, outputs), packed = roundUp(outputs, passWidth);
        Scalar* const packedWeights = cursor;
        cursor += roundUp(packed * inputs, kCacheLineFloats);
        Scalar* const packedBias = cursor;
        cursor += roundUp(packed, kCacheLineFloats);
        std::fill(packedWeights, packedWeights + packed * inputs, Scalar(0));
        for (Eigen::Index o = 0; o < packed; ++o) {
            const bool live = o < outputs && (next == nullptr || feedsForward(*next, o));
            packedBias[o] = live ? bias(o) : Scalar(0);
            if (!live)
                continue;
            Scalar* const pass = packedWeights + o / passWidth * inputs * passWidth + o % passWidth;
            for (Eigen::Index i = 0; i < inputs; ++i)
                pass[i * passWidth] = weights(o, i);
        }
        m_layers[l] = {packedWeights, packedBias, static_cast<int>(inputs), static_cast<int>(outputs),
                       static_cast<int>(passWidth)};
    }

    const int members = team && samples * units >= 100000 ? team->size() : 1;
    m_scratch.resize(static_cast<std::size_t>(members));
    static_assert(kPrepareBlock % sparsetail::kBatch == 0);
    const Eigen::Index blocks = (samples + kPrepareBlock - 1) / kPrepareBlock;
    constexpr int kBatch = sparsetail::kBatch;

    auto part = [&](int member) {
        Scratch& work = m_scratch[static_cast<std::size_t>(member)];
        // resize() keeps the capacity: no allocation once the sizes have been seen.
        work.offsets.resize(static_cast<std::size_t>(kBatch * listCapacity));
        work.values.resize(static_cast<std::size_t>(kBatch * listCapacity));
        work.counts.resize(kBatch);
        work.out.resize(static_cast<std::size_t>(kBatch * outStride));
        work.tile.resize(static_cast<std::size_t>(kBatch * tileStride));
        work.spare.resize(static_cast<std::size_t>(width * kernel.groupsPerPass));
        const sparsetail::Job job{m_layers.data(),
                                  static_cast<int>(layerCount),
                                  z1t.data(),
                                  static_cast<long>(samples),
                                  static_cast<int>(units),
                                  firstBias,
                                  m_layers[1].passWidth,
                                  logits.data(),
                                  work.offsets.data(),
                                  work.values.data(),
                                  work.counts.data(),
                                  static_cast<long>(listCapacity),
                                  work.out.data(),
                                  static_cast<long>(outStride),
                                  work.tile.data(),
                                  static_cast<long>(tileStride),
                                  work.spare.data()};
        const Eigen::Index firstSample = blocks * member / members * kPrepareBlock;
        const Eigen::Index endSample = std::min(samples, blocks * (member + 1) / members * kPrepareBlock);
        for (Eigen::Index begin = firstSample; begin < endSample; begin += kPrepareBlock) {
            const Eigen::Index end = std::min(begin + kPrepareBlock, samples);
            if (prepare)
                prepare(begin, end);
            kernel.runBlock(job, static_cast<long>(begin), static_cast<long>(end));
        }
    };
    if (members > 1)
        team->run(part);
    else
        part(0);
}

} // namespace ss
#endif // HWY_ONCE
