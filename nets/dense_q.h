#pragma once
// A hand-written forward and backward pass for the Q networks that are a plain stack of
// dense layers with ReLU between them (the mlp torso with a linear head: DQN's classic-
// control networks). The weights are read in place from the module, the matrix products go
// straight to BLAS, and no autograd graph is built. For these small networks LibTorch's
// per-operator overhead is most of the cost of a DQN update (docs/dqn.md); this computes the
// same numbers in a few BLAS calls. Tests check it against autograd. supports() is false
// when no BLAS sgemm is loaded (then callers use autograd).
#include <cstdint>
#include <vector>

#include "nets/q_networks.h"

namespace tp::nets {

class DenseQKernel {
 public:
  // True for networks this kernel computes: mlp torso, relu, no dueling head.
  static bool supports(const QNetworkOptions& options);
  explicit DenseQKernel(const QNetworkOptions& options);

  // Q values of `batch` inputs x [batch, inputs] into q [batch, actions], with the weights
  // of `net` (a network with the options given to the constructor, on the CPU). With
  // keep = true the activations are kept for backward(); other calls leave them alone.
  void forward(QNetworkImpl& net, const float* x, int64_t batch, float* q, bool keep);
  // dL/dtheta of the last kept forward, given dL/dQ [batch, actions]; written (not
  // accumulated) into each parameter's .grad(), in net.parameters() order.
  void backward(QNetworkImpl& net, const float* dq);

  int64_t inputs() const { return widths_.front(); }
  int64_t actions() const { return widths_.back(); }

 private:
  struct Layer {
    const float* weight;  // [out, in], row-major
    const float* bias;    // [out]
  };
  std::vector<Layer> layers_of(QNetworkImpl& net) const;
  void run_layers(const std::vector<Layer>& layers, const float* x, int64_t batch,
                  std::vector<std::vector<float>>& acts, float* q);

  std::vector<int64_t> widths_;  // inputs, hidden..., actions
  // Outputs of every layer but the last: kept_ for backward, scratch_ for other passes.
  std::vector<std::vector<float>> kept_, scratch_;
  const float* kept_input_ = nullptr;
  int64_t kept_batch_ = 0;
  std::vector<float> delta_, delta_prev_;
};

}  // namespace tp::nets
