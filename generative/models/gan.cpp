#include "generative/models/gan.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "core/checkpoint.h"
#include "core/error.h"
#include "generative/data/kmeans.h"
#include "generative/eval/mode_coverage.h"
#include "nets/data_parallel.h"
#include "nets/dcgan.h"
#include "nets/mlp.h"
#include "nets/optimizer.h"
#include "nets/target_update.h"
#include "nets/torchscript.h"

namespace tp::gen {

namespace F = torch::nn::functional;

struct GanModel::Nets {
  // Exactly one pair is set: MLP networks or DCGAN networks.
  nets::MLP g_mlp{nullptr}, d_mlp{nullptr}, g_ema_mlp{nullptr};
  nets::DCGANGenerator g_dc{nullptr}, g_ema_dc{nullptr};
  nets::DCGANDiscriminator d_dc{nullptr};
  std::unique_ptr<torch::optim::Optimizer> opt_g, opt_d;
  nets::OptimizerOptions opt_g_options, opt_d_options;
  // Part p's G and D (nets/data_parallel.h); [0] are G and D themselves.
  std::function<std::shared_ptr<torch::nn::Module>()> make_g, make_d;
  std::vector<std::shared_ptr<torch::nn::Module>> g_copies, d_copies;
  std::unique_ptr<nets::DataParallel> parallel;
  torch::nn::Module& g() { return g_mlp ? static_cast<torch::nn::Module&>(*g_mlp) : *g_dc; }
  torch::nn::Module& d() { return d_mlp ? static_cast<torch::nn::Module&>(*d_mlp) : *d_dc; }
  torch::nn::Module& g_ema() { return g_ema_mlp ? static_cast<torch::nn::Module&>(*g_ema_mlp) : *g_ema_dc; }
  bool has_ema() const { return g_ema_mlp || g_ema_dc; }
};

GanModel::GanModel(std::string algorithm, GanOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)),
      algorithm_(std::move(algorithm)),
      options_(std::move(o)),
      nets_(std::make_unique<Nets>()) {
  const auto& s = shape_;
  TP_CHECK_AS(UsageError, options_.loss == "ns" || options_.loss == "wgan-gp", "unknown GAN loss '", options_.loss,
              "' (ns, wgan-gp)");
  TP_CHECK_AS(UsageError, options_.z_dim > 0 && options_.d_steps > 0, "--z-dim and --d-steps must be > 0");
  TP_CHECK_AS(UsageError, options_.label_smoothing >= 0 && options_.label_smoothing < 0.5,
              "--label-smoothing must be in [0, 0.5)");
  TP_CHECK_AS(UsageError, options_.g_ema >= 0 && options_.g_ema < 1, "--g-ema must be in [0, 1)");
  TP_CHECK_AS(UsageError, options_.pack >= 1, "--pack must be >= 1");
  TP_CHECK_AS(UsageError, options_.pack == 1 || options_.loss == "ns", "--pack needs the ns loss");
  TP_CHECK_AS(UsageError, options_.clusters >= 0, "--clusters must be >= 0");
  TP_CHECK_AS(UsageError, options_.lr_decay_epochs >= 0, "--lr-decay-epochs must be >= 0");
  TP_CHECK_AS(UsageError, options_.clusters == 0 || !options_.conditional,
              "--clusters (self-conditioning) and --conditional exclude each other");
  TP_CHECK_AS(UsageError, options_.clusters == 0 || options_.loss == "ns", "--clusters needs the ns loss");
  TP_CHECK_AS(UsageError, !options_.conditional || s.num_classes > 0, "a conditional GAN needs a labelled dataset (",
              s.synthetic.empty() ? "images" : s.synthetic, " has no labels)");
  const int64_t k = net_classes();
  if (options_.arch == "mlp") {
    const auto go = nets::MLPOptions(options_.z_dim + k, parse_sizes(options_.g_hidden, "--g-hidden"), s.flat_size())
                        .activation(options_.g_activation);
    const auto dmo =
        nets::MLPOptions((s.flat_size() + k) * options_.pack, parse_sizes(options_.d_hidden, "--d-hidden"), 1)
            .activation(options_.d_activation);
    nets_->g_mlp = nets::MLP(go);
    if (options_.g_ema > 0) nets_->g_ema_mlp = nets::MLP(go);
    nets_->d_mlp = nets::MLP(dmo);
    nets_->make_g = [go] { return nets::MLP(go).ptr(); };
    nets_->make_d = [dmo] { return nets::MLP(dmo).ptr(); };
  } else if (options_.arch == "dcgan") {
    TP_CHECK_AS(UsageError, s.is_image() && s.height == s.width,
                "DCGAN networks need square images; use --arch mlp for 2-D data");
    // The critic of WGAN-GP must not normalize across the batch (the penalty is per sample).
    auto dco = nets::DCGANOptions()
                   .z_dim(options_.z_dim)
                   .channels(s.channels)
                   .image_size(s.height)
                   .ngf(options_.ngf)
                   .ndf(options_.ndf)
                   .num_classes(k)
                   .d_norm(options_.loss == "wgan-gp" ? "layer" : "batch")
                   .minibatch_std(options_.minibatch_std)
                   .pack(options_.pack);
    nets_->g_dc = nets::DCGANGenerator(dco);
    if (options_.g_ema > 0) nets_->g_ema_dc = nets::DCGANGenerator(dco);
    nets_->d_dc = nets::DCGANDiscriminator(dco);
    nets_->make_g = [dco] { return nets::DCGANGenerator(dco).ptr(); };
    nets_->make_d = [dco] { return nets::DCGANDiscriminator(dco).ptr(); };
  } else {
    TP_THROW(UsageError, "unknown GAN architecture '", options_.arch, "' (mlp, dcgan)");
  }
  if (nets_->has_ema()) {
    nets::hard_update(nets_->g_ema(), nets_->g());  // the average starts at G's initial weights
    nets_->g_ema().eval();
  }
  nets::OptimizerOptions og;
  og.name = "adam";
  og.beta1 = options_.beta1;
  og.beta2 = options_.beta2;
  og.lr = options_.lr_g;
  nets_->opt_g_options = og;
  nets_->opt_g = nets::make_optimizer(nets_->g().parameters(), og);
  og.lr = options_.lr_d;
  nets_->opt_d_options = og;
  nets_->opt_d = nets::make_optimizer(nets_->d().parameters(), og);
  make_parts(1);
}

int GanModel::make_parts(int parts) {
  // A 2-D GAN's step (~1.5 ms) is too small to split: two parts ran at 0.7x one
  // (bench_generative BM_Gan2d).
  if (!shape_.is_image()) parts = 1;
  auto g = nets_->g_mlp ? std::static_pointer_cast<torch::nn::Module>(nets_->g_mlp.ptr())
                        : std::static_pointer_cast<torch::nn::Module>(nets_->g_dc.ptr());
  auto d = nets_->d_mlp ? std::static_pointer_cast<torch::nn::Module>(nets_->d_mlp.ptr())
                        : std::static_pointer_cast<torch::nn::Module>(nets_->d_dc.ptr());
  nets_->g_copies = {g};
  nets_->d_copies = {d};
  // The copies' own initial weights are dropped: they share G's and D's (nets/data_parallel.h).
  for (int p = 1; p < parts; ++p) {
    nets_->g_copies.push_back(nets_->make_g());
    nets_->d_copies.push_back(nets_->make_d());
  }
  nets_->parallel = std::make_unique<nets::DataParallel>(parts);
  nets_->parallel->add_network(nets_->g_copies);
  nets_->parallel->add_network(nets_->d_copies);
  return parts;
}

void GanModel::join_group(ProcessGroup& group) { nets_->parallel->join(group); }

void GanModel::prepare(const Dataset& train) {
  if (options_.clusters == 0) return;
  // A fixed seed: every rank of a distributed run, and every run on the same data, finds the
  // same clusters. The best of 4 k-means++ starts (one alone split a bar of the tests' bar
  // images and merged two others).
  const KMeansResult km = kmeans(train.x.flatten(1), options_.clusters, 0x6b6d65616e73, /*restarts=*/4);
  centroids_ = on_device(km.centroids);
  cluster_cdf_ =
      on_device((km.sizes.to(torch::kFloat64) / static_cast<double>(train.size())).cumsum(0).to(torch::kFloat32));
}

torch::Tensor GanModel::cluster_of_data(const torch::Tensor& x) const {
  TP_CHECK(centroids_.defined(), "the self-conditioned GAN has no clusters yet (prepare() was not called)");
  return nearest_centroid(x.flatten(1), centroids_);
}

torch::Tensor GanModel::cluster_of_latent(const torch::Tensor& z) const {
  TP_CHECK(cluster_cdf_.defined(), "the self-conditioned GAN has no clusters yet (prepare() was not called)");
  const auto u = 0.5 * (1.0 + torch::erf(z.select(1, 0) * M_SQRT1_2));
  return torch::searchsorted(cluster_cdf_, u.contiguous(), /*out_int32=*/false, /*right=*/true)
      .clamp_max(options_.clusters - 1);
}

GanModel::~GanModel() = default;

void GanModel::move_to(torch::Device device) {
  nets_->g().to(device);
  nets_->d().to(device);
  if (nets_->has_ema()) nets_->g_ema().to(device);
  nets::optimizer_state_to(*nets_->opt_g, device);
  nets::optimizer_state_to(*nets_->opt_d, device);
  if (centroids_.defined()) centroids_ = centroids_.to(device);
  if (cluster_cdf_.defined()) cluster_cdf_ = cluster_cdf_.to(device);
}

std::string GanModel::architecture() const {
  const auto sig = nets_->g_mlp ? nets_->g_mlp->signature() + "|" + nets_->d_mlp->signature()
                                : nets_->g_dc->signature() + "|" + nets_->d_dc->signature();
  return algorithm_ + ":" + sig + ":k" + std::to_string(num_classes()) +
         (options_.clusters > 0 ? ":s" + std::to_string(options_.clusters) : "");
}

namespace {
torch::Tensor with_labels(const torch::Tensor& flat, const torch::Tensor& labels, int64_t k) {
  if (k == 0) return flat;
  return torch::cat({flat, torch::one_hot(labels, k).to(flat.dtype())}, 1);
}
}  // namespace

torch::Tensor GanModel::g_forward(const torch::Tensor& z, const torch::Tensor& labels, bool averaged, int part) {
  const auto& copy = nets_->g_copies[static_cast<size_t>(part)];
  if (nets_->g_dc) {
    if (averaged) return nets_->g_ema_dc->forward(z, labels);
    return std::static_pointer_cast<nets::DCGANGeneratorImpl>(copy)->forward(z, labels);
  }
  auto in = with_labels(z, labels, net_classes());
  auto out = averaged ? nets_->g_ema_mlp->forward(in) : std::static_pointer_cast<nets::MLPImpl>(copy)->forward(in);
  if (!shape_.is_image()) return out;
  return torch::tanh(out).view({z.size(0), shape_.channels, shape_.height, shape_.width});
}

torch::Tensor GanModel::d_forward(const torch::Tensor& x, const torch::Tensor& labels, int part) {
  const auto& copy = nets_->d_copies[static_cast<size_t>(part)];
  if (nets_->d_dc) return std::static_pointer_cast<nets::DCGANDiscriminatorImpl>(copy)->forward(x, labels);
  const auto in = with_labels(x.flatten(1), labels, net_classes());
  TP_CHECK(in.size(0) % options_.pack == 0, "a batch of ", in.size(0), " does not split into packs of ", options_.pack);
  return std::static_pointer_cast<nets::MLPImpl>(copy)->forward(in.view({in.size(0) / options_.pack, -1})).view({-1});
}

torch::Tensor GanModel::gradient_penalty(const torch::Tensor& real, const torch::Tensor& fake,
                                         const torch::Tensor& labels, int part,
                                         const c10::optional<at::Generator>& generator) {
  auto alpha_shape = std::vector<int64_t>(real.dim(), 1);
  alpha_shape[0] = real.size(0);
  auto alpha = torch::rand(alpha_shape, generator, real.options());
  auto mixed = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(true);
  auto out = d_forward(mixed, labels, part);
  auto grad = torch::autograd::grad({out.sum()}, {mixed}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  return (grad.flatten(1).norm(2, 1) - 1).pow(2).mean();
}

double GanModel::learning_rate_factor(int64_t epoch) const {
  const int64_t decay = std::min(options_.lr_decay_epochs, run_epochs_);
  return nets::linear_decay_factor(epoch, run_epochs_ - decay, decay);
}

std::vector<double> GanModel::train_step(int64_t epoch, const torch::Tensor& batch_x_in,
                                         const torch::Tensor& batch_y_in) {
  const auto batch_x = on_device(batch_x_in), batch_y = on_device(batch_y_in);
  if (options_.lr_decay_epochs > 0) {
    // The parts' optimizers take the rate from these at their step (nets::DataParallel::step).
    const double f = learning_rate_factor(epoch);
    nets::set_learning_rate(*nets_->opt_g, options_.lr_g * f);
    nets::set_learning_rate(*nets_->opt_d, options_.lr_d * f);
  }
  const auto on_model = torch::TensorOptions().device(device_);
  nets_->g().train();
  nets_->d().train();
  // Packing: whole packs only (the last batch of an epoch may be short).
  const int64_t n = batch_x.size(0) - batch_x.size(0) % options_.pack, k = num_classes();
  const bool self_conditioned = options_.clusters > 0;
  TP_CHECK_AS(UsageError, n > 0, "a batch of ", batch_x.size(0), " is smaller than --pack ", options_.pack);
  const auto x = batch_x.narrow(0, 0, n);
  const auto real = shape_.is_image() ? x * 2.0 - 1.0 : x;
  const auto labels = self_conditioned             ? cluster_of_data(x)
                      : k > 0 && batch_y.defined() ? batch_y.narrow(0, 0, n)
                                                   : torch::Tensor();
  TP_CHECK(k == 0 || labels.defined(), "a conditional GAN needs labelled batches");

  // Discriminator / critic step, then (every d_steps) the generator step: each a
  // data-parallel step over the batch's shards (one shard, one thread, unless split_batches).
  const bool ns = options_.loss == "ns";
  auto rows = [](const torch::Tensor& t, const nets::Shard& s) {
    return t.defined() ? t.narrow(0, s.begin, s.size) : torch::Tensor();
  };
  // Each shard returns its weighted share of the batch means: loss_d, d_real, d_fake.
  const auto d_values = nets_->parallel->run(
      n,
      [&](int part, const nets::Shard& s) {
        const auto r = real.narrow(0, s.begin, s.size), lab = rows(labels, s);
        // A cGAN's fakes take the real rows' classes; a self-conditioned G's, its latents' clusters.
        const auto z = torch::randn({s.size, options_.z_dim}, s.generator, on_model);
        const auto fake_lab = self_conditioned ? cluster_of_latent(z) : lab;
        torch::Tensor fake;
        {
          torch::NoGradGuard no_grad;
          fake = g_forward(z, fake_lab, false, part);
        }
        auto d_real = d_forward(r, lab, part);
        auto d_fake = d_forward(fake, fake_lab, part);
        torch::Tensor loss_d;
        if (ns) {
          loss_d =
              F::binary_cross_entropy_with_logits(d_real, torch::full_like(d_real, 1.0 - options_.label_smoothing)) +
              F::binary_cross_entropy_with_logits(d_fake, torch::zeros_like(d_fake));
        } else {
          loss_d =
              d_fake.mean() - d_real.mean() + options_.gp_weight * gradient_penalty(r, fake, lab, part, s.generator);
        }
        (loss_d * s.weight).backward();
        // d_real / d_fake: mean D(x) and D(G(z)) as probabilities (ns) or critic values (wgan-gp).
        return std::vector<double>{loss_d.item<double>() * s.weight,
                                   (ns ? torch::sigmoid(d_real) : d_real).mean().item<double>() * s.weight,
                                   (ns ? torch::sigmoid(d_fake) : d_fake).mean().item<double>() * s.weight};
      },
      options_.pack);
  nets_->parallel->step(*nets_->opt_d, nets_->opt_d_options);
  ++d_updates_;

  double loss_g_value = std::numeric_limits<double>::quiet_NaN();
  if (d_updates_ % options_.d_steps == 0) {
    loss_g_value = nets_->parallel->run(
        n,
        [&](int part, const nets::Shard& s) {
          const auto z = torch::randn({s.size, options_.z_dim}, s.generator, on_model);
          const auto lab = self_conditioned ? cluster_of_latent(z) : rows(labels, s);
          auto gen = g_forward(z, lab, false, part);
          auto out = d_forward(gen, lab, part);
          auto loss_g = ns ? F::softplus(-out).mean() : -out.mean();
          (loss_g * s.weight).backward();
          return std::vector<double>{loss_g.item<double>() * s.weight};
        },
        options_.pack)[0];
    nets_->parallel->step(*nets_->opt_g, nets_->opt_g_options);
    if (nets_->has_ema()) {
      nets::soft_update(nets_->g_ema(), nets_->g(), 1.0 - options_.g_ema);
      average_statistics_stale_ = true;
    }
  }
  return {d_values[0], loss_g_value, d_values[1], d_values[2]};
}

void GanModel::refresh_average_statistics() const {
  // soft_update averages the weights but copies G's BatchNorm running statistics, which
  // describe G's current weights, not their average: sampled with them, the averaged DCGAN
  // generator scored a classifier FID of 445.6 where G itself scored 311.0 (docs/generative.md).
  // So, as Brock et al. 2019's "standing statistics", the averaged G's statistics are the
  // plain mean over a fixed stream of latent batches run through it in training mode.
  // Only the DCGAN generator has BatchNorm (the MLP has none).
  if (!nets_->g_ema_dc || !average_statistics_stale_) return;
  auto& g = *nets_->g_ema_dc;
  std::vector<torch::nn::BatchNorm2dImpl*> norms;
  std::vector<c10::optional<double>> momenta;
  for (const auto& m : g.modules(/*include_self=*/false))
    if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
      norms.push_back(bn);
      momenta.push_back(bn->options.momentum());
      bn->reset_running_stats();
      bn->options.momentum(c10::nullopt);  // cumulative average over the batches below
    }
  constexpr int kBatches = 16;
  constexpr int64_t kBatchSize = 128;
  {
    torch::NoGradGuard no_grad;
    g.train();
    auto gen = at::detail::createCPUGenerator(0x57a7);
    const int64_t k = num_classes();
    for (int b = 0; b < kBatches; ++b) {
      const auto z = torch::randn({kBatchSize, options_.z_dim}, gen, torch::kFloat32);
      const auto labels = options_.clusters > 0 ? cluster_of_latent(on_device(z))
                          : k > 0               ? on_device(torch::arange(kBatchSize, torch::kInt64).remainder(k))
                                                : torch::Tensor();
      g.forward(on_device(z), labels);
    }
    g.eval();
  }
  for (size_t i = 0; i < norms.size(); ++i) norms[i]->options.momentum(momenta[i]);
  average_statistics_stale_ = false;
}

std::vector<std::string> GanModel::eval_names() const {
  if (shape_.is_image()) return {};
  return {"modes", "high_quality"};
}

std::vector<double> GanModel::evaluate(const Dataset&) {
  if (shape_.is_image()) return {};
  // 2-D: modes covered and high-quality share over 2500 samples from a fixed stream (PacGAN's protocol).
  auto gen = at::detail::createCPUGenerator(0x5eed);
  const auto z = torch::randn({kModeEvalSamples, options_.z_dim}, gen, torch::kFloat32);
  const ModeStats m = mode_coverage(generate(z, {}), shape_.synthetic);
  return {static_cast<double>(m.covered), m.high_quality_share};
}

torch::Tensor GanModel::generate(const torch::Tensor& z, const torch::Tensor& labels) {
  TP_CHECK(z.dim() == 2 && z.size(1) == options_.z_dim, "latents must be (N, ", options_.z_dim, ")");
  torch::NoGradGuard no_grad;
  nets_->g().eval();
  torch::Tensor lab = labels;
  if (num_classes() > 0) {
    TP_CHECK(labels.defined() && labels.numel() == z.size(0), "a conditional GAN needs one label per latent");
    TP_CHECK_AS(UsageError, labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() < num_classes(),
                "class labels must be in 0..", num_classes() - 1);
  }
  const bool averaged = samples_average();
  if (averaged) refresh_average_statistics();
  if (options_.clusters > 0) lab = cluster_of_latent(on_device(z));
  auto out = g_forward(on_device(z), on_device(lab), averaged).to(torch::kCPU);
  nets_->g().train();
  return shape_.is_image() ? (out + 1.0) * 0.5 : out;
}

WeightAverage* GanModel::weight_average() { return nets_->has_ema() ? this : nullptr; }

bool GanModel::samples_average() const { return nets_->has_ema() && sample_from_average_; }

torch::jit::Module GanModel::to_torchscript() const {
  // generate(): the averaged generator when there is one and it is chosen, images mapped to [0, 1].
  nets::ScriptWriter w("GanGenerator");
  const bool averaged = samples_average();
  if (averaged) refresh_average_statistics();
  const bool conditional = num_classes() > 0;
  // Self-conditioned: the cluster from z_0 as cluster_of_latent draws it.
  const std::string labels = options_.clusters > 0
                                 ? w.let("torch.clamp(torch.searchsorted(" + w.attribute("cluster_cdf", cluster_cdf_) +
                                         ", 0.5 * (1.0 + torch.erf(z[:, 0] * " + nets::script_float(M_SQRT1_2) +
                                         ")), right=True), max=" + std::to_string(options_.clusters - 1) + ")")
                                 : "labels";
  std::string out;
  if (nets_->g_dc) {
    out = nets::script_dcgan_generator(w, *(averaged ? nets_->g_ema_dc : nets_->g_dc), "z", labels);
  } else {
    const std::string in = net_classes() > 0 ? w.let("torch.cat([z, torch.one_hot(" + labels + ", " +
                                                     std::to_string(net_classes()) + ").to(z.dtype)], 1)")
                                             : "z";
    out = w.apply(*(averaged ? nets_->g_ema_mlp : nets_->g_mlp), in);
    if (shape_.is_image())
      out = w.let("torch.tanh(" + out + ").reshape([z.size(0), " + std::to_string(shape_.channels) + ", " +
                  std::to_string(shape_.height) + ", " + std::to_string(shape_.width) + "])");
  }
  if (shape_.is_image()) out = w.let("(" + out + " + 1.0) * 0.5");
  return w.finish(conditional ? "z, labels" : "z", out);
}

void GanModel::save(CheckpointWriter& w) const {
  w.add_module("gan.g", nets_->g());
  w.add_module("gan.d", nets_->d());
  // The average's own BatchNorm statistics, not the stale copy of G's: a checkpoint samples as
  // the model does, and replicas that never sampled save (and digest) what rank 0 saves.
  refresh_average_statistics();
  if (nets_->has_ema()) w.add_module("gan.g_ema", nets_->g_ema());
  w.add_optimizer("gan.opt_g", *nets_->opt_g);
  w.add_optimizer("gan.opt_d", *nets_->opt_d);
  w.add_tensor("gan.d_updates", torch::tensor(d_updates_, torch::kInt64));
  if (options_.clusters > 0) {
    TP_CHECK(centroids_.defined(), "the self-conditioned GAN has no clusters to save");
    w.add_tensor("gan.centroids", centroids_.cpu());
    w.add_tensor("gan.cluster_cdf", cluster_cdf_.cpu());
  }
}

void GanModel::load(CheckpointReader& r) {
  r.load_module("gan.g", nets_->g());
  r.load_module("gan.d", nets_->d());
  if (nets_->has_ema()) r.load_module("gan.g_ema", nets_->g_ema());
  r.load_optimizer("gan.opt_g", *nets_->opt_g);
  r.load_optimizer("gan.opt_d", *nets_->opt_d);
  d_updates_ = r.tensor("gan.d_updates").item<int64_t>();
  if (options_.clusters > 0) {
    const auto centroids = r.tensor("gan.centroids"), cdf = r.tensor("gan.cluster_cdf");
    TP_CHECK_AS(CheckpointError,
                centroids.dim() == 2 && centroids.size(0) == options_.clusters &&
                    centroids.size(1) == shape_.flat_size() && cdf.dim() == 1 && cdf.size(0) == options_.clusters,
                "checkpoint's clusters do not match --clusters ", options_.clusters, " and the data's shape");
    centroids_ = on_device(centroids.to(torch::kFloat32));
    cluster_cdf_ = on_device(cdf.to(torch::kFloat32));
  }
  average_statistics_stale_ = true;
}

}  // namespace tp::gen
