#pragma once
// A hand-written forward and backward pass for DQN's small Q networks: a stack of dense
// layers with ReLU between them (the mlp torso with a linear head: the classic-control
// networks), optionally behind the MinAtar network's 3x3 convolution (im2col and one
// product). The weights are read in place from the module, the matrix products go straight
// to BLAS, and no autograd graph is built. For these small networks LibTorch's per-operator
// overhead is much of the cost of a DQN update (docs/dqn.md); this computes the same numbers
// in a few BLAS calls. Tests check it against autograd. supports() is false when no BLAS
// sgemm is loaded (then callers use autograd).
#include <cstdint>
#include <vector>

#include "nets/q_networks.h"

namespace tp::nets {

class DenseQKernel {
 public:
  // True for networks this kernel computes: the mlp torso with relu, and the MinAtar
  // network; both with a plain linear head (no dueling).
  static bool supports(const QNetworkOptions& options);
  explicit DenseQKernel(const QNetworkOptions& options);

  // Q values of `batch` inputs x [batch, input_shape...] into q [batch, actions], with the
  // weights of `net` (a network with the options given to the constructor, on the CPU).
  // With keep = true the activations (and x, which must stay alive) are kept for
  // backward(); other calls leave them alone.
  void forward(QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep);
  // dL/dtheta of the last kept forward, given dL/dQ [batch, actions]; written (not
  // accumulated) into each parameter's .grad(), in net.parameters() order.
  void backward(QNetworkImpl& net, const float* dq);

  int64_t actions() const { return widths_.back(); }

 private:
  static constexpr int64_t kConvFilters = 16;  // the MinAtar network's 3x3 convolution
  struct Layer {
    const float* weight = nullptr;  // dense: [out, in]; conv: [filters, C, 3, 3]; row-major
    const float* bias = nullptr;
  };
  struct Weights {
    Layer conv;                // MinAtar only
    std::vector<Layer> dense;  // then the dense layers, the head last
  };
  struct Conv {
    int64_t channels = 0, height = 0, width = 0, out_h = 0, out_w = 0;  // channels 0: no conv
  };
  // One forward pass's intermediate values.
  struct Pass {
    std::vector<float> cols, conv_out, features;  // conv: im2col rows, its output, ReLU'd + flattened
    std::vector<std::vector<float>> acts;         // outputs of the hidden dense layers
    const float* dense_input = nullptr;
    int64_t batch = 0;
  };
  // The layers' weights in `params` (net.parameters()), checked against the options.
  Weights weights_of(const std::vector<torch::Tensor>& params) const;
  void conv_forward(const Layer& conv, const float* x, int64_t batch, Pass& p);
  void run_layers(const std::vector<Layer>& layers, const float* x, int64_t batch, Pass& p, float* q);

  Conv conv_;
  std::vector<int64_t> widths_;  // dense stack: inputs (conv features for MinAtar), hidden..., actions
  Pass kept_, scratch_;          // kept_ for backward, scratch_ for other passes
  std::vector<float> delta_, delta_prev_;
};

}  // namespace tp::nets
