#include "nets/actor_critic.h"

#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "core/options.h"
#include "nets/layers.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {

std::string join(const std::vector<int64_t>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

// The torso and its output width.
std::pair<nn::Sequential, int64_t> make_torso(const ActorCriticOptions& o) {
  nn::Sequential torso;
  if (o.torso == "mlp") {
    TP_CHECK_AS(UsageError, !o.hidden.empty(), "the mlp actor-critic needs at least one hidden layer");
    int64_t in = 1;
    for (int64_t d : o.input_shape) in *= d;
    torso->push_back(nn::Flatten());
    for (int64_t width : o.hidden) {
      torso->push_back(nn::Linear(in, width));
      torso->push_back(make_activation(o.activation));
      in = width;
    }
    return {torso, in};
  }
  if (o.torso == "minatar") {
    // The MinAtar network (Young & Tian 2019): 16 3x3 filters, stride 1, then 128 units.
    TP_CHECK_AS(UsageError, o.input_shape.size() == 3 && o.input_shape[1] > 2 && o.input_shape[2] > 2,
                "the minatar actor-critic needs a {C, H, W} input of at least 3x3");
    const int64_t c = o.input_shape[0], h = o.input_shape[1] - 2, w = o.input_shape[2] - 2;
    torso->push_back(nn::Conv2d(nn::Conv2dOptions(c, 16, 3).stride(1)));
    torso->push_back(nn::ReLU());
    torso->push_back(nn::Flatten());
    torso->push_back(nn::Linear(16 * h * w, 128));
    torso->push_back(nn::ReLU());
    return {torso, 128};
  }
  TP_THROW(UsageError, "unknown actor-critic torso '", o.torso, "' (mlp, minatar)");
}

// Orthogonal weights with `gain`, zero biases, for every Linear/Conv2d in `module`.
void orthogonal_init(nn::Module& module, double gain) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    if (auto* lin = m->as<nn::Linear>()) {
      nn::init::orthogonal_(lin->weight, gain);
      nn::init::zeros_(lin->bias);
    } else if (auto* conv = m->as<nn::Conv2d>()) {
      nn::init::orthogonal_(conv->weight, gain);
      nn::init::zeros_(conv->bias);
    }
  }
}

}  // namespace

ActorCriticImpl::ActorCriticImpl(ActorCriticOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  TP_CHECK_AS(UsageError, (o.num_actions > 0) != (o.action_dim > 0),
              "an actor-critic network needs either discrete actions or a continuous action dimension");
  TP_CHECK_AS(UsageError, !o.input_shape.empty(), "an actor-critic network needs an input shape");
  auto [policy_torso, features] = make_torso(o);
  policy_torso_ = register_module("policy_torso", policy_torso);
  if (!o.shared_torso) value_torso_ = register_module("value_torso", make_torso(o).first);
  policy_head_ = register_module("policy_head", nn::Linear(features, o.continuous() ? o.action_dim : o.num_actions));
  value_head_ = register_module("value_head", nn::Linear(features, 1));
  TP_CHECK_AS(UsageError, !o.gsde || o.continuous(), "state-dependent exploration (gsde) needs continuous actions");
  if (o.continuous()) {
    const std::vector<int64_t> shape =
        o.gsde ? std::vector<int64_t>{features, o.action_dim} : std::vector<int64_t>{o.action_dim};
    log_std_ = register_parameter("log_std", torch::full(shape, o.log_std_init));
  }
  if (o.orthogonal_init) {
    orthogonal_init(*policy_torso_, std::sqrt(2.0));
    if (value_torso_) orthogonal_init(*value_torso_, std::sqrt(2.0));
    orthogonal_init(*policy_head_, 0.01);
    orthogonal_init(*value_head_, 1.0);
  }
}

ActorCriticOutput ActorCriticImpl::forward(torch::Tensor obs) {
  const torch::Tensor h = policy_torso_->forward(obs);
  const torch::Tensor hv = value_torso_ ? value_torso_->forward(obs) : h;
  return {policy_head_->forward(h), value_head_->forward(hv).squeeze(1), h};
}

torch::Tensor ActorCriticImpl::value(torch::Tensor obs) {
  const torch::Tensor hv = (value_torso_ ? value_torso_ : policy_torso_)->forward(obs);
  return value_head_->forward(hv).squeeze(1);
}

ActionDistribution ActorCriticImpl::distribution(const ActorCriticOutput& out) const {
  if (!options_.continuous()) return ActionDistribution::categorical(out.policy);
  const torch::Tensor log_std = log_std_.to(out.policy.device());
  if (!options_.gsde) return ActionDistribution::gaussian(out.policy, log_std);
  // Var(z^T E) = z^2 . sigma^2 per action dimension; the epsilon keeps the log finite when
  // every feature is 0.
  const torch::Tensor z = out.features.detach().to(out.policy.device());
  const torch::Tensor variance = z.pow(2).matmul(torch::exp(2 * log_std)) + 1e-6;
  return ActionDistribution::gaussian(out.policy, 0.5 * torch::log(variance));
}

torch::Tensor ActorCriticImpl::sample_exploration(int64_t n, const at::Generator& generator) const {
  TP_CHECK(options_.gsde, "sample_exploration needs a gsde network");
  torch::NoGradGuard no_grad;
  const auto gen = generator.defined() ? c10::optional<at::Generator>(generator) : c10::nullopt;
  const torch::Tensor std = log_std_.exp().cpu();
  return at::normal(0.0, 1.0, {n, std.size(0), std.size(1)}, gen, std.options()) * std;
}

torch::Tensor ActorCriticImpl::explore(const ActorCriticOutput& out, const torch::Tensor& exploration) const {
  TP_CHECK(options_.gsde, "explore needs a gsde network");
  torch::NoGradGuard no_grad;
  const torch::Tensor z = out.features.to(exploration.device()).unsqueeze(1);  // [B, 1, F]
  return out.policy.to(exploration.device()) + torch::bmm(z, exploration).squeeze(1);
}

std::string ActorCriticImpl::signature() const {
  const auto& o = options_;
  std::string s = "ac:" + o.torso + ":" + join(o.input_shape, "x") + ":";
  s += o.torso == "mlp" ? join(o.hidden, "-") + "-" + o.activation : "16c3-128";
  s += o.shared_torso ? ":shared:" : ":separate:";
  s += o.continuous() ? "gaussian" + std::to_string(o.action_dim) : "categorical" + std::to_string(o.num_actions);
  if (o.gsde) s += ":gsde";
  return s;
}

std::string to_spec(const ActorCriticOptions& o) {
  return "torso = " + o.torso + "\nshape = " + join(o.input_shape, ",") +
         "\nnum_actions = " + std::to_string(o.num_actions) + "\naction_dim = " + std::to_string(o.action_dim) +
         "\nhidden = " + join(o.hidden, ",") + "\nactivation = " + o.activation +
         "\nshared_torso = " + (o.shared_torso ? "1" : "0") + "\ngsde = " + (o.gsde ? "1" : "0") + "\n";
}

ActorCriticOptions actor_critic_options_from_spec(const std::string& spec) {
  ActorCriticOptions o;
  auto ints = [&](const std::string& text) {
    std::vector<int64_t> v;
    for (const auto& part : split_list(text, "actor-critic spec")) v.push_back(std::stoll(part));
    return v;
  };
  try {
    for (const IniLine& line : parse_ini(spec, "actor-critic spec")) {
      if (line.key == "torso")
        o.torso = line.value;
      else if (line.key == "shape")
        o.input_shape = ints(line.value);
      else if (line.key == "num_actions")
        o.num_actions = std::stoll(line.value);
      else if (line.key == "action_dim")
        o.action_dim = std::stoll(line.value);
      else if (line.key == "hidden")
        o.hidden = ints(line.value);
      else if (line.key == "activation")
        o.activation = line.value;
      else if (line.key == "shared_torso")
        o.shared_torso = line.value == "1";
      else if (line.key == "gsde")
        o.gsde = line.value == "1";
      else
        TP_THROW(Error, "unknown key '", line.key, "'");
    }
  } catch (const std::exception& e) {
    TP_THROW(Error, "malformed actor-critic spec: ", e.what());
  }
  o.orthogonal_init = false;  // the weights come from the checkpoint
  return o;
}

}  // namespace tp::nets
