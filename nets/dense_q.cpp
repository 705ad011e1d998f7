#include "nets/dense_q.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "nets/mlp.h"
#include "nets/q_networks.h"

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

// The convolution's data movement. The kernel size and the filter count are template
// arguments where they are the MinAtar network's (3x3, 16 filters), so the compiler unrolls
// those loops as it did when the kernel hard-coded that network (bench_dqn's MinAtar case was
// about 14% slower with run-time bounds, in three loaded readings); 0 reads them at run time.

// im2col: one row per (sample, output position) of a stride-1 unpadded convolution, columns
// in the weight's (channel, ky, kx) order.
template <int64_t KH, int64_t KW>
void im2col(const DenseQPlan::Conv& c, const float* x, int64_t batch, float* cols) {
  const int64_t kh = KH ? KH : c.kernel_h, kw = KW ? KW : c.kernel_w;
  float* row = cols;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t oy = 0; oy < c.out_h; ++oy)
      for (int64_t ox = 0; ox < c.out_w; ++ox)
        for (int64_t ch = 0; ch < c.channels; ++ch)
          for (int64_t ky = 0; ky < kh; ++ky) {
            const float* src = x + ((b * c.channels + ch) * c.height + oy + ky) * c.width + ox;
            for (int64_t kx = 0; kx < kw; ++kx) *row++ = src[kx];
          }
}

// The product's rows [batch, position, filter] into Flatten's order [batch, filter,
// position], through the ReLU if there is one.
template <int64_t F>
void rows_to_features(const float* rows, int64_t batch, int64_t positions, int64_t filters, bool relu,
                      float* features) {
  const int64_t f = F ? F : filters;
  const float floor = relu ? 0.f : -std::numeric_limits<float>::infinity();
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t pos = 0; pos < positions; ++pos)
      for (int64_t j = 0; j < f; ++j)
        features[(b * f + j) * positions + pos] = std::max(rows[(b * positions + pos) * f + j], floor);
}

// The reverse permutation, for dL/d(features).
template <int64_t F>
void features_to_rows(const float* features, int64_t batch, int64_t positions, int64_t filters, float* rows) {
  const int64_t f = F ? F : filters;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < f; ++j)
      for (int64_t pos = 0; pos < positions; ++pos)
        rows[(b * positions + pos) * f + j] = features[(b * f + j) * positions + pos];
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
    // Strides are a small change to the im2col below, but no network here has a strided
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

void DenseQKernel::conv_forward(const Ptrs& conv, const float* x, int64_t batch, Pass& p) const {
  const DenseQPlan::Conv& c = *plan_.conv;
  const int64_t positions = c.out_h * c.out_w, k = c.layer.fan_in, f = c.layer.fan_out;
  p.cols.resize(static_cast<size_t>(batch * positions * k));
  if (c.kernel_h == 3 && c.kernel_w == 3)
    im2col<3, 3>(c, x, batch, p.cols.data());
  else
    im2col<0, 0>(c, x, batch, p.cols.data());
  p.conv_out.resize(static_cast<size_t>(batch * positions * f));
  affine(p.cols.data(), conv.weight, conv.bias, p.conv_out.data(), batch * positions, f, k);
  p.features.resize(static_cast<size_t>(batch * f * positions));
  if (f == 16)
    rows_to_features<16>(p.conv_out.data(), batch, positions, f, c.layer.relu, p.features.data());
  else
    rows_to_features<0>(p.conv_out.data(), batch, positions, f, c.layer.relu, p.features.data());
}

void DenseQKernel::forward(const QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep) {
  Pass& p = keep ? kept_ : scratch_;
  Weights& w = weights_;
  fill_weights(net, /*with_grads=*/false, w);
  p.input = x;
  p.batch = batch;
  if (plan_.conv) conv_forward(w.conv, x, batch, p);
  const size_t n = plan_.dense.size();
  for (size_t l = 0; l < n; ++l) {
    const DenseQPlan::Layer& layer = plan_.dense[l];
    float* out = q;  // the plain head writes Q
    if (l < p.acts.size()) {
      p.acts[l].resize(static_cast<size_t>(batch * layer.fan_out));
      out = p.acts[l].data();
    }
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

void DenseQKernel::conv_backward(const Ptrs& conv, const float* delta) {
  // delta is dL/d(features) in [batch, filter, position] order; back to one row per
  // (sample, position), then dW = delta^T cols.
  const DenseQPlan::Conv& c = *plan_.conv;
  const int64_t batch = kept_.batch, positions = c.out_h * c.out_w, f = c.layer.fan_out, k = c.layer.fan_in;
  delta_prev_.resize(static_cast<size_t>(batch * positions * f));
  if (f == 16)
    features_to_rows<16>(delta, batch, positions, f, delta_prev_.data());
  else
    features_to_rows<0>(delta, batch, positions, f, delta_prev_.data());
  matmul_tn(delta_prev_.data(), kept_.cols.data(), conv.grad_weight, f, k, batch * positions);
  bias_grad(delta_prev_.data(), batch * positions, f, conv.grad_bias);
}

}  // namespace tp::nets
