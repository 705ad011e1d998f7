#pragma once
// A hand-written forward and backward pass for DQN's small Q networks. For these networks
// LibTorch's per-operator overhead is much of the cost of a DQN update (docs/dqn.md); this
// computes the same numbers in a few BLAS calls and loops, reading the weights in place, with
// no autograd graph. Tests check it against autograd.
//
// What it computes is read off the network's own layers (DenseQPlan::from walks the module),
// so the shapes are declared once, in nets/q_networks.cpp. It knows: Linear layers, ReLU,
// Flatten, one Conv2d as the first layer (stride 1, no padding, dilation or groups), and the
// plain or dueling head. Anything else (other activations, Dropout, a second convolution as in
// the Nature CNN, ...) is declined with a reason, and callers use autograd.
//
// The convolution and the Linear layer after it skip zeros. MinAtar's observations are
// binary and about 8% nonzero, so the convolution scatters each nonzero input into the
// outputs it reaches instead of multiplying im2col rows. Its ReLU'd output is sparse too (about
// half nonzero at initialization; on Breakout 19% after 10k updates, 5% after 90k), so the next layer's
// products run over the nonzero features only; a BLAS product of that shape (batch 32) ran at
// 48-62 GFLOP/s here whatever the zeros, and was most of an update.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tp::nets {

class QNetworkImpl;

struct DenseQPlan {
  // One layer with weights: a Linear (fan_in -> fan_out), or the convolution (fan_in = C kh kw
  // per output position, fan_out = filters). The weights are found by index, so the same plan
  // serves the online and the target network (the same architecture, other weights).
  struct Layer {
    size_t weight = 0, bias = 0;  // indices into net.parameters()
    int64_t fan_in = 0, fan_out = 0;
    bool relu = false;  // a ReLU follows
  };
  struct Conv {
    Layer layer;
    int64_t channels = 0, height = 0, width = 0;               // the input {C, H, W}
    int64_t kernel_h = 0, kernel_w = 0, out_h = 0, out_w = 0;  // stride 1, no padding
  };

  std::optional<Conv> conv;  // on the input, then flattened in [filter, position] order
  // The torso's Linear layers in order; with a plain head, the head is the last one.
  std::vector<Layer> dense;
  // Dueling: Q = V + A - mean_a A, V and A linear in the last torso output.
  bool dueling = false;
  Layer value, advantage;
  int64_t input_size = 0;  // floats per observation
  int64_t actions = 0;
  size_t parameters = 0;  // how many net.parameters() the network has (all of them in the plan)
  // The Linear layer after a ReLU'd convolution runs on its nonzero outputs when at most this
  // fraction of them is nonzero, and as a BLAS product otherwise (the crossover measured in
  // docs/dqn.md). 0: never; 1: always.
  double sparse_max_density = 0.3;

  // The plan for `net`, or nullopt when the kernel cannot compute it (then *why_not says
  // which layer stopped it). Also nullopt when no BLAS sgemm is loaded.
  static std::optional<DenseQPlan> from(const QNetworkImpl& net, std::string* why_not = nullptr);
};

class DenseQKernel {
 public:
  explicit DenseQKernel(DenseQPlan plan);

  // Q values of `batch` inputs x [batch, input_shape...] into q [batch, actions], with the
  // weights of `net` (the plan's architecture, on the CPU, float32; checked each call).
  // With keep = true the activations (and x, which must stay alive) are kept for
  // backward(); other calls leave them alone.
  void forward(const QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep);
  // dL/dtheta of the last kept forward (made with the same `net` and weights), given dL/dQ
  // [batch, actions]; written (not accumulated) into each parameter's .grad(), which must
  // exist (nets::FlatParameters).
  void backward(QNetworkImpl& net, const float* dq);

  // Drops what the kernel derived from weights it has seen (a transposed weight, reused while
  // the weight tensor's version counter says it is unchanged). Call after replacing a
  // network's parameter tensors, e.g. loading a checkpoint.
  void forget_weights() { cached_t_ = TransposedWeight{}; }

  int64_t actions() const { return plan_.actions; }
  const DenseQPlan& plan() const { return plan_; }

 private:
  // The weights (and, for backward, gradient buffers) of one network, per plan layer.
  struct Ptrs {
    const float* weight = nullptr;
    const float* bias = nullptr;
    float* grad_weight = nullptr;
    float* grad_bias = nullptr;
    int64_t version = 0;  // the weight tensor's in-place write count (LibTorch's _version())
  };
  struct Weights {
    Ptrs conv, value, advantage;
    std::vector<Ptrs> dense;
  };
  // One forward pass's intermediate values.
  struct Pass {
    std::vector<float> conv_out, features;  // conv: its output [batch, position, filter], flattened (ReLU'd)
    // Nonzeros per sample, (index, value), sample b's in [begin[b], begin[b + 1]): of the
    // observation (for the conv), and of the conv's ReLU'd output ([position, filter] index).
    std::vector<int64_t> obs_begin, out_begin;
    std::vector<int32_t> obs_index, out_index;
    std::vector<float> obs_value, out_value;
    // For a sparse first layer, the latter grouped by feature (Flatten's index) instead of
    // `features`: feature i's (sample, value) pairs are [input_begin[i], input_begin[i + 1]).
    std::vector<int64_t> input_begin;
    std::vector<int32_t> input_sample;
    std::vector<float> input_value;
    bool sparse = false;                   // whether the first dense layer ran on the nonzeros
    std::vector<float> weight_t;           // that layer's weight transposed, [fan_in, fan_out], when used
    std::vector<std::vector<float>> acts;  // outputs of the torso's dense layers
    std::vector<float> value, advantage;   // dueling head outputs
    const float* input = nullptr;
    int64_t batch = 0;
  };
  // The input of dense layer l (l == dense.size(): of the dueling heads) in pass p.
  const float* layer_input(const Pass& p, size_t l) const;
  void fill_weights(const QNetworkImpl& net, bool with_grads, Weights& w) const;
  // group: also group the nonzeros by feature (sparse_forward needs them from kTransposeFrom).
  void conv_forward(const Ptrs& conv, const float* x, int64_t batch, Pass& p, bool group);
  // The first dense layer on the sparse conv output, z = features W^T + b.
  void sparse_forward(const Ptrs& layer, Pass& p, float* z, bool keep);
  // Its weight gradients from delta = dL/dz, and dL/d(features) into delta_prev_.
  void sparse_backward(const Ptrs& layer, const float* delta);
  // Weight gradients of the convolution from delta = dL/d(its flattened output).
  void conv_backward(const Ptrs& conv, const float* delta);

  // Transposing costs a pass over W; from a few samples on, reading rows of W^T repays it.
  static constexpr int64_t kTransposeFrom = 4;

  DenseQPlan plan_;
  std::vector<int32_t> feature_of_;  // conv output index [position, filter] -> Flatten's [filter, position]
  // The first dense layer reads the conv's ReLU'd output as nonzero pairs (sparse_forward).
  bool sparse_first_ = false;
  Pass kept_, scratch_;  // kept_ for backward, scratch_ for other passes
  Weights weights_;      // refilled each call (the online and the target network alternate)
  std::vector<float> delta_, delta_prev_, head_value_delta_, head_adv_delta_;
  std::vector<float> conv_weight_t_, grad_t_;  // transposed conv weights; a transposed gradient
  std::vector<float> dots_;                    // sparse_backward's scratch
  std::vector<int64_t> next_slot_;             // conv_forward's scratch
  // W^T of the first dense layer for passes that are not kept, and whose weights it is.
  struct TransposedWeight {
    const float* weight = nullptr;
    int64_t version = 0;
    std::vector<float> values;
  } cached_t_;
};

}  // namespace tp::nets
