#include "nets/torchscript.h"

#include <torch/torch.h>

#include <cstdio>
#include <string>

#include "core/error.h"
#include "nets/channel_layer_norm.h"
#include "nets/dcgan.h"
#include "nets/mlp.h"
#include "nets/vae.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {

std::string ints(at::IntArrayRef values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

template <size_t D>
std::string ints(const torch::ExpandingArray<D>& a) {
  return ints(at::IntArrayRef(a->data(), D));
}

// The child `name` of `module` (a registered submodule); a tp::Error when absent.
const nn::Module& child(const nn::Module& module, const std::string& name) {
  const auto children = module.named_children();
  const auto* found = children.find(name);
  TP_CHECK(found != nullptr, "module ", module.name(), " has no submodule '", name, "'");
  return **found;
}

template <class Conv>
std::string conv_padding(const Conv& conv) {
  const auto& padding = conv.options.padding();
  TP_CHECK(c10::holds_alternative<torch::ExpandingArray<2>>(padding),
           "TorchScript export: only numeric convolution padding is supported");
  return ints(c10::get<torch::ExpandingArray<2>>(padding));
}

}  // namespace

std::string script_float(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // "1" would be an int ("n": nan, inf)
  return s;
}

ScriptWriter::ScriptWriter(const std::string& type_name) : module_("__torch__.torchplay." + type_name) {}

std::string ScriptWriter::attribute(const std::string& hint, const torch::Tensor& tensor) {
  std::string name = hint;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  name += "_" + std::to_string(names_++);
  module_.register_parameter(name, tensor.detach().to(torch::kCPU).clone(), /*is_buffer=*/false);
  return "self." + name;
}

std::string ScriptWriter::let(const std::string& expression) {
  const std::string name = "h" + std::to_string(names_++);
  body_ += "    " + name + " = " + expression + "\n";
  return name;
}

std::string ScriptWriter::apply(const nn::Module& m, const std::string& x) {
  auto optional = [&](const std::string& hint, const torch::Tensor& t) {
    return t.defined() ? attribute(hint, t) : std::string("None");
  };
  if (const auto* seq = m.as<nn::Sequential>()) {
    std::string h = x;
    for (const auto& layer : seq->children()) h = apply(*layer, h);
    return h;
  }
  if (const auto* mlp = m.as<MLP>()) return apply(*mlp->layers(), let("torch.flatten(" + x + ", 1)"));
  // Attributes are named in the order of the arguments (a call's arguments are evaluated in
  // no fixed order), so the generated code reads weight_1, bias_2, ...
  if (const auto* l = m.as<nn::Linear>()) {
    const std::string weight = attribute("linear_weight", l->weight);
    return let("torch.linear(" + x + ", " + weight + ", " + optional("linear_bias", l->bias) + ")");
  }
  if (const auto* c = m.as<nn::Conv2d>()) {
    const auto& o = c->options;
    TP_CHECK(c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()) != nullptr,
             "TorchScript export: only zero-padded convolutions are supported");
    const std::string weight = attribute("conv_weight", c->weight);
    return let("torch.conv2d(" + x + ", " + weight + ", " + optional("conv_bias", c->bias) + ", " + ints(o.stride()) +
               ", " + conv_padding(*c) + ", " + ints(o.dilation()) + ", " + std::to_string(o.groups()) + ")");
  }
  if (const auto* c = m.as<nn::ConvTranspose2d>()) {
    const auto& o = c->options;
    const std::string weight = attribute("deconv_weight", c->weight);
    return let("torch.conv_transpose2d(" + x + ", " + weight + ", " + optional("deconv_bias", c->bias) + ", " +
               ints(o.stride()) + ", " + conv_padding(*c) + ", " + ints(o.output_padding()) + ", " +
               std::to_string(o.groups()) + ", " + ints(o.dilation()) + ")");
  }
  auto batch_norm = [&](const auto& bn) {
    const auto& o = bn.options;
    TP_CHECK(o.track_running_stats(), "TorchScript export: batch norm without running statistics");
    const std::string weight = optional("bn_weight", bn.weight), bias = optional("bn_bias", bn.bias);
    const std::string mean = attribute("bn_mean", bn.running_mean), var = attribute("bn_var", bn.running_var);
    return let("torch.batch_norm(" + x + ", " + weight + ", " + bias + ", " + mean + ", " + var + ", False, 0.0, " +
               script_float(o.eps()) + ", False)");
  };
  if (const auto* bn = m.as<nn::BatchNorm2d>()) return batch_norm(*bn);
  if (const auto* bn = m.as<nn::BatchNorm1d>()) return batch_norm(*bn);
  if (const auto* g = m.as<nn::GroupNorm>()) {
    const std::string weight = optional("gn_weight", g->weight);
    return let("torch.group_norm(" + x + ", " + std::to_string(g->options.num_groups()) + ", " + weight + ", " +
               optional("gn_bias", g->bias) + ", " + script_float(g->options.eps()) + ", False)");
  }
  if (const auto* in = m.as<nn::InstanceNorm2d>()) {
    const auto& o = in->options;
    const bool stats = o.track_running_stats();
    const std::string weight = optional("in_weight", in->weight), bias = optional("in_bias", in->bias);
    const std::string mean = stats ? attribute("in_mean", in->running_mean) : "None";
    const std::string var = stats ? attribute("in_var", in->running_var) : "None";
    return let("torch.instance_norm(" + x + ", " + weight + ", " + bias + ", " + mean + ", " + var + ", " +
               (stats ? "False" : "True") + ", 0.0, " + script_float(o.eps()) + ", False)");
  }
  auto layer_norm = [&](const nn::LayerNormImpl& l, const std::string& in) {
    const auto& o = l.options;
    const std::string weight = optional("ln_weight", l.weight);
    return let("torch.layer_norm(" + in + ", " + ints(o.normalized_shape()) + ", " + weight + ", " +
               optional("ln_bias", l.bias) + ", " + script_float(o.eps()) + ")");
  };
  if (const auto* l = m.as<nn::LayerNorm>()) return layer_norm(*l, x);
  if (const auto* c = m.as<ChannelLayerNorm>())
    return let(layer_norm(*c->norm(), let(x + ".permute([0, 2, 3, 1])")) + ".permute([0, 3, 1, 2])");
  if (m.as<nn::ReLU>()) return let("torch.relu(" + x + ")");
  if (m.as<nn::Tanh>()) return let("torch.tanh(" + x + ")");
  if (m.as<nn::Sigmoid>()) return let("torch.sigmoid(" + x + ")");
  if (m.as<nn::SiLU>()) return let("torch.silu(" + x + ")");
  if (const auto* g = m.as<nn::GELU>()) return let("torch.gelu(" + x + ", \"" + g->options.approximate() + "\")");
  if (const auto* l = m.as<nn::LeakyReLU>())
    return let("torch.leaky_relu(" + x + ", " + script_float(l->options.negative_slope()) + ")");
  if (const auto* e = m.as<nn::ELU>())
    return let("torch.elu(" + x + ", " + script_float(e->options.alpha()) + ", 1.0, 1.0)");
  if (const auto* f = m.as<nn::Flatten>())
    return let("torch.flatten(" + x + ", " + std::to_string(f->options.start_dim()) + ", " +
               std::to_string(f->options.end_dim()) + ")");
  if (const auto* u = m.as<nn::Unflatten>()) {
    TP_CHECK(u->options.dim() == 1, "TorchScript export: Unflatten of dimension 1 only");
    std::string shape = "[" + x + ".size(0)";
    for (int64_t s : u->options.sizes()) shape += ", " + std::to_string(s);
    return let(x + ".reshape(" + shape + "])");
  }
  if (m.as<nn::Dropout>() || m.as<nn::Identity>()) return x;  // inference: identity
  TP_THROW(Error, "TorchScript export: no translation for a layer of type ", m.name());
}

std::pair<std::string, std::string> ScriptWriter::lstm_step(const nn::LSTMImpl& lstm, const std::string& x,
                                                            const std::string& h, const std::string& c) {
  const auto& o = lstm.options;
  TP_CHECK(o.num_layers() == 1 && !o.bidirectional() && o.proj_size() == 0 && !o.batch_first(),
           "TorchScript export: only a one-layer, one-direction LSTM without projection");
  const auto params = lstm.named_parameters(/*recurse=*/false);
  const int64_t n = o.hidden_size();
  std::string gates = "torch.matmul(" + x + ", " + attribute("weight_ih", params["weight_ih_l0"]) + ".t())";
  if (o.bias()) gates += " + " + attribute("bias_ih", params["bias_ih_l0"]);
  gates += " + torch.matmul(" + h + "[0], " + attribute("weight_hh", params["weight_hh_l0"]) + ".t())";
  if (o.bias()) gates += " + " + attribute("bias_hh", params["bias_hh_l0"]);
  const std::string g = let(gates);
  auto gate = [&](int k, const char* fn) {
    return let(std::string(fn) + "(" + g + ".narrow(1, " + std::to_string(k * n) + ", " + std::to_string(n) + "))");
  };
  const std::string in = gate(0, "torch.sigmoid"), forget = gate(1, "torch.sigmoid"), cell = gate(2, "torch.tanh"),
                    out = gate(3, "torch.sigmoid");
  const std::string c1 = let(forget + " * " + c + "[0] + " + in + " * " + cell);
  return {let(out + " * torch.tanh(" + c1 + ")"), c1};
}

torch::jit::Module ScriptWriter::finish(const std::string& arguments, const std::string& result,
                                        const std::string& other_methods) {
  const std::string source =
      "def forward(self, " + arguments + "):\n" + body_ + "    return " + result + "\n" + other_methods;
  module_.define(source);
  module_.eval();
  return module_;
}

torch::jit::Module script_q_network(const QNetworkImpl& net) {
  ScriptWriter w("QNetwork");
  const std::string h = w.apply(*net.torso(), "x");
  if (!net.options().dueling) return w.finish("x", w.apply(*net.q_head(), h));
  // Wang et al. 2016, eq. (9), as QNetworkImpl::forward computes it.
  const std::string a = w.apply(*net.advantage_head(), h);
  const std::string v = w.apply(*net.value_head(), h);
  return w.finish("x", w.let(v + " + " + a + " - " + a + ".mean(1, keepdim=True)"));
}

torch::jit::Module script_residual_tower(const ResidualTowerImpl& net) {
  ScriptWriter w("ResidualTower");
  auto conv_bn_relu = [&](const std::string& conv, const std::string& bn, const std::string& x) {
    return w.let("torch.relu(" + w.apply(child(net, bn), w.apply(child(net, conv), x)) + ")");
  };
  std::string h = conv_bn_relu("input_conv", "input_bn", "x");
  for (const auto& block : child(net, "blocks").children()) {
    // ResidualBlockImpl::forward: relu(bn2(conv2(relu(bn1(conv1(x))))) + x); a
    // GlobalPoolingBlockImpl adds a bias from the pooled channel group inside the first relu.
    std::string first = w.apply(child(*block, "bn1"), w.apply(child(*block, "conv1"), h));
    if (block->named_children().contains("pool_conv")) {
      const std::string g =
          w.let("torch.relu(" + w.apply(child(*block, "pool_bn"), w.apply(child(*block, "pool_conv"), h)) + ")");
      const std::string pooled = w.let("torch.cat([" + g + ".mean([2, 3]), " + g + ".amax([2, 3])], 1)");
      first = first + " + " + w.apply(child(*block, "pool_fc"), pooled) + ".unsqueeze(2).unsqueeze(3)";
    }
    const std::string y = w.let("torch.relu(" + first + ")");
    const std::string z = w.apply(child(*block, "bn2"), w.apply(child(*block, "conv2"), y));
    h = w.let("torch.relu(" + z + " + " + h + ")");
  }
  const std::string p = w.let("torch.flatten(" + conv_bn_relu("policy_conv", "policy_bn", h) + ", 1)");
  const std::string logits = w.apply(child(net, "policy_fc"), p);
  const std::string v = w.let("torch.flatten(" + conv_bn_relu("value_conv", "value_bn", h) + ", 1)");
  const std::string hidden = w.let("torch.relu(" + w.apply(child(net, "value_fc1"), v) + ")");
  const std::string value = w.let("torch.tanh(" + w.apply(child(net, "value_fc2"), hidden) + ").squeeze(1)");
  return w.finish("x", "(" + logits + ", " + value + ")");
}

torch::jit::Module script_actor_critic(const ActorCriticImpl& net, const ObservationNormalization& norm) {
  ScriptWriter w("ActorCritic");
  std::string x = "obs";
  if (norm.mean.defined()) {
    // RunningMeanStd::normalize, in float32 here as the network sees it.
    const std::string mean = w.attribute("obs_mean", norm.mean.to(torch::kFloat32));
    const std::string scale = w.attribute("obs_inv_std", (1.0 / torch::sqrt(norm.var + 1e-8)).to(torch::kFloat32));
    const std::string clip = script_float(norm.clip);
    const std::string flat = w.let("obs.reshape([obs.size(0), -1])");
    x = w.let("torch.clamp((" + flat + " - " + mean + ") * " + scale + ", -" + clip + ", " + clip +
              ").reshape(obs.size())");
  }
  const std::string h = w.apply(child(net, "policy_torso"), x);
  const auto children = net.named_children();
  const std::string hv = children.contains("value_torso") ? w.apply(child(net, "value_torso"), x) : h;
  const std::string policy = w.apply(child(net, "policy_head"), h);
  const std::string value = w.let(w.apply(child(net, "value_head"), hv) + ".squeeze(1)");
  if (net.log_std().defined()) w.attribute("log_std", net.log_std());  // for users who sample
  return w.finish("obs", "(" + policy + ", " + value + ")");
}

std::string script_dcgan_generator(ScriptWriter& w, const DCGANGeneratorImpl& g, const std::string& z,
                                   const std::string& labels) {
  std::string in = z;
  const int64_t k = g.options().num_classes();
  if (k > 0)
    in = w.let("torch.cat([" + z + ", torch.one_hot(" + labels + ", " + std::to_string(k) + ").to(" + z +
               ".dtype)], 1)");
  const std::string planes = w.let(in + ".reshape([" + in + ".size(0), " + in + ".size(1), 1, 1])");
  return w.apply(child(g, "net"), planes);
}

std::string script_vae_decode(ScriptWriter& w, const VAEImpl& vae, const std::string& z) {
  return w.apply(child(vae, "decoder"), z);
}

}  // namespace tp::nets
