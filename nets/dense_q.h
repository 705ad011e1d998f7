#pragma once
// A hand-written forward and backward pass for DQN's small Q networks. For these networks
// LibTorch's per-operator overhead is much of the cost of a DQN update (docs/dqn.md); this
// computes the same numbers in a few BLAS calls, reading the weights in place, with no
// autograd graph. Tests check it against autograd.
//
// What it computes is read off the network's own layers (DenseQPlan::from walks the module),
// so the shapes are declared once, in nets/q_networks.cpp. It knows: Linear layers, ReLU,
// Flatten, one Conv2d as the first layer (stride 1, no padding, dilation or groups; im2col
// and one product), and the plain or dueling head. Anything else (other activations, Dropout, a
// second convolution as in the Nature CNN, ...) is declined with a reason, and callers use
// autograd.
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
  // dL/dtheta of the last kept forward, given dL/dQ [batch, actions]; written (not
  // accumulated) into each parameter's .grad(), which must exist (nets::FlatParameters).
  void backward(QNetworkImpl& net, const float* dq);

  int64_t actions() const { return plan_.actions; }
  const DenseQPlan& plan() const { return plan_; }

 private:
  // The weights (and, for backward, gradient buffers) of one network, per plan layer.
  struct Ptrs {
    const float* weight = nullptr;
    const float* bias = nullptr;
    float* grad_weight = nullptr;
    float* grad_bias = nullptr;
  };
  struct Weights {
    Ptrs conv, value, advantage;
    std::vector<Ptrs> dense;
  };
  // One forward pass's intermediate values.
  struct Pass {
    std::vector<float> cols, conv_out, features;  // conv: im2col rows, its output, flattened (ReLU'd)
    std::vector<std::vector<float>> acts;         // outputs of the torso's dense layers
    std::vector<float> value, advantage;          // dueling head outputs
    const float* input = nullptr;
    int64_t batch = 0;
  };
  // The input of dense layer l (l == dense.size(): of the dueling heads) in pass p.
  const float* layer_input(const Pass& p, size_t l) const;
  void fill_weights(const QNetworkImpl& net, bool with_grads, Weights& w) const;
  void conv_forward(const Ptrs& conv, const float* x, int64_t batch, Pass& p) const;
  // Weight gradients of the convolution from delta = dL/d(its flattened output).
  void conv_backward(const Ptrs& conv, const float* delta);

  DenseQPlan plan_;
  Pass kept_, scratch_;  // kept_ for backward, scratch_ for other passes
  Weights weights_;      // refilled each call (the online and the target network alternate)
  std::vector<float> delta_, delta_prev_, head_value_delta_, head_adv_delta_;
};

}  // namespace tp::nets
