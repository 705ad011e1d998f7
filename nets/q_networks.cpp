#include "nets/q_networks.h"

#include <torch/torch.h>

#include "core/error.h"
#include "nets/layers.h"
#include "nets/mlp.h"
#include "nets/network_spec.h"
#include "nets/target_update.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {
int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t x : v) p *= x;
  return p;
}
std::string shape_string(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "x" : "") + std::to_string(v[i]);
  return s;
}
}  // namespace

QNetworkImpl::QNetworkImpl(QNetworkOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  TP_CHECK_AS(UsageError, o.num_actions > 0, "Q network needs at least one action");
  TP_CHECK_AS(UsageError, !o.input_shape.empty(), "Q network needs an input shape");
  torso_ = register_module("torso", nn::Sequential());
  int64_t features = 0;
  if (o.torso == "mlp") {
    TP_CHECK_AS(UsageError, !o.hidden.empty(), "the mlp Q network needs at least one hidden layer");
    // The MLP's last Linear produces the features; the activation after it makes them a
    // hidden layer of the Q network (the head is the output layer).
    std::vector<int64_t> inner(o.hidden.begin(), o.hidden.end() - 1);
    torso_->push_back(MLP(MLPOptions(product(o.input_shape), inner, o.hidden.back()).activation(o.activation)));
    torso_->push_back(make_activation(o.activation));
    features = o.hidden.back();
  } else if (o.torso == "minatar") {
    // Young & Tian 2019 (MinAtar examples/dqn.py): one 3x3 conv with 16 filters, stride 1,
    // then 128 rectified units.
    TP_CHECK_AS(UsageError, o.input_shape.size() == 3, "the minatar Q network needs a {C, H, W} input, got ",
                shape_string(o.input_shape));
    const int64_t c = o.input_shape[0], h = o.input_shape[1] - 2, w = o.input_shape[2] - 2;
    TP_CHECK_AS(UsageError, h > 0 && w > 0, "minatar Q network input too small: ", shape_string(o.input_shape));
    torso_->push_back(nn::Conv2d(nn::Conv2dOptions(c, 16, 3).stride(1)));
    torso_->push_back(nn::ReLU());
    torso_->push_back(nn::Flatten());
    torso_->push_back(nn::Linear(16 * h * w, 128));
    torso_->push_back(nn::ReLU());
    features = 128;
  } else if (o.torso == "nature") {
    // Mnih et al. 2015, Methods "Model architecture": 32 8x8/4, 64 4x4/2, 64 3x3/1, 512 units.
    TP_CHECK_AS(UsageError, o.input_shape.size() == 3, "the nature Q network needs a {C, H, W} input, got ",
                shape_string(o.input_shape));
    auto out = [](int64_t size, int64_t k, int64_t s) { return (size - k) / s + 1; };
    const int64_t h = out(out(out(o.input_shape[1], 8, 4), 4, 2), 3, 1);
    const int64_t w = out(out(out(o.input_shape[2], 8, 4), 4, 2), 3, 1);
    TP_CHECK_AS(UsageError, h > 0 && w > 0, "nature Q network input too small: ", shape_string(o.input_shape));
    torso_->push_back(nn::Conv2d(nn::Conv2dOptions(o.input_shape[0], 32, 8).stride(4)));
    torso_->push_back(nn::ReLU());
    torso_->push_back(nn::Conv2d(nn::Conv2dOptions(32, 64, 4).stride(2)));
    torso_->push_back(nn::ReLU());
    torso_->push_back(nn::Conv2d(nn::Conv2dOptions(64, 64, 3).stride(1)));
    torso_->push_back(nn::ReLU());
    torso_->push_back(nn::Flatten());
    torso_->push_back(nn::Linear(64 * h * w, 512));
    torso_->push_back(nn::ReLU());
    features = 512;
  } else {
    TP_THROW(UsageError, "unknown Q network torso '", o.torso, "' (mlp, minatar, nature)");
  }
  if (o.dueling) {
    value_head_ = register_module("value_head", nn::Linear(features, 1));
    advantage_head_ = register_module("advantage_head", nn::Linear(features, o.num_actions));
  } else {
    q_head_ = register_module("q_head", nn::Linear(features, o.num_actions));
  }
}

torch::Tensor QNetworkImpl::forward(torch::Tensor x) {
  const torch::Tensor h = torso_->forward(x);
  if (!options_.dueling) return q_head_->forward(h);
  // Wang et al. 2016, eq. (9): the mean-subtracted advantage keeps V and A identifiable.
  const torch::Tensor a = advantage_head_->forward(h);
  return value_head_->forward(h) + a - a.mean(1, /*keepdim=*/true);
}

std::string QNetworkImpl::signature() const {
  const auto& o = options_;
  std::string s = "q:" + o.torso + ":" + shape_string(o.input_shape) + ":";
  if (o.torso == "mlp") {
    std::string h;
    for (size_t i = 0; i < o.hidden.size(); ++i) h += (i ? "-" : "") + std::to_string(o.hidden[i]);
    s += h + "-" + o.activation;
  } else if (o.torso == "minatar") {
    s += "16c3-128";
  } else {
    s += "32c8s4-64c4s2-64c3-512";
  }
  s += std::string(o.dueling ? ":dueling:" : ":linear:") + std::to_string(o.num_actions);
  return s;
}

std::string to_spec(const QNetworkOptions& o) {
  return "torso=" + o.torso + ";shape=" + join_ints(o.input_shape) + ";actions=" + std::to_string(o.num_actions) +
         ";hidden=" + join_ints(o.hidden) + ";activation=" + o.activation + ";dueling=" + (o.dueling ? "1" : "0");
}

QNetworkOptions q_network_options_from_spec(const std::string& spec) {
  const std::string what = "Q network spec";
  const auto v = parse_network_spec(spec, {"torso", "shape", "actions", "hidden", "activation", "dueling"}, what);
  QNetworkOptions o;
  o.torso = v.at("torso");
  o.input_shape = parse_ints(v.at("shape"), what, spec);
  o.num_actions = parse_ints(v.at("actions"), what, spec).at(0);
  o.hidden = parse_ints(v.at("hidden"), what, spec);
  o.activation = v.at("activation");
  o.dueling = v.at("dueling") == "1";
  return o;
}

QNetwork clone_q_network(const QNetwork& net) {
  QNetwork copy(net->options());
  hard_update(*copy, *net);
  return copy;
}

}  // namespace tp::nets
