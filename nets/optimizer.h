#pragma once
// Optimizer factory: one options struct names the optimizer and its hyperparameters.
#include <torch/optim/optimizer.h>

#include <memory>
#include <string>
#include <vector>

namespace tp::nets {

struct OptimizerOptions {
  // sgd | momentum | nesterov | adagrad | rmsprop | centered_rmsprop | adam | adamw
  std::string name = "adam";
  double lr = 1e-3;
  double momentum = 0.9;      // momentum / nesterov
  double weight_decay = 0.0;  // L2 (AdamW: decoupled)
  double eps = 1e-8;
  double alpha = 0.99;            // RMSProp smoothing constant (the DQN paper's "squared gradient momentum" 0.95)
  double rmsprop_momentum = 0.0;  // RMSProp momentum (the DQN paper's "gradient momentum" 0.95)
  double beta1 = 0.9, beta2 = 0.999;
};

std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> params,
                                                        const OptimizerOptions& options);
// optimizer.step(), with RMSprop's arithmetic fused into one loop per parameter when every
// parameter is a contiguous float32 CPU tensor whose state exists: LibTorch's step makes
// about ten passes over the parameters, each an operator call and a temporary, and for a
// small network (DQN's MinAtar net: 140k parameters, one step per frame) that was a sixth
// of an update. Same state tensors, same formulas, so checkpoints and results do not depend
// on which path ran. The first step (which creates the state) and every other optimizer run
// LibTorch's step.
void optimizer_step(torch::optim::Optimizer& optimizer);
// Sets the learning rate of every parameter group (schedules).
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);
// The factor on a learning rate held for `constant_epochs`, then falling linearly over
// `decay_epochs` (Zhu et al.'s CycleGAN schedule, as the authors' code): 1 before the decay,
// 1 - k / (decay_epochs + 1) in its k-th epoch (k = 1..decay_epochs), 0 after it; 1 throughout
// when decay_epochs is 0. `epoch` counts from 0.
double linear_decay_factor(int64_t epoch, int64_t constant_epochs, int64_t decay_epochs);
// Moves the optimizer's per-parameter state (moments, momentum buffers) to `device`: a loaded
// checkpoint restores it on the CPU, while the parameters may live on another device.
void optimizer_state_to(torch::optim::Optimizer& optimizer, torch::Device device);

}  // namespace tp::nets
