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
  return o.torso == "mlp" && o.activation == "relu" && !o.dueling && o.input_shape.size() == 1 && !o.hidden.empty() &&
         blas_sgemm() != nullptr;
}

DenseQKernel::DenseQKernel(const QNetworkOptions& o) {
  TP_CHECK(supports(o), "DenseQKernel: not a dense relu Q network");
  widths_.push_back(o.input_shape[0]);
  widths_.insert(widths_.end(), o.hidden.begin(), o.hidden.end());
  widths_.push_back(o.num_actions);
  kept_.resize(o.hidden.size());
  scratch_.resize(o.hidden.size());
}

std::vector<DenseQKernel::Layer> DenseQKernel::layers_of(QNetworkImpl& net) const {
  const auto params = net.parameters();
  const size_t n = widths_.size() - 1;
  TP_CHECK(params.size() == 2 * n, "DenseQKernel: network has ", params.size(), " parameters, expected ", 2 * n);
  std::vector<Layer> layers(n);
  for (size_t l = 0; l < n; ++l) {
    const torch::Tensor& w = params[2 * l];
    const torch::Tensor& b = params[2 * l + 1];
    TP_CHECK(w.is_cpu() && w.scalar_type() == torch::kFloat && w.is_contiguous() && w.size(0) == widths_[l + 1] &&
                 w.size(1) == widths_[l] && b.is_contiguous() && b.numel() == widths_[l + 1],
             "DenseQKernel: layer ", l, " does not match the network");
    layers[l] = {w.data_ptr<float>(), b.data_ptr<float>()};
  }
  return layers;
}

void DenseQKernel::run_layers(const std::vector<Layer>& layers, const float* x, int64_t batch,
                              std::vector<std::vector<float>>& acts, float* q) {
  const float* in = x;
  for (size_t l = 0; l < layers.size(); ++l) {
    const int64_t fan_in = widths_[l], fan_out = widths_[l + 1];
    const bool last = l + 1 == layers.size();
    float* out = q;
    if (!last) {
      acts[l].resize(static_cast<size_t>(batch * fan_out));
      out = acts[l].data();
    }
    // z = x W^T + b: the bias is written first and the product added to it.
    for (int64_t i = 0; i < batch; ++i) std::copy_n(layers[l].bias, fan_out, out + i * fan_out);
    matmul_nt(in, layers[l].weight, out, batch, fan_out, fan_in, /*accumulate=*/true);
    if (!last)
      for (int64_t i = 0; i < batch * fan_out; ++i) out[i] = std::max(out[i], 0.f);  // ReLU
    in = out;
  }
}

void DenseQKernel::forward(QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep) {
  run_layers(layers_of(net), x, batch, keep ? kept_ : scratch_, q);
  if (keep) kept_input_ = x, kept_batch_ = batch;
}

void DenseQKernel::backward(QNetworkImpl& net, const float* dq) {
  TP_CHECK(kept_input_, "DenseQKernel::backward without a kept forward pass");
  const std::vector<Layer> layers = layers_of(net);
  auto params = net.parameters();
  const int64_t batch = kept_batch_;
  delta_.assign(dq, dq + batch * actions());  // dL/dz of the current layer
  for (size_t l = layers.size(); l-- > 0;) {
    const int64_t fan_in = widths_[l], fan_out = widths_[l + 1];
    const float* in = l == 0 ? kept_input_ : kept_[l - 1].data();
    torch::Tensor& gw = params[2 * l].mutable_grad();
    torch::Tensor& gb = params[2 * l + 1].mutable_grad();
    TP_CHECK(gw.defined() && gb.defined() && gw.is_contiguous() && gb.is_contiguous(),
             "DenseQKernel: parameters need gradient buffers (nets::FlatParameters)");
    matmul_tn(delta_.data(), in, gw.data_ptr<float>(), fan_out, fan_in, batch);  // dW = delta^T x
    float* db = gb.data_ptr<float>();
    std::fill_n(db, fan_out, 0.f);
    for (int64_t i = 0; i < batch; ++i)
      for (int64_t j = 0; j < fan_out; ++j) db[j] += delta_[static_cast<size_t>(i * fan_out + j)];
    if (l == 0) break;
    // dL/dx = delta W, then through the ReLU that produced x (its output is > 0 where it passed).
    delta_prev_.resize(static_cast<size_t>(batch * fan_in));
    matmul_nn(delta_.data(), layers[l].weight, delta_prev_.data(), batch, fan_in, fan_out);
    for (int64_t i = 0; i < batch * fan_in; ++i)
      if (!(in[i] > 0.f)) delta_prev_[static_cast<size_t>(i)] = 0.f;
    delta_.swap(delta_prev_);
  }
}

}  // namespace tp::nets
