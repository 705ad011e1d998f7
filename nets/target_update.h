#pragma once
// Target networks (DQN) and EMA copies: a target is a *deep* copy whose parameters and
// buffers are refreshed from the online network, never shared with it.
#include <torch/nn/module.h>

namespace tp::nets {

// target <- online (parameters and buffers), in place; shapes must match.
void hard_update(torch::nn::Module& target, const torch::nn::Module& online);
// target <- tau * online + (1 - tau) * target (Polyak averaging), buffers copied.
void soft_update(torch::nn::Module& target, const torch::nn::Module& online, double tau);

}  // namespace tp::nets
