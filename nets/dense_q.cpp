#include "nets/dense_q.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "core/error.h"
#include "nets/mlp.h"
#include "nets/q_networks.h"
#include "nets/vector_clones.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {

// The Fortran BLAS sgemm that LibTorch itself is linked against (Debian: libblas.so.3, i.e.
// OpenBLAS via alternatives), looked up at run time so the build needs no BLAS headers.
using SgemmFn = void (*)(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                         const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                         const float* beta, float* c, const int* ldc);

SgemmFn blas_sgemm() {
  static const SgemmFn fn = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "sgemm_"));
  return fn;
}

// Column-major C[m, n] = op(A) op(B) + beta C, as BLAS defines it.
void sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
           float beta, float* c, int64_t ldc) {
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
  const int la = static_cast<int>(lda), lb = static_cast<int>(ldb), lc = static_cast<int>(ldc);
  const float one = 1.f;
  blas_sgemm()(&ta, &tb, &mi, &ni, &ki, &one, a, &la, b, &lb, &beta, c, &lc);
}

// Row-major C[m, n] = A[m, k] * B[n, k]^T (+ C when accumulate): y = x W^T for a batch.
// BLAS is column-major, so this is C^T = B A^T there.
void matmul_nt(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool accumulate) {
  sgemm('T', 'N', n, m, k, b, k, a, k, accumulate ? 1.f : 0.f, c, n);
}

// z = x W^T + b for `rows` inputs: the bias rows are written first and the product added.
void affine(const float* x, const float* weight, const float* bias, float* z, int64_t rows, int64_t fan_out,
            int64_t fan_in) {
  for (int64_t r = 0; r < rows; ++r) std::copy_n(bias, fan_out, z + r * fan_out);
  matmul_nt(x, weight, z, rows, fan_out, fan_in, /*accumulate=*/true);
}

void relu(float* z, int64_t n) {
  for (int64_t i = 0; i < n; ++i) z[i] = std::max(z[i], 0.f);
}

// Row-major C[m, n] = A[k, m]^T * B[k, n]: dW = delta^T x.
void matmul_tn(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  sgemm('N', 'T', n, m, k, b, n, a, m, 0.f, c, n);
}

// Row-major C[m, n] = A[m, k] * B[k, n] (+ C when accumulate): dx = delta W.
void matmul_nn(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool accumulate) {
  sgemm('N', 'N', n, m, k, b, n, a, k, accumulate ? 1.f : 0.f, c, n);
}

// Column sums of delta [rows, n] into db (a bias gradient).
void bias_grad(const float* delta, int64_t rows, int64_t n, float* db) {
  std::fill_n(db, n, 0.f);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < n; ++j) db[j] += delta[i * n + j];
}

// Zero delta where the ReLU that produced `out` did not pass (out > 0 where it did), as
// LibTorch's ReLU backward does.
void relu_backward(const float* out, float* delta, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!(out[i] > 0.f)) delta[i] = 0.f;
}

// dst[c][r] = src[r][c] for a row-major src [rows, cols]. In 8x8 blocks of AVX2 shuffles
// where the CPU has them (a scalar transpose of the MinAtar net's 1024x128 weight took ~140 us,
// a tenth of an update), element by element at the edges and elsewhere.
void transpose_scalar(const float* src, int64_t rows, int64_t cols, float* dst, int64_t rows_done, int64_t cols_done) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = r < rows_done ? cols_done : 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) inline void transpose_block8(const float* src, int64_t cols, float* dst, int64_t rows) {
  __m256 r[8], t[8];
  for (int j = 0; j < 8; ++j) r[j] = _mm256_loadu_ps(src + j * cols);
  for (int j = 0; j < 8; j += 2) {
    t[j] = _mm256_unpacklo_ps(r[j], r[j + 1]);
    t[j + 1] = _mm256_unpackhi_ps(r[j], r[j + 1]);
  }
  for (int j = 0; j < 8; j += 4) {
    r[j] = _mm256_shuffle_ps(t[j], t[j + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[j + 1] = _mm256_shuffle_ps(t[j], t[j + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[j + 2] = _mm256_shuffle_ps(t[j + 1], t[j + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[j + 3] = _mm256_shuffle_ps(t[j + 1], t[j + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int j = 0; j < 4; ++j) {
    _mm256_storeu_ps(dst + j * rows, _mm256_permute2f128_ps(r[j], r[j + 4], 0x20));
    _mm256_storeu_ps(dst + (j + 4) * rows, _mm256_permute2f128_ps(r[j], r[j + 4], 0x31));
  }
}

__attribute__((target("avx2"))) void transpose_avx2(const float* src, int64_t rows, int64_t cols, float* dst) {
  const int64_t rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
  // The inner loop runs along the shorter side, so the partly written lines of dst (or the
  // partly read lines of src) of one sweep are still in L1 for the next.
  if (rows <= cols) {
    for (int64_t c0 = 0; c0 < cols8; c0 += 8)
      for (int64_t r0 = 0; r0 < rows8; r0 += 8)
        transpose_block8(src + r0 * cols + c0, cols, dst + c0 * rows + r0, rows);
  } else {
    for (int64_t r0 = 0; r0 < rows8; r0 += 8)
      for (int64_t c0 = 0; c0 < cols8; c0 += 8)
        transpose_block8(src + r0 * cols + c0, cols, dst + c0 * rows + r0, rows);
  }
  transpose_scalar(src, rows, cols, dst, rows8, cols8);  // the edges
}

// compact() below for x > 0, eight at a time: AVX2 has no compress instruction, so a table
// maps each 8-bit mask of passing lanes to the permutation that packs them to the front.
constexpr std::array<uint64_t, 256> make_pack_table() {
  std::array<uint64_t, 256> table{};
  for (int mask = 0; mask < 256; ++mask) {
    uint64_t lanes = 0;
    int out = 0;
    for (int lane = 0; lane < 8; ++lane)
      if (mask & (1 << lane)) lanes |= static_cast<uint64_t>(lane) << (8 * out++);
    table[static_cast<size_t>(mask)] = lanes;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kPackTable = make_pack_table();

// Writes 8 elements per step at the end (the caller leaves room for 8 more than n).
__attribute__((target("avx2,popcnt"))) int64_t compact_positive_avx2(const float* x, int64_t n, int32_t* index,
                                                                     float* value, int64_t size) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256i step = _mm256_set1_epi32(8);
  __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const int mask = _mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_GT_OQ));
    const __m256i perm = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<int64_t>(kPackTable[mask])));
    _mm256_storeu_ps(value + size, _mm256_permutevar8x32_ps(v, perm));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(index + size), _mm256_permutevar8x32_epi32(idx, perm));
    size += _mm_popcnt_u32(static_cast<unsigned>(mask));
    idx = _mm256_add_epi32(idx, step);
  }
  for (; i < n; ++i) {
    index[size] = static_cast<int32_t>(i);
    value[size] = x[i];
    size += x[i] > 0.f ? 1 : 0;
  }
  return size;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
// Whether the functions above (AVX2 and popcnt) may run on this CPU: read once.
bool cpu_has_avx2() {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  return avx2;
}
#endif

void transpose(const float* src, int64_t rows, int64_t cols, float* dst) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cpu_has_avx2()) return transpose_avx2(src, rows, cols, dst);
#endif
  transpose_scalar(src, rows, cols, dst, 0, 0);
}

// Eight floats, for the loops below: GCC's vector extension, so each TP_VECTOR_CLONES copy
// keeps them in its own registers (AVX2: one ymm each; baseline: two xmm). They are passed by
// value only between inlined functions of this file, so GCC's note that the baseline ABI
// passes them differently from AVX's does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float Float8 __attribute__((vector_size(32)));
typedef float Float8Unaligned __attribute__((vector_size(32), aligned(4), may_alias));
inline Float8 load8(const float* p) { return *reinterpret_cast<const Float8Unaligned*>(p); }
inline void store8(float* p, Float8 v) { *reinterpret_cast<Float8Unaligned*>(p) = v; }

// z[0, 8R) = sum_k value[k] * rows[index[k] * stride + (0, 8R)], the sum held in R registers.
template <int R>
inline __attribute__((always_inline)) void sum_rows_block(const int32_t* index, const float* value, int64_t count,
                                                          const float* rows, int64_t stride, float* z) {
  Float8 acc[R] = {};
  for (int64_t k = 0; k < count; ++k) {
    const float* row = rows + static_cast<int64_t>(index[k]) * stride;
    const float v = value[k];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[r] += v * load8(row + 8 * r);
  }
  for (int r = 0; r < R; ++r) store8(z + 8 * r, acc[r]);
}

// The same for z[0, n): blocks of 64 and 8 floats, then a scalar tail.
inline __attribute__((always_inline)) void sum_rows(const int32_t* index, const float* value, int64_t count,
                                                    const float* rows, int64_t stride, int64_t n, float* z) {
  int64_t o = 0;
  for (; o + 64 <= n; o += 64) sum_rows_block<8>(index, value, count, rows + o, stride, z + o);
  for (; o + 8 <= n; o += 8) sum_rows_block<1>(index, value, count, rows + o, stride, z + o);
  for (; o < n; ++o) {
    float sum = 0.f;
    for (int64_t k = 0; k < count; ++k) sum += value[k] * rows[static_cast<int64_t>(index[k]) * stride + o];
    z[o] = sum;
  }
}

// out[k] = the dot product of d[0, n) with rows[index[k]], for k < count; d is held in
// registers 64 floats at a time.
inline __attribute__((always_inline)) void dot_rows(const int32_t* index, int64_t count, const float* rows,
                                                    int64_t stride, const float* d, int64_t n, float* out) {
  std::fill_n(out, count, 0.f);
  int64_t o = 0;
  for (; o + 64 <= n; o += 64) {
    Float8 dv[8];
    for (int r = 0; r < 8; ++r) dv[r] = load8(d + o + 8 * r);
    for (int64_t k = 0; k < count; ++k) {
      const float* row = rows + static_cast<int64_t>(index[k]) * stride + o;
      Float8 acc0 = dv[0] * load8(row), acc1 = dv[1] * load8(row + 8);
#pragma GCC unroll 3
      for (int r = 2; r < 8; r += 2) {
        acc0 += dv[r] * load8(row + 8 * r);
        acc1 += dv[r + 1] * load8(row + 8 * r + 8);
      }
      const Float8 acc = acc0 + acc1;
      float sum = 0.f;
      for (int j = 0; j < 8; ++j) sum += acc[j];
      out[k] += sum;
    }
  }
  for (int64_t k = 0; k < count && o < n; ++k) {
    const float* row = rows + static_cast<int64_t>(index[k]) * stride;
    float sum = 0.f;
    for (int64_t j = o; j < n; ++j) sum += row[j] * d[j];
    out[k] += sum;
  }
}

// Appends (i, x[i]) for the i < n with keep(x[i]) at index/value[size...] and returns the new
// size. Branch-free: which elements pass depends on the data, so a branch would mispredict
// often; every element is written at the end, and the end moves past the kept ones only.
// index and value need room for size + n.
template <class Keep>
inline __attribute__((always_inline)) int64_t compact(const float* x, int64_t n, Keep keep, int32_t* index,
                                                      float* value, int64_t size) {
  for (int64_t i = 0; i < n; ++i) {
    index[size] = static_cast<int32_t>(i);
    value[size] = x[i];
    size += keep(x[i]) ? 1 : 0;
  }
  return size;
}

// compact(x, n, x > 0, ...), on AVX2 where the CPU has it. index and value need room for
// size + n + 8.
int64_t compact_positive(const float* x, int64_t n, int32_t* index, float* value, int64_t size) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cpu_has_avx2()) return compact_positive_avx2(x, n, index, value, size);
#endif
  return compact(
      x, n, [](float v) { return v > 0.f; }, index, value, size);
}

// y[0, n) += a x[0, n), eight floats at a time (GCC's loop vectorizer leaves this scalar
// when n is a small constant: it cannot rule out that x and y overlap).
inline __attribute__((always_inline)) void add_scaled(float a, const float* x, int64_t n, float* y) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) store8(y + j, load8(y + j) + a * load8(x + j));
  for (; j < n; ++j) y[j] += a * x[j];
}

// Per-sample nonzeros: sample b's are (index[k], value[k]) for k in [begin[b], begin[b + 1]).
struct SampleNonzeros {
  const int64_t* begin;
  const int32_t* index;
  const float* value;
};

// The convolution by scattering: every nonzero input x adds x * w[channel, ky, kx, :] to the
// (up to kh * kw) output positions it reaches, or with kBackward, adds x * delta[that
// position, :] to grad[channel, ky, kx, :]. wt and grad are [channel, ky, kx, filter]; out
// and delta [batch, position, filter]. Zeros cost nothing, and MinAtar's inputs are mostly
// zeros. F > 0 fixes the filter count at compile time (the MinAtar net's 16 is two AVX2
// registers), F = 0 reads it at run time.
template <int64_t F, bool kBackward>
inline __attribute__((always_inline)) void scatter_conv_impl(const DenseQPlan::Conv& c, const SampleNonzeros& x,
                                                             int64_t batch, const float* wt, float* grad,
                                                             const float* delta, float* out) {
  const int64_t f = F ? F : c.layer.fan_out, positions = c.out_h * c.out_w, plane = c.height * c.width;
  for (int64_t b = 0; b < batch; ++b) {
    float* ob = kBackward ? nullptr : out + b * positions * f;
    const float* db = kBackward ? delta + b * positions * f : nullptr;
    for (int64_t k = x.begin[b]; k < x.begin[b + 1]; ++k) {
      const float v = x.value[k];
      const int64_t ch = x.index[k] / plane, iy = x.index[k] % plane / c.width, ix = x.index[k] % c.width;
      // Output (iy - ky, ix - kx) must exist.
      const int64_t ky0 = std::max<int64_t>(0, iy - c.out_h + 1), ky1 = std::min(c.kernel_h - 1, iy);
      const int64_t kx0 = std::max<int64_t>(0, ix - c.out_w + 1), kx1 = std::min(c.kernel_w - 1, ix);
      for (int64_t ky = ky0; ky <= ky1; ++ky)
        for (int64_t kx = kx0; kx <= kx1; ++kx) {
          const int64_t pos = (iy - ky) * c.out_w + (ix - kx), tap = (ch * c.kernel_h + ky) * c.kernel_w + kx;
          if constexpr (kBackward)
            add_scaled(v, db + pos * f, f, grad + tap * f);
          else
            add_scaled(v, wt + tap * f, f, ob + pos * f);
        }
    }
  }
}

// out [batch, position, filter] = bias + the convolution of the inputs x.
TP_VECTOR_CLONES
void scatter_conv(const DenseQPlan::Conv& c, const SampleNonzeros& x, int64_t batch, const float* wt, const float* bias,
                  float* out) {
  const int64_t f = c.layer.fan_out, positions = c.out_h * c.out_w;
  for (int64_t i = 0; i < batch * positions; ++i) std::copy_n(bias, f, out + i * f);
  if (f == 16)
    scatter_conv_impl<16, false>(c, x, batch, wt, nullptr, nullptr, out);
  else
    scatter_conv_impl<0, false>(c, x, batch, wt, nullptr, nullptr, out);
}

// grad_t [channel, ky, kx, filter] = the convolution weight's gradient from delta_rows
// [batch, position, filter].
TP_VECTOR_CLONES
void scatter_conv_grad(const DenseQPlan::Conv& c, const SampleNonzeros& x, int64_t batch, const float* delta_rows,
                       float* grad_t) {
  std::fill_n(grad_t, c.layer.fan_in * c.layer.fan_out, 0.f);
  if (c.layer.fan_out == 16)
    scatter_conv_impl<16, true>(c, x, batch, nullptr, grad_t, delta_rows, nullptr);
  else
    scatter_conv_impl<0, true>(c, x, batch, nullptr, grad_t, delta_rows, nullptr);
}

// The nonzero inputs of a sparse layer, grouped by input: input i's are (sample[k], value[k])
// for k in [begin[i], begin[i + 1]), samples in increasing order.
struct SparseInputs {
  const int64_t* begin;
  const int32_t* sample;
  const float* value;
  int64_t inputs;
};

// z[sample[k]][0, n) += value[k] * row[0, n) for k < count: one weight row, held in
// registers 64 floats at a time, added into the rows of every sample that has the input.
inline __attribute__((always_inline)) void scatter_row(const float* row, int64_t n, const int32_t* sample,
                                                       const float* value, int64_t count, float* z) {
  int64_t o = 0;
  for (; o + 64 <= n; o += 64) {
    Float8 w[8];
    for (int r = 0; r < 8; ++r) w[r] = load8(row + o + 8 * r);
    for (int64_t k = 0; k < count; ++k) {
      float* zk = z + static_cast<int64_t>(sample[k]) * n + o;
      const float v = value[k];
#pragma GCC unroll 8
      for (int r = 0; r < 8; ++r) store8(zk + 8 * r, load8(zk + 8 * r) + v * w[r]);
    }
  }
  for (int64_t k = 0; k < count; ++k)
    for (int64_t j = o; j < n; ++j) z[static_cast<int64_t>(sample[k]) * n + j] += value[k] * row[j];
}

// z = x W^T + bias for `batch` samples, from wt = W^T [inputs, fan_out]: each nonzero input's
// row of wt is read once, and the batch's z rows (16 KB for 32 samples of 128) stay in cache.
TP_VECTOR_CLONES
void sparse_affine_t(const SparseInputs& x, int64_t batch, const float* wt, const float* bias, int64_t fan_out,
                     float* z) {
  for (int64_t b = 0; b < batch; ++b) std::copy_n(bias, fan_out, z + b * fan_out);
  for (int64_t i = 0; i < x.inputs; ++i) {
    const int64_t begin = x.begin[i], count = x.begin[i + 1] - begin;
    if (count > 0) scatter_row(wt + i * fan_out, fan_out, x.sample + begin, x.value + begin, count, z);
  }
}

// The same from W as stored, [fan_out, inputs], from each sample's nonzeros (feature_of maps
// their indices to W's columns): cheaper than transposing W for one or two samples (acting).
void sparse_affine(const SampleNonzeros& x, const int32_t* feature_of, int64_t batch, const float* w, const float* bias,
                   int64_t fan_out, int64_t inputs, float* z) {
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t o = 0; o < fan_out; ++o) {
      const float* wo = w + o * inputs;
      float sum = bias[o];
      for (int64_t k = x.begin[b]; k < x.begin[b + 1]; ++k) sum += x.value[k] * wo[feature_of[x.index[k]]];
      z[b * fan_out + o] = sum;
    }
}

// dW^T = x^T delta: grad_t[i] = the sum over the samples with a nonzero input i of
// x[sample, i] delta[sample]. Every row is written; inputs no sample had get zero rows.
TP_VECTOR_CLONES
void sparse_weight_grad_t(const SparseInputs& x, const float* delta, int64_t fan_out, float* grad_t) {
  for (int64_t i = 0; i < x.inputs; ++i)
    sum_rows(x.sample + x.begin[i], x.value + x.begin[i], x.begin[i + 1] - x.begin[i], delta, fan_out, fan_out,
             grad_t + i * fan_out);
}

// dL/dx = delta W where x was nonzero, 0 elsewhere: the inputs are ReLU outputs, so a zero is
// where the ReLU did not pass, and LibTorch's ReLU backward gives 0 there too.
TP_VECTOR_CLONES
void sparse_input_grad(const SparseInputs& x, int64_t batch, const float* wt, const float* delta, int64_t fan_out,
                       float* dots, float* dx) {
  std::fill_n(dx, batch * x.inputs, 0.f);
  for (int64_t i = 0; i < x.inputs; ++i) {
    const int64_t begin = x.begin[i], count = x.begin[i + 1] - begin;
    if (count == 0) continue;
    dot_rows(x.sample + begin, count, delta, fan_out, wt + i * fan_out, fan_out, dots);
    for (int64_t k = 0; k < count; ++k) dx[static_cast<int64_t>(x.sample[begin + k]) * x.inputs + i] = dots[k];
  }
}

std::string shape_string(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}

// Walks the module tree in forward order, building the plan; the first layer it cannot
// compute sets `why_not` and stops it.
class PlanBuilder {
 public:
  PlanBuilder(const QNetworkImpl& net, DenseQPlan& plan) : params_(net.parameters()), plan_(plan) {
    shape_ = net.options().input_shape;
    plan_.input_size = 1;
    for (int64_t d : shape_) plan_.input_size *= d;
    used_.assign(params_.size(), false);
  }

  bool torso(const nn::Module& m) {
    if (const auto* seq = dynamic_cast<const nn::SequentialImpl*>(&m)) {
      for (size_t i = 0; i < seq->size(); ++i)
        if (!torso(*seq->ptr(i))) return false;
      return true;
    }
    if (const auto* mlp = dynamic_cast<const MLPImpl*>(&m))
      return flatten() && torso(*mlp->layers());  // MLPImpl::forward
    if (const auto* linear_layer = dynamic_cast<const nn::LinearImpl*>(&m)) {
      DenseQPlan::Layer l;
      if (!linear(*linear_layer, l)) return false;
      plan_.dense.push_back(l);
      last_ = Last::Dense;
      return true;
    }
    if (dynamic_cast<const nn::ReLUImpl*>(&m)) {
      if (last_ == Last::None) return decline("a ReLU on the network's input");
      (last_ == Last::Conv ? plan_.conv->layer : plan_.dense.back()).relu = true;  // ReLU(ReLU(z)) = ReLU(z)
      return true;
    }
    if (const auto* f = dynamic_cast<const nn::FlattenImpl*>(&m)) {
      const int64_t end = f->options.end_dim();
      if (f->options.start_dim() != 1 || !(end == -1 || end == static_cast<int64_t>(shape_.size())))
        return decline("a Flatten of other dimensions than all but the batch");
      return flatten();
    }
    if (dynamic_cast<const nn::IdentityImpl*>(&m)) return true;
    if (const auto* c = dynamic_cast<const nn::Conv2dImpl*>(&m)) return conv(*c);
    return decline("a " + m.name() + " layer");
  }

  // After the torso: the plain or the dueling head (QNetworkImpl::forward).
  bool heads(const QNetworkImpl& net) {
    if (shape_.size() != 1) return decline("torso output " + shape_string(shape_) + " is not flat");
    const std::vector<int64_t> features = shape_;
    if (!net.q_head().is_empty()) {
      DenseQPlan::Layer l;
      if (!linear(*net.q_head(), l)) return false;
      plan_.dense.push_back(l);
      plan_.actions = l.fan_out;
    } else {
      if (net.value_head().is_empty() || net.advantage_head().is_empty()) return decline("no Q head");
      plan_.dueling = true;
      if (!linear(*net.value_head(), plan_.value)) return false;
      shape_ = features;
      if (!linear(*net.advantage_head(), plan_.advantage)) return false;
      if (plan_.value.fan_out != 1) return decline("a value head with more than one output");
      plan_.actions = plan_.advantage.fan_out;
    }
    if (std::count(used_.begin(), used_.end(), true) != static_cast<std::ptrdiff_t>(params_.size()))
      return decline("parameters outside the layers the kernel reads");
    plan_.parameters = params_.size();
    return true;
  }

  const std::string& why_not() const { return why_not_; }

 private:
  enum class Last { None, Conv, Dense };  // the last layer with weights (a ReLU applies to it)

  bool decline(std::string reason) {
    why_not_ = std::move(reason);
    return false;
  }

  bool flatten() {
    int64_t n = 1;
    for (int64_t d : shape_) n *= d;
    shape_ = {n};
    return true;
  }

  // The index of `t` in net.parameters(), checked to be a float32 CPU tensor of `numel`.
  bool find(const torch::Tensor& t, int64_t numel, size_t& index) {
    for (size_t i = 0; i < params_.size(); ++i)
      if (params_[i].is_same(t)) {
        if (!(t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous()))
          return decline("parameters that are not contiguous float32 CPU tensors");
        if (t.numel() != numel) return decline("a layer whose weights do not match its options");
        index = i;
        used_[i] = true;
        return true;
      }
    return decline("a layer parameter that net.parameters() does not list");
  }

  bool linear(const nn::LinearImpl& m, DenseQPlan::Layer& l) {
    const auto& o = m.options;
    if (!o.bias()) return decline("a Linear without bias");
    if (shape_.size() != 1 || shape_[0] != o.in_features())
      return decline("a Linear(" + std::to_string(o.in_features()) + ", ...) on a " + shape_string(shape_) + " input");
    l.fan_in = o.in_features();
    l.fan_out = o.out_features();
    if (!find(m.weight, l.fan_in * l.fan_out, l.weight) || !find(m.bias, l.fan_out, l.bias)) return false;
    shape_ = {l.fan_out};
    return true;
  }

  bool conv(const nn::Conv2dImpl& m) {
    const auto& o = m.options;
    if (plan_.conv || !plan_.dense.empty()) return decline("a convolution after the first layer");
    if (shape_.size() != 3 || shape_[0] != o.in_channels())
      return decline("a Conv2d(" + std::to_string(o.in_channels()) + ", ...) on a " + shape_string(shape_) + " input");
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
    const bool no_padding = c10::holds_alternative<torch::enumtype::kValid>(o.padding()) ||
                            (padding && (**padding)[0] == 0 && (**padding)[1] == 0);
    if (!no_padding) return decline("a padded convolution");
    if ((*o.dilation())[0] != 1 || (*o.dilation())[1] != 1 || o.groups() != 1 || !o.bias())
      return decline("a dilated, grouped or bias-free convolution");
    // Strides are a small change to the scatter, but no network here has a strided
    // convolution the kernel could otherwise compute, so none would test it.
    if ((*o.stride())[0] != 1 || (*o.stride())[1] != 1) return decline("a strided convolution");
    DenseQPlan::Conv c;
    c.channels = shape_[0];
    c.height = shape_[1];
    c.width = shape_[2];
    c.kernel_h = (*o.kernel_size())[0];
    c.kernel_w = (*o.kernel_size())[1];
    c.out_h = c.height - c.kernel_h + 1;
    c.out_w = c.width - c.kernel_w + 1;
    if (c.out_h <= 0 || c.out_w <= 0) return decline("a convolution larger than its input");
    c.layer.fan_in = c.channels * c.kernel_h * c.kernel_w;
    c.layer.fan_out = o.out_channels();
    if (!find(m.weight, c.layer.fan_in * c.layer.fan_out, c.layer.weight) ||
        !find(m.bias, c.layer.fan_out, c.layer.bias))
      return false;
    plan_.conv = c;
    shape_ = {c.layer.fan_out, c.out_h, c.out_w};
    last_ = Last::Conv;
    return true;
  }

  std::vector<torch::Tensor> params_;
  std::vector<bool> used_;
  DenseQPlan& plan_;
  std::vector<int64_t> shape_;  // of one sample at this point of the forward pass
  Last last_ = Last::None;
  std::string why_not_;
};

}  // namespace

std::optional<DenseQPlan> DenseQPlan::from(const QNetworkImpl& net, std::string* why_not) {
  DenseQPlan plan;
  PlanBuilder builder(net, plan);
  std::string reason;
  if (blas_sgemm() == nullptr)
    reason = "no BLAS sgemm_ is loaded";
  else if (!builder.torso(*net.torso()) || !builder.heads(net))
    reason = builder.why_not();
  if (reason.empty()) return plan;
  if (why_not) *why_not = "the dense kernel does not compute " + reason;
  return std::nullopt;
}

DenseQKernel::DenseQKernel(DenseQPlan plan) : plan_(std::move(plan)) {
  TP_CHECK(plan_.dueling || !plan_.dense.empty(), "DenseQKernel: a plan without a head");
  const size_t torso_layers = plan_.dense.size() - (plan_.dueling ? 0 : 1);
  kept_.acts.resize(torso_layers);
  scratch_.acts.resize(torso_layers);
  weights_.dense.resize(plan_.dense.size());
  sparse_first_ = plan_.conv && plan_.conv->layer.relu && !plan_.dense.empty();
  if (plan_.conv) {
    // The conv computes [position, filter]; Flatten (and W's columns) order [filter, position].
    const int64_t positions = plan_.conv->out_h * plan_.conv->out_w, f = plan_.conv->layer.fan_out;
    feature_of_.resize(static_cast<size_t>(positions * f));
    for (int64_t pos = 0; pos < positions; ++pos)
      for (int64_t j = 0; j < f; ++j)
        feature_of_[static_cast<size_t>(pos * f + j)] = static_cast<int32_t>(j * positions + pos);
  }
}

void DenseQKernel::fill_weights(const QNetworkImpl& net, bool with_grads, Weights& w) const {
  auto params = net.parameters();
  TP_CHECK(params.size() == plan_.parameters, "DenseQKernel: network has ", params.size(), " parameters, the plan ",
           plan_.parameters);
  auto take = [&](const DenseQPlan::Layer& l, Ptrs& p) {
    torch::Tensor& weight = params[l.weight];
    torch::Tensor& bias = params[l.bias];
    for (const torch::Tensor* t : {&weight, &bias})
      TP_CHECK(t->is_cpu() && t->scalar_type() == torch::kFloat && t->is_contiguous(),
               "DenseQKernel: parameters must be contiguous float32 CPU tensors");
    TP_CHECK(weight.numel() == l.fan_in * l.fan_out && bias.numel() == l.fan_out,
             "DenseQKernel: the network does not match the plan");
    p.weight = weight.data_ptr<float>();
    p.bias = bias.data_ptr<float>();
    p.version = weight._version();
    if (!with_grads) return;
    auto grad_of = [](torch::Tensor& t) {
      torch::Tensor& g = t.mutable_grad();
      TP_CHECK(g.defined() && g.is_contiguous(),
               "DenseQKernel: parameters need gradient buffers (nets::FlatParameters)");
      return g.data_ptr<float>();
    };
    p.grad_weight = grad_of(weight);
    p.grad_bias = grad_of(bias);
  };
  if (plan_.conv) take(plan_.conv->layer, w.conv);
  for (size_t l = 0; l < plan_.dense.size(); ++l) take(plan_.dense[l], w.dense[l]);
  if (plan_.dueling) {
    take(plan_.value, w.value);
    take(plan_.advantage, w.advantage);
  }
}

const float* DenseQKernel::layer_input(const Pass& p, size_t l) const {
  if (l > 0) return p.acts[l - 1].data();
  return plan_.conv ? p.features.data() : p.input;
}

void DenseQKernel::conv_forward(const Ptrs& conv, const float* x, int64_t batch, Pass& p, bool group) {
  const DenseQPlan::Conv& c = *plan_.conv;
  const int64_t positions = c.out_h * c.out_w, k = c.layer.fan_in, f = c.layer.fan_out;
  const int64_t outputs = positions * f;
  conv_weight_t_.resize(static_cast<size_t>(k * f));
  transpose(conv.weight, f, k, conv_weight_t_.data());
  // The observation's nonzeros, then the scatter.
  p.obs_begin.assign(1, 0);
  p.obs_index.resize(static_cast<size_t>(batch * plan_.input_size));
  p.obs_value.resize(p.obs_index.size());
  for (int64_t b = 0; b < batch; ++b)
    p.obs_begin.push_back(compact(
        x + b * plan_.input_size, plan_.input_size, [](float v) { return v != 0.f; }, p.obs_index.data(),
        p.obs_value.data(), p.obs_begin.back()));
  p.conv_out.resize(static_cast<size_t>(batch * outputs));
  scatter_conv(c, SampleNonzeros{p.obs_begin.data(), p.obs_index.data(), p.obs_value.data()}, batch,
               conv_weight_t_.data(), conv.bias, p.conv_out.data());
  // For a sparse first layer, the ReLU'd output's nonzeros per sample (its ReLU is the filter).
  p.sparse = false;
  if (sparse_first_) {
    p.out_begin.assign(1, 0);
    p.out_index.resize(p.conv_out.size() + 8);
    p.out_value.resize(p.conv_out.size() + 8);
    for (int64_t b = 0; b < batch; ++b)
      p.out_begin.push_back(compact_positive(p.conv_out.data() + b * outputs, outputs, p.out_index.data(),
                                             p.out_value.data(), p.out_begin.back()));
    p.sparse =
        static_cast<double>(p.out_begin.back()) <= plan_.sparse_max_density * static_cast<double>(batch * outputs);
  }
  if (!p.sparse) {
    // [batch, position, filter] through the ReLU into Flatten's order [batch, filter, position].
    const float floor = c.layer.relu ? 0.f : -std::numeric_limits<float>::infinity();
    p.features.resize(static_cast<size_t>(batch * f * positions));
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t j = 0; j < f; ++j)
        for (int64_t pos = 0; pos < positions; ++pos)
          p.features[static_cast<size_t>((b * f + j) * positions + pos)] =
              std::max(p.conv_out[static_cast<size_t>((b * positions + pos) * f + j)], floor);
    return;
  }
  if (!group) return;
  // Grouped by feature (Flatten's index): a counting sort of the per-sample nonzeros, so each
  // feature's samples come out in increasing order.
  const int64_t nonzero = p.out_begin.back();
  p.input_begin.assign(static_cast<size_t>(outputs + 1), 0);
  for (int64_t n = 0; n < nonzero; ++n) ++p.input_begin[static_cast<size_t>(feature_of_[p.out_index[n]]) + 1];
  for (int64_t i = 0; i < outputs; ++i) p.input_begin[i + 1] += p.input_begin[i];
  p.input_sample.resize(static_cast<size_t>(nonzero));
  p.input_value.resize(static_cast<size_t>(nonzero));
  next_slot_.assign(p.input_begin.begin(), p.input_begin.end() - 1);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t n = p.out_begin[b]; n < p.out_begin[b + 1]; ++n) {
      const auto slot = static_cast<size_t>(next_slot_[static_cast<size_t>(feature_of_[p.out_index[n]])]++);
      p.input_sample[slot] = static_cast<int32_t>(b);
      p.input_value[slot] = p.out_value[n];
    }
}

void DenseQKernel::sparse_forward(const Ptrs& layer, Pass& p, float* z, bool keep) {
  const DenseQPlan::Layer& l = plan_.dense[0];
  if (!keep && p.batch < kTransposeFrom) {
    sparse_affine(SampleNonzeros{p.out_begin.data(), p.out_index.data(), p.out_value.data()}, feature_of_.data(),
                  p.batch, layer.weight, layer.bias, l.fan_out, l.fan_in, z);
    return;
  }
  const float* wt = nullptr;
  if (keep) {
    // The online network, whose weights change every update; backward reads this copy.
    p.weight_t.resize(static_cast<size_t>(l.fan_in * l.fan_out));
    transpose(layer.weight, l.fan_out, l.fan_in, p.weight_t.data());
    wt = p.weight_t.data();
  } else {
    // Usually the target network, which changes once per sync: its W^T is reused while the
    // weight tensor is the same and unmodified (LibTorch's version counter counts in-place
    // writes; nets::optimizer_step counts its own, and nets::FlatParameters' parameters share
    // the flat tensor's counter).
    if (layer.weight != cached_t_.weight || layer.version != cached_t_.version || cached_t_.values.empty()) {
      cached_t_.values.resize(static_cast<size_t>(l.fan_in * l.fan_out));
      transpose(layer.weight, l.fan_out, l.fan_in, cached_t_.values.data());
      cached_t_.weight = layer.weight;
      cached_t_.version = layer.version;
    }
    wt = cached_t_.values.data();
  }
  const SparseInputs x{p.input_begin.data(), p.input_sample.data(), p.input_value.data(), l.fan_in};
  sparse_affine_t(x, p.batch, wt, layer.bias, l.fan_out, z);
}

void DenseQKernel::forward(const QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep) {
  Pass& p = keep ? kept_ : scratch_;
  Weights& w = weights_;
  fill_weights(net, /*with_grads=*/false, w);
  p.input = x;
  p.batch = batch;
  if (plan_.conv) conv_forward(w.conv, x, batch, p, /*group=*/keep || batch >= kTransposeFrom);
  const size_t n = plan_.dense.size();
  for (size_t l = 0; l < n; ++l) {
    const DenseQPlan::Layer& layer = plan_.dense[l];
    float* out = q;  // the plain head writes Q
    if (l < p.acts.size()) {
      p.acts[l].resize(static_cast<size_t>(batch * layer.fan_out));
      out = p.acts[l].data();
    }
    if (l == 0 && p.sparse)
      sparse_forward(w.dense[0], p, out, keep);
    else
      affine(layer_input(p, l), w.dense[l].weight, w.dense[l].bias, out, batch, layer.fan_out, layer.fan_in);
    if (layer.relu) relu(out, batch * layer.fan_out);
  }
  if (!plan_.dueling) return;
  // Q = V + A - mean_a A (QNetworkImpl::forward).
  const float* h = layer_input(p, n);
  const int64_t features = plan_.advantage.fan_in, actions = plan_.actions;
  p.value.resize(static_cast<size_t>(batch));
  p.advantage.resize(static_cast<size_t>(batch * actions));
  affine(h, w.value.weight, w.value.bias, p.value.data(), batch, 1, features);
  affine(h, w.advantage.weight, w.advantage.bias, p.advantage.data(), batch, actions, features);
  for (int64_t i = 0; i < batch; ++i) {
    const float* a = p.advantage.data() + i * actions;
    float mean = 0.f;
    for (int64_t j = 0; j < actions; ++j) mean += a[j];
    mean /= static_cast<float>(actions);
    for (int64_t j = 0; j < actions; ++j) q[i * actions + j] = p.value[static_cast<size_t>(i)] + a[j] - mean;
  }
}

void DenseQKernel::backward(QNetworkImpl& net, const float* dq) {
  TP_CHECK(kept_.input, "DenseQKernel::backward without a kept forward pass");
  Weights& w = weights_;
  fill_weights(net, /*with_grads=*/true, w);
  const int64_t batch = kept_.batch, actions = plan_.actions;
  const size_t n = plan_.dense.size();
  // Whether the layer below dense layer l (l == n: below the dueling heads) ends in a ReLU,
  // and whether there is a layer below at all (the input needs no gradient).
  auto below_relu = [&](size_t l) { return l > 0 ? plan_.dense[l - 1].relu : plan_.conv && plan_.conv->layer.relu; };
  auto has_below = [&](size_t l) { return l > 0 || plan_.conv.has_value(); };

  if (plan_.dueling) {
    // dQ_j/dV = 1, dQ_j/dA_k = [j = k] - 1/actions.
    head_value_delta_.resize(static_cast<size_t>(batch));
    head_adv_delta_.resize(static_cast<size_t>(batch * actions));
    for (int64_t i = 0; i < batch; ++i) {
      float sum = 0.f;
      for (int64_t j = 0; j < actions; ++j) sum += dq[i * actions + j];
      head_value_delta_[static_cast<size_t>(i)] = sum;
      const float mean = sum / static_cast<float>(actions);
      for (int64_t j = 0; j < actions; ++j)
        head_adv_delta_[static_cast<size_t>(i * actions + j)] = dq[i * actions + j] - mean;
    }
    const float* h = layer_input(kept_, n);
    const int64_t features = plan_.advantage.fan_in;
    matmul_tn(head_value_delta_.data(), h, w.value.grad_weight, 1, features, batch);
    bias_grad(head_value_delta_.data(), batch, 1, w.value.grad_bias);
    matmul_tn(head_adv_delta_.data(), h, w.advantage.grad_weight, actions, features, batch);
    bias_grad(head_adv_delta_.data(), batch, actions, w.advantage.grad_bias);
    if (!has_below(n)) return;
    delta_.resize(static_cast<size_t>(batch * features));  // dL/dh = dV Wv + dA Wa
    matmul_nn(head_value_delta_.data(), w.value.weight, delta_.data(), batch, features, 1, /*accumulate=*/false);
    matmul_nn(head_adv_delta_.data(), w.advantage.weight, delta_.data(), batch, features, actions, /*accumulate=*/true);
    if (below_relu(n)) relu_backward(h, delta_.data(), batch * features);
  } else {
    delta_.assign(dq, dq + batch * actions);  // dL/dz of the head
  }
  // delta_ is dL/d(output of layer l), after that layer's ReLU if it has one.
  for (size_t l = n; l-- > 0;) {
    const DenseQPlan::Layer& layer = plan_.dense[l];
    if (l == 0 && kept_.sparse) {
      sparse_backward(w.dense[0], delta_.data());
      delta_.swap(delta_prev_);
      break;
    }
    const float* in = layer_input(kept_, l);
    matmul_tn(delta_.data(), in, w.dense[l].grad_weight, layer.fan_out, layer.fan_in, batch);  // dW = delta^T x
    bias_grad(delta_.data(), batch, layer.fan_out, w.dense[l].grad_bias);
    if (!has_below(l)) return;
    delta_prev_.resize(static_cast<size_t>(batch * layer.fan_in));  // dL/dx = delta W
    matmul_nn(delta_.data(), w.dense[l].weight, delta_prev_.data(), batch, layer.fan_in, layer.fan_out, false);
    if (below_relu(l)) relu_backward(in, delta_prev_.data(), batch * layer.fan_in);
    delta_.swap(delta_prev_);
  }
  if (plan_.conv) conv_backward(w.conv, delta_.data());
}

void DenseQKernel::sparse_backward(const Ptrs& layer, const float* delta) {
  const DenseQPlan::Layer& l = plan_.dense[0];
  const SparseInputs x{kept_.input_begin.data(), kept_.input_sample.data(), kept_.input_value.data(), l.fan_in};
  grad_t_.resize(static_cast<size_t>(l.fan_in * l.fan_out));
  sparse_weight_grad_t(x, delta, l.fan_out, grad_t_.data());
  transpose(grad_t_.data(), l.fan_in, l.fan_out, layer.grad_weight);
  bias_grad(delta, kept_.batch, l.fan_out, layer.grad_bias);
  delta_prev_.resize(static_cast<size_t>(kept_.batch * l.fan_in));
  dots_.resize(static_cast<size_t>(kept_.batch));
  sparse_input_grad(x, kept_.batch, kept_.weight_t.data(), delta, l.fan_out, dots_.data(), delta_prev_.data());
}

void DenseQKernel::conv_backward(const Ptrs& conv, const float* delta) {
  // delta is dL/d(features) in [batch, filter, position] order; to [batch, position, filter]
  // rows, then the scatter's weight gradient.
  const DenseQPlan::Conv& c = *plan_.conv;
  const int64_t batch = kept_.batch, positions = c.out_h * c.out_w, f = c.layer.fan_out, k = c.layer.fan_in;
  delta_prev_.resize(static_cast<size_t>(batch * positions * f));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < f; ++j)
      for (int64_t pos = 0; pos < positions; ++pos)
        delta_prev_[static_cast<size_t>((b * positions + pos) * f + j)] = delta[(b * f + j) * positions + pos];
  grad_t_.resize(static_cast<size_t>(k * f));
  scatter_conv_grad(c, SampleNonzeros{kept_.obs_begin.data(), kept_.obs_index.data(), kept_.obs_value.data()}, batch,
                    delta_prev_.data(), grad_t_.data());
  transpose(grad_t_.data(), k, f, conv.grad_weight);
  bias_grad(delta_prev_.data(), batch * positions, f, conv.grad_bias);
}

}  // namespace tp::nets
