#pragma once
// Networks written as TorchScript modules (`torchplay export --out FILE.pt`): every parameter
// and buffer becomes an attribute of a torch::jit::Module and forward() is TorchScript source
// generated from the layers and given to Module::define(), so the file runs under Python's
// torch.jit.load or any LibTorch program without torchplay. The contract of each forward is
// in docs/export.md.
#include <torch/csrc/jit/api/module.h>

#include <string>
#include <utility>

#include "nets/actor_critic.h"
#include "nets/q_networks.h"
#include "nets/residual_tower.h"

namespace tp::nets {

class DCGANGeneratorImpl;
class VAEImpl;

// Builds one module: attributes, then forward's source line by line.
class ScriptWriter {
 public:
  // `type_name`: the module's TorchScript class, e.g. "QNetwork".
  explicit ScriptWriter(const std::string& type_name);

  // `tensor` as an attribute (a copy, on the CPU, in eval form); returns "self.NAME".
  std::string attribute(const std::string& hint, const torch::Tensor& tensor);
  // Code applying `module` to the tensor variable `in`: a Sequential, an MLP or one of the
  // layers torchplay's networks use (Linear, Conv2d, ConvTranspose2d, BatchNorm1d/2d,
  // GroupNorm, InstanceNorm2d, LayerNorm, ChannelLayerNorm, the activations, Flatten,
  // Unflatten, Dropout, Identity).
  // Returns the variable holding the result; a layer of another kind is a tp::Error.
  std::string apply(const torch::nn::Module& module, const std::string& in);
  // One step of a one-layer, one-direction torch::nn::LSTM on the input variable `x` [B, in]
  // from the state variables `h`, `c` [1, B, H] (as the LSTM takes them); returns the new
  // state's variables (h, c), each [B, H]. The gates are LibTorch's: i, f, g, o.
  std::pair<std::string, std::string> lstm_step(const torch::nn::LSTMImpl& lstm, const std::string& x,
                                                const std::string& h, const std::string& c);
  // A new variable holding `expression` (TorchScript); returns its name.
  std::string let(const std::string& expression);
  // The module with `def forward(self, ARGUMENTS):` running the lines so far and returning
  // `result` (e.g. "q" or "(logits, value)"), and `other_methods` (TorchScript source) defined
  // after it.
  torch::jit::Module finish(const std::string& arguments, const std::string& result,
                            const std::string& other_methods = "");

 private:
  torch::jit::Module module_;
  std::string body_;
  int names_ = 0;
};

// A float as a TorchScript literal (always with a '.' or an exponent, exact to the bit).
std::string script_float(double value);

// forward(x: [B, ...input_shape]) -> Q values [B, actions]
torch::jit::Module script_q_network(const QNetworkImpl& net);
// forward(planes: [B, planes, H, W]) -> (policy logits [B, actions], value [B] in [-1, 1])
torch::jit::Module script_residual_tower(const ResidualTowerImpl& net);

// Observation normalization applied before an actor-critic (PPO's running statistics):
// clamp((x - mean) / sqrt(var + 1e-8), -clip, clip).
struct ObservationNormalization {
  torch::Tensor mean, var;  // [obs size], float64 as kept; stored as float32
  double clip = 0;
};
// forward(obs: [B, ...input_shape]) -> (policy [B, actions] logits or [B, action_dim] means,
// value [B]); the observation normalization first when `normalization.mean` is defined.
torch::jit::Module script_actor_critic(const ActorCriticImpl& net, const ObservationNormalization& normalization);

// Pieces of generative models (generative/ composes them with its own pre- and post-processing).
// The DCGAN generator's output for latents `z` (and, conditional, int64 `labels`): tanh range.
std::string script_dcgan_generator(ScriptWriter& w, const DCGANGeneratorImpl& g, const std::string& z,
                                   const std::string& labels);
// The VAE decoder's Bernoulli logits for latents `z`.
std::string script_vae_decode(ScriptWriter& w, const VAEImpl& vae, const std::string& z);

}  // namespace tp::nets
