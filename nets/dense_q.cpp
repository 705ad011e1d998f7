#include "nets/dense_q.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"

namespace tp::nets {

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

// Row-major C[m, n] = A[k, m]^T * B[k, n]: dW = delta^T x.
void matmul_tn(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  sgemm('N', 'T', n, m, k, b, n, a, m, 0.f, c, n);
}

// Row-major C[m, n] = A[m, k] * B[k, n]: dx = delta W.
void matmul_nn(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  sgemm('N', 'N', n, m, k, b, n, a, k, 0.f, c, n);
}

}  // namespace

bool DenseQKernel::supports(const QNetworkOptions& o) {
  if (o.dueling || blas_sgemm() == nullptr) return false;
  if (o.torso == "mlp") return o.activation == "relu" && o.input_shape.size() == 1 && !o.hidden.empty();
  return o.torso == "minatar" && o.input_shape.size() == 3 && o.input_shape[1] > 2 && o.input_shape[2] > 2;
}

DenseQKernel::DenseQKernel(const QNetworkOptions& o) {
  TP_CHECK(supports(o), "DenseQKernel: not a dense relu or MinAtar Q network");
  if (o.torso == "minatar") {
    // q_networks.cpp: Conv2d(C, 16, 3) - ReLU - Flatten - Linear(16 h w, 128) - ReLU - head.
    conv_ = Conv{o.input_shape[0], o.input_shape[1], o.input_shape[2], o.input_shape[1] - 2, o.input_shape[2] - 2};
    widths_ = {kConvFilters * conv_.out_h * conv_.out_w, 128};
  } else {
    widths_.push_back(o.input_shape[0]);
    widths_.insert(widths_.end(), o.hidden.begin(), o.hidden.end());
  }
  widths_.push_back(o.num_actions);
  kept_.acts.resize(widths_.size() - 2);
  scratch_.acts.resize(widths_.size() - 2);
}

DenseQKernel::Weights DenseQKernel::weights_of(const std::vector<torch::Tensor>& params) const {
  const size_t n = widths_.size() - 1, first = conv_.channels > 0 ? 2 : 0;
  TP_CHECK(params.size() == first + 2 * n, "DenseQKernel: network has ", params.size(), " parameters, expected ",
           first + 2 * n);
  auto check = [](const torch::Tensor& t, int64_t numel, const char* what) {
    TP_CHECK(t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous() && t.numel() == numel,
             "DenseQKernel: ", what, " does not match the network");
    return t.data_ptr<float>();
  };
  Weights w;
  if (first) {
    w.conv = {check(params[0], kConvFilters * conv_.channels * 9, "conv weight"),
              check(params[1], kConvFilters, "conv bias")};
  }
  for (size_t l = 0; l < n; ++l)
    w.dense.push_back({check(params[first + 2 * l], widths_[l + 1] * widths_[l], "dense weight"),
                       check(params[first + 2 * l + 1], widths_[l + 1], "dense bias")});
  return w;
}

void DenseQKernel::conv_forward(const Layer& conv, const float* x, int64_t batch, Pass& p) {
  const int64_t c_in = conv_.channels, h = conv_.height, w = conv_.width, oh = conv_.out_h, ow = conv_.out_w;
  const int64_t positions = oh * ow, k = c_in * 9, f = kConvFilters;
  // im2col: one row per (sample, output position), columns in the weight's (c, ky, kx) order.
  p.cols.resize(static_cast<size_t>(batch * positions * k));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        float* row = p.cols.data() + ((b * positions) + oy * ow + ox) * k;
        for (int64_t c = 0; c < c_in; ++c)
          for (int64_t ky = 0; ky < 3; ++ky)
            for (int64_t kx = 0; kx < 3; ++kx) *row++ = x[((b * c_in + c) * h + oy + ky) * w + ox + kx];
      }
  p.conv_out.resize(static_cast<size_t>(batch * positions * f));
  affine(p.cols.data(), conv.weight, conv.bias, p.conv_out.data(), batch * positions, f, k);
  // ReLU, then Flatten's order: [batch, filter, position].
  p.features.resize(static_cast<size_t>(batch * f * positions));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t pos = 0; pos < positions; ++pos)
      for (int64_t j = 0; j < f; ++j)
        p.features[static_cast<size_t>((b * f + j) * positions + pos)] =
            std::max(p.conv_out[static_cast<size_t>((b * positions + pos) * f + j)], 0.f);
}

void DenseQKernel::run_layers(const std::vector<Layer>& layers, const float* x, int64_t batch, Pass& p, float* q) {
  const float* in = x;
  for (size_t l = 0; l < layers.size(); ++l) {
    const int64_t fan_in = widths_[l], fan_out = widths_[l + 1];
    const bool last = l + 1 == layers.size();
    float* out = q;
    if (!last) {
      p.acts[l].resize(static_cast<size_t>(batch * fan_out));
      out = p.acts[l].data();
    }
    affine(in, layers[l].weight, layers[l].bias, out, batch, fan_out, fan_in);
    if (!last)
      for (int64_t i = 0; i < batch * fan_out; ++i) out[i] = std::max(out[i], 0.f);  // ReLU
    in = out;
  }
}

void DenseQKernel::forward(QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep) {
  Pass& p = keep ? kept_ : scratch_;
  const Weights w = weights_of(net.parameters());
  const float* dense_in = x;
  if (conv_.channels > 0) {
    conv_forward(w.conv, x, batch, p);
    dense_in = p.features.data();
  }
  run_layers(w.dense, dense_in, batch, p, q);
  p.dense_input = dense_in;
  p.batch = batch;
}

void DenseQKernel::backward(QNetworkImpl& net, const float* dq) {
  TP_CHECK(kept_.dense_input, "DenseQKernel::backward without a kept forward pass");
  auto params = net.parameters();
  const Weights w = weights_of(params);
  const size_t first = conv_.channels > 0 ? 2 : 0;
  auto grad_of = [&](size_t i) {
    torch::Tensor& g = params[i].mutable_grad();
    TP_CHECK(g.defined() && g.is_contiguous(), "DenseQKernel: parameters need gradient buffers (nets::FlatParameters)");
    return g.data_ptr<float>();
  };
  // Row sums of delta [rows, n] into db (a bias gradient).
  auto bias_grad = [](const float* delta, int64_t rows, int64_t n, float* db) {
    std::fill_n(db, n, 0.f);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < n; ++j) db[j] += delta[i * n + j];
  };
  const int64_t batch = kept_.batch;
  delta_.assign(dq, dq + batch * actions());  // dL/dz of the current layer
  for (size_t l = w.dense.size(); l-- > 0;) {
    const int64_t fan_in = widths_[l], fan_out = widths_[l + 1];
    const float* in = l == 0 ? kept_.dense_input : kept_.acts[l - 1].data();
    matmul_tn(delta_.data(), in, grad_of(first + 2 * l), fan_out, fan_in, batch);  // dW = delta^T x
    bias_grad(delta_.data(), batch, fan_out, grad_of(first + 2 * l + 1));
    if (l == 0 && first == 0) break;  // the input needs no gradient
    // dL/dx = delta W, then through the ReLU that produced x (its output is > 0 where it passed).
    delta_prev_.resize(static_cast<size_t>(batch * fan_in));
    matmul_nn(delta_.data(), w.dense[l].weight, delta_prev_.data(), batch, fan_in, fan_out);
    for (int64_t i = 0; i < batch * fan_in; ++i)
      if (!(in[i] > 0.f)) delta_prev_[static_cast<size_t>(i)] = 0.f;
    delta_.swap(delta_prev_);
  }
  if (first == 0) return;
  // The convolution: delta is dL/d(features) in [batch, filter, position] order; back to
  // one row per (sample, position), then dW = delta^T cols.
  const int64_t positions = conv_.out_h * conv_.out_w, f = kConvFilters, k = conv_.channels * 9;
  delta_prev_.resize(static_cast<size_t>(batch * positions * f));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < f; ++j)
      for (int64_t pos = 0; pos < positions; ++pos)
        delta_prev_[static_cast<size_t>((b * positions + pos) * f + j)] =
            delta_[static_cast<size_t>((b * f + j) * positions + pos)];
  matmul_tn(delta_prev_.data(), kept_.cols.data(), grad_of(0), f, k, batch * positions);
  bias_grad(delta_prev_.data(), batch * positions, f, grad_of(1));
}

}  // namespace tp::nets
