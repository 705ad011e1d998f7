#include "agents/pqn/pqn_network.h"

#include <torch/torch.h>

#include "core/error.h"
#include "nets/channel_layer_norm.h"
#include "nets/layers.h"
#include "nets/network_spec.h"
#include "nets/target_update.h"
#include "nets/torchscript.h"

namespace tp::agents::pqn {

namespace nn = torch::nn;

PqnNetworkImpl::PqnNetworkImpl(PqnNetworkOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  TP_CHECK_AS(UsageError, o.num_actions > 0, "PQN network needs at least one action");
  TP_CHECK_AS(UsageError, !o.input_shape.empty(), "PQN network needs an input shape");
  torso_ = register_module("torso", nn::Sequential());
  int64_t features = 0;
  if (o.torso == "mlp") {
    TP_CHECK_AS(UsageError, !o.hidden.empty(), "the PQN mlp needs at least one hidden layer");
    int64_t in = 1;
    for (int64_t d : o.input_shape) in *= d;
    torso_->push_back(nn::Flatten());
    for (int64_t width : o.hidden) {
      TP_CHECK_AS(UsageError, width > 0, "hidden widths must be > 0");
      torso_->push_back(nn::Linear(in, width));
      if (o.layer_norm) torso_->push_back(nn::LayerNorm(nn::LayerNormOptions({width})));
      torso_->push_back(nets::make_activation(o.activation));
      in = width;
    }
    features = in;
  } else if (o.torso == "minatar") {
    TP_CHECK_AS(UsageError, o.input_shape.size() == 3, "the minatar PQN network needs a {C, H, W} input");
    const int64_t c = o.input_shape[0], h = o.input_shape[1] - 2, w = o.input_shape[2] - 2;
    TP_CHECK_AS(UsageError, h > 0 && w > 0, "minatar PQN network input too small");
    torso_->push_back(nn::Conv2d(nn::Conv2dOptions(c, 16, 3).stride(1)));
    if (o.layer_norm) torso_->push_back(nets::ChannelLayerNorm(16));
    torso_->push_back(nn::ReLU());
    torso_->push_back(nn::Flatten());
    torso_->push_back(nn::Linear(16 * h * w, 128));
    if (o.layer_norm) torso_->push_back(nn::LayerNorm(nn::LayerNormOptions({128})));
    torso_->push_back(nn::ReLU());
    features = 128;
  } else {
    TP_THROW(UsageError, "unknown PQN network torso '", o.torso, "' (mlp, minatar)");
  }
  head_ = register_module("head", nn::Linear(features, o.num_actions));
}

torch::Tensor PqnNetworkImpl::forward(torch::Tensor x) { return head_->forward(torso_->forward(x)); }

torch::jit::Module script_pqn_network(const PqnNetworkImpl& net) {
  nets::ScriptWriter w("PqnNetwork");
  return w.finish("x", w.apply(*net.head(), w.apply(*net.torso(), "x")));
}

std::string PqnNetworkImpl::signature() const {
  const auto& o = options_;
  std::string s = "pqn:" + o.torso + ":" + nets::join_ints(o.input_shape, "x") + ":";
  s += o.torso == "mlp" ? nets::join_ints(o.hidden, "-") + "-" + o.activation : "16c3-128";
  return s + (o.layer_norm ? ":ln:" : ":plain:") + std::to_string(o.num_actions);
}

std::string to_spec(const PqnNetworkOptions& o) {
  return "torso=" + o.torso + ";shape=" + nets::join_ints(o.input_shape, ",") +
         ";actions=" + std::to_string(o.num_actions) + ";hidden=" + nets::join_ints(o.hidden, ",") +
         ";activation=" + o.activation + ";layer_norm=" + (o.layer_norm ? "1" : "0");
}

PqnNetworkOptions pqn_network_options_from_spec(const std::string& spec) {
  const std::string what = "PQN network spec";
  const auto v =
      nets::parse_network_spec(spec, {"torso", "shape", "actions", "hidden", "activation", "layer_norm"}, what);
  PqnNetworkOptions o;
  o.torso = v.at("torso");
  o.input_shape = nets::parse_ints(v.at("shape"), what, spec);
  o.num_actions = nets::parse_ints(v.at("actions"), what, spec).at(0);
  o.hidden = nets::parse_ints(v.at("hidden"), what, spec);
  o.activation = v.at("activation");
  o.layer_norm = v.at("layer_norm") == "1";
  return o;
}

PqnNetwork clone_pqn_network(const PqnNetwork& net) {
  PqnNetwork copy(net->options());
  copy->to(nets::device_of(*net));
  nets::hard_update(*copy, *net);
  return copy;
}

}  // namespace tp::agents::pqn
