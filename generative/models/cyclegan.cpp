#include "generative/models/cyclegan.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/options.h"
#include "generative/models/adversarial_pair.h"
#include "nets/resnet_generator.h"
#include "nets/target_update.h"
#include "nets/unet.h"

namespace tp::gen {

namespace {
constexpr uint64_t kPairingSeed = 0x5eed0c7c1e;  // the epochs' pairings (and their order of B)
constexpr int64_t kEvalImages = 1000;

// G and F as one network, so one Adam steps both on their joint loss (as the authors do).
class CycleGeneratorsImpl : public torch::nn::Module {
 public:
  explicit CycleGeneratorsImpl(const nets::ResnetGeneratorOptions& o)
      : ab(register_module("g_ab", nets::ResnetGenerator(o))), ba(register_module("g_ba", nets::ResnetGenerator(o))) {}
  nets::ResnetGenerator ab, ba;
};
TORCH_MODULE(CycleGenerators);

// D_A (judges domain A: real a against F(b)) and D_B.
class CycleDiscriminatorsImpl : public torch::nn::Module {
 public:
  explicit CycleDiscriminatorsImpl(const nets::PatchDiscriminatorOptions& o)
      : a(register_module("d_a", nets::PatchDiscriminator(o))),
        b(register_module("d_b", nets::PatchDiscriminator(o))) {}
  nets::PatchDiscriminator a, b;
};
TORCH_MODULE(CycleDiscriminators);

CycleGanOptions checked(CycleGanOptions o) {
  TP_CHECK_AS(UsageError, o.cycle_weight >= 0 && o.identity_weight >= 0,
              "--cycle-weight and --identity-weight must be >= 0");
  TP_CHECK_AS(UsageError, o.lr > 0, "--lr must be > 0");
  TP_CHECK_AS(UsageError, o.history >= 0, "--history must be >= 0");
  TP_CHECK_AS(UsageError, o.constant_epochs >= 0 && o.decay_epochs >= 0,
              "--constant-epochs and --decay-epochs must be >= 0");
  TP_CHECK_AS(UsageError, o.g_ema >= 0 && o.g_ema < 1, "--g-ema must be in [0, 1)");
  return o;
}

nets::ResnetGeneratorOptions generator_options(const CycleGanOptions& o, const DataShape& s) {
  return nets::ResnetGeneratorOptions().channels(s.channels).ngf(o.ngf).blocks(o.blocks);
}

AdversarialPair make_networks(const CycleGanOptions& o, const DataShape& s) {
  const auto g = generator_options(o, s);
  const auto d =
      nets::PatchDiscriminatorOptions().in_channels(s.channels).ndf(o.ndf).layers(o.d_layers).instance_norm(true);
  return AdversarialPair(
      "cyclegan", [g] { return CycleGenerators(g).ptr(); }, [d] { return CycleDiscriminators(d).ptr(); }, o.lr, o.beta1,
      o.beta2);
}

// A copy of `generators` (the same architecture and weights) made without drawing from
// LibTorch's default generator, so a run draws the same numbers with or without it.
std::shared_ptr<torch::nn::Module> average_of(const nets::ResnetGeneratorOptions& o, torch::nn::Module& generators) {
  auto rng = at::detail::getDefaultCPUGenerator();
  torch::Tensor state;
  {
    std::lock_guard<std::mutex> lock(rng.mutex());
    state = rng.get_state();
  }
  auto copy = CycleGenerators(o).ptr();
  {
    std::lock_guard<std::mutex> lock(rng.mutex());
    rng.set_state(state);
  }
  nets::hard_update(*copy, generators);  // the average starts at the initial weights
  copy->eval();
  return copy;
}

// Least squares against one target for all (Mao et al. 2017).
torch::Tensor lsgan_against(const torch::Tensor& out, double target) { return (out - target).pow(2).mean(); }

// The per-image cycle L1 in [0, 1] pixel units of images in [0, 1] and their round trips.
double cycle_l1(const torch::Tensor& images, const torch::Tensor& round_trip) {
  return (round_trip - images).abs().mean().item<double>();
}

}  // namespace

CycleTerms cycle_terms(const ImageMap& g_ab, const ImageMap& g_ba, const torch::Tensor& real_a,
                       const torch::Tensor& real_b, bool identity) {
  CycleTerms t;
  t.fake_b = g_ab(real_a);
  t.fake_a = g_ba(real_b);
  t.cycle_a = (g_ba(t.fake_b) - real_a).abs().mean();
  t.cycle_b = (g_ab(t.fake_a) - real_b).abs().mean();
  if (identity) {
    t.identity_a = (g_ba(real_a) - real_a).abs().mean();
    t.identity_b = (g_ab(real_b) - real_b).abs().mean();
  }
  return t;
}

std::vector<int64_t> parse_domain(const std::string& list, int64_t num_classes, const std::string& option) {
  std::vector<int64_t> classes;
  for (const auto& item : split_list(list, option)) {
    int64_t c = -1;
    size_t used = 0;
    try {
      c = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    TP_CHECK_AS(UsageError, used == item.size() && !item.empty(), option, " takes class numbers, not '", item, "'");
    TP_CHECK_AS(UsageError, c >= 0 && c < num_classes, option, ": class ", c, " is not in 0..", num_classes - 1);
    TP_CHECK_AS(UsageError, std::find(classes.begin(), classes.end(), c) == classes.end(), option, " names class ", c,
                " twice");
    classes.push_back(c);
  }
  TP_CHECK_AS(UsageError, !classes.empty(), option, " names no class");
  return classes;
}

CycleGanModel::Domains CycleGanModel::parse_domains(const CycleGanOptions& o, const DataShape& shape) {
  TP_CHECK_AS(UsageError, shape.num_classes > 0, "cyclegan draws its domains by class: it needs labelled images");
  Domains d{parse_domain(o.domain_a, shape.num_classes, "--domain-a"),
            parse_domain(o.domain_b, shape.num_classes, "--domain-b")};
  for (int64_t c : d.a)
    TP_CHECK_AS(UsageError, std::find(d.b.begin(), d.b.end(), c) == d.b.end(), "class ", c,
                " is in both --domain-a and --domain-b");
  return d;
}

CycleGanModel::CycleGanModel(CycleGanOptions o, DataShape shape)
    : CycleGanModel(o, parse_domains(o, shape), shape) {}  // o copied: it is read first

CycleGanModel::CycleGanModel(CycleGanOptions o, Domains domains, DataShape shape)
    : TranslationModel("classes " + class_list(domains.a) + " <-> " + class_list(domains.b), std::move(shape)),
      options_(checked(std::move(o))),
      classes_a_(std::move(domains.a)),
      classes_b_(std::move(domains.b)),
      history_a_(options_.history),
      history_b_(options_.history) {
  TP_CHECK_AS(UsageError, shape_.height % 4 == 0, "cyclegan's generator needs a side that is a multiple of 4, not ",
              shape_.height);
  pair_ = std::make_unique<AdversarialPair>(make_networks(options_, shape_));
  if (options_.g_ema > 0) average_ = average_of(generator_options(options_, shape_), pair_->g_module());
}

std::string CycleGanModel::architecture() const {
  auto& n = pair().g<CycleGeneratorsImpl>();
  auto& d = pair().d<CycleDiscriminatorsImpl>();
  return "cyclegan:" + class_list(classes_a_) + ">" + class_list(classes_b_) + ":" + n.ab->signature() + "|" +
         d.a->signature();
}

Dataset CycleGanModel::epoch_data(int64_t epoch, const Dataset& train) const {
  const int64_t half = train.size() / 2;
  Dataset first = train, second = train;
  first.x = train.x.narrow(0, 0, half);
  first.y = train.y.defined() ? train.y.narrow(0, 0, half) : train.y;
  second.x = train.x.narrow(0, half, train.size() - half);
  second.y = train.y.defined() ? train.y.narrow(0, half, train.size() - half) : train.y;
  const auto a = images_of_classes(first, classes_a_), b = images_of_classes(second, classes_b_);
  TP_CHECK_AS(DataError, a.size() > 0 && b.size() > 0, "cyclegan: ", train.name, " has no images of domain ",
              a.size() == 0 ? "A in its first half" : "B in its second half");
  auto gen = at::detail::createCPUGenerator(kPairingSeed + static_cast<uint64_t>(epoch));
  const int64_t n = std::max(a.size(), b.size());
  // Each domain's images in a fresh order, the smaller domain's repeated to n.
  auto order = [&](int64_t size) {
    return torch::randperm(size, gen, torch::kInt64).repeat({(n + size - 1) / size}).narrow(0, 0, n);
  };
  const auto ia = order(a.size()), ib = order(b.size());
  Dataset pairs = train;
  pairs.x = torch::cat({a.x.index_select(0, ia), b.x.index_select(0, ib)}, 1);
  pairs.y = a.y.index_select(0, ia);
  return pairs;
}

torch::nn::Module& CycleGanModel::translating_generators() {
  return average_ && sample_from_average_ ? *average_ : pair().g_module();
}

torch::Tensor CycleGanModel::generator_forward(const torch::Tensor& inputs, const c10::optional<at::Generator>&) {
  return static_cast<CycleGeneratorsImpl&>(translating_generators()).ab->forward(inputs);
}

torch::Tensor CycleGanModel::translate_from(const torch::Tensor& images, int side) {
  TP_CHECK(side == 0 || side == 1, "cyclegan: side ", side, " is no domain");
  if (side == 0) return translate(images);
  auto& f = *static_cast<CycleGeneratorsImpl&>(translating_generators()).ba;
  return run_in_batches(images,
                        [&f](const torch::Tensor& in, const c10::optional<at::Generator>&) { return f.forward(in); });
}

int64_t CycleGanModel::schedule_epochs(int64_t epochs) const {
  const int64_t end = options_.constant_epochs + options_.decay_epochs;
  TP_CHECK_AS(UsageError, options_.decay_epochs == 0 || epochs <= end, "--epochs ", epochs,
              " runs past the learning rate's decay to zero after ", end, " (--constant-epochs ",
              options_.constant_epochs, " + --decay-epochs ", options_.decay_epochs, ")");
  return epochs;
}

double CycleGanModel::learning_rate(int64_t epoch) const {
  // As the authors' code: epoch constant_epochs runs at lr (1 - 1/(decay + 1)), the last one
  // at lr / (decay + 1).
  return options_.lr * nets::linear_decay_factor(epoch, options_.constant_epochs, options_.decay_epochs);
}

std::vector<double> CycleGanModel::train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor&) {
  const int64_t c = shape_.channels, n = x.size(0);
  TP_CHECK(x.dim() == 4 && x.size(1) == 2 * c, "cyclegan trains on pairs of images stacked as channels");
  const auto images = on_device(x) * 2.0 - 1.0;
  const auto real_a = images.narrow(1, 0, c), real_b = images.narrow(1, c, c);
  auto& pair = this->pair();
  pair.set_lr(learning_rate(epoch));
  pair.g_module().train();
  pair.d_module().train();
  const bool identity = options_.identity_weight > 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();

  // G and F: adversarial, cycle and identity terms. Their outputs, row by row, feed D's step.
  auto fake_a = torch::empty_like(real_a), fake_b = torch::empty_like(real_b);
  const auto g_values = pair.train_g(n, [&](int part, const nets::Shard& s) {
    auto& g = pair.g<CycleGeneratorsImpl>(part);
    auto& d = pair.d<CycleDiscriminatorsImpl>(part);
    const auto t = cycle_terms([&](const torch::Tensor& in) { return g.ab->forward(in); },
                               [&](const torch::Tensor& in) { return g.ba->forward(in); }, shard_rows(real_a, s),
                               shard_rows(real_b, s), identity);
    const auto gan_ab = lsgan_against(d.b->forward(t.fake_b), 1.0);
    const auto gan_ba = lsgan_against(d.a->forward(t.fake_a), 1.0);
    auto loss = gan_ab + gan_ba + options_.cycle_weight * (t.cycle_a + t.cycle_b);
    if (identity) loss = loss + options_.identity_weight * options_.cycle_weight * (t.identity_a + t.identity_b);
    (loss * s.weight).backward();
    {
      torch::NoGradGuard no_grad;
      shard_rows(fake_b, s).copy_(t.fake_b);
      shard_rows(fake_a, s).copy_(t.fake_a);
    }
    // L1 terms in [0, 1] pixel units: half the [-1, 1] distance; the mean of the two domains'.
    const double w = s.weight;
    return std::vector<double>{gan_ab.item<double>() * w, gan_ba.item<double>() * w,
                               0.25 * (t.cycle_a + t.cycle_b).item<double>() * w,
                               identity ? 0.25 * (t.identity_a + t.identity_b).item<double>() * w : 0.0};
  });

  // D_A and D_B, on real images against generated ones from the histories.
  const auto old_a = history_a_.query(fake_a), old_b = history_b_.query(fake_b);
  const auto d_values = pair.train_d(n, [&](int part, const nets::Shard& s) {
    auto& d = pair.d<CycleDiscriminatorsImpl>(part);
    const auto loss_a = 0.5 * (lsgan_against(d.a->forward(shard_rows(real_a, s)), 1.0) +
                               lsgan_against(d.a->forward(shard_rows(old_a, s)), 0.0));
    const auto loss_b = 0.5 * (lsgan_against(d.b->forward(shard_rows(real_b, s)), 1.0) +
                               lsgan_against(d.b->forward(shard_rows(old_b, s)), 0.0));
    ((loss_a + loss_b) * s.weight).backward();
    return std::vector<double>{loss_a.item<double>() * s.weight, loss_b.item<double>() * s.weight};
  });
  if (average_) nets::soft_update(*average_, pair.g_module(), 1.0 - options_.g_ema);
  return {d_values[0], d_values[1], g_values[0], g_values[1], g_values[2], identity ? g_values[3] : nan};
}

std::vector<double> CycleGanModel::evaluate(const Dataset& test) {
  std::vector<double> out;
  for (int side : {0, 1}) {
    const auto d = images_of_classes(test, classes(side));
    const auto images = d.x.narrow(0, 0, std::min(kEvalImages, d.size()));
    out.push_back(images.size(0) == 0 ? std::numeric_limits<double>::quiet_NaN()
                                      : cycle_l1(images, translate_from(translate_from(images, side), 1 - side)));
  }
  return out;
}

Dataset CycleGanModel::picture_images(const Dataset& test) const {
  // A's and B's test images in turn: a1 b1 a2 b2 ...; the larger domain's rest at the end.
  const auto a = images_of_classes(test, classes_a_), b = images_of_classes(test, classes_b_);
  const int64_t m = std::min(a.size(), b.size());
  Dataset out = test;
  out.x = torch::stack({a.x.narrow(0, 0, m), b.x.narrow(0, 0, m)}, 1).flatten(0, 1);
  out.y = torch::stack({a.y.narrow(0, 0, m), b.y.narrow(0, 0, m)}, 1).flatten(0, 1);
  const auto& rest = a.size() > m ? a : b;
  out.x = torch::cat({out.x, rest.x.narrow(0, m, rest.size() - m)}, 0);
  out.y = torch::cat({out.y, rest.y.narrow(0, m, rest.size() - m)}, 0);
  return out;
}

std::vector<torch::Tensor> CycleGanModel::picture_rows(const Dataset& images) {
  TP_CHECK_AS(UsageError, images.y.defined(), "cyclegan's pictures need labelled test images");
  auto translated = torch::empty_like(images.x), cycled = torch::empty_like(images.x);
  for (int side : {0, 1}) {
    const auto rows = in_classes(images.y, classes(side)).nonzero().squeeze(1);
    if (rows.numel() == 0) continue;
    const auto t = translate_from(images.x.index_select(0, rows), side);
    translated.index_copy_(0, rows, t);
    cycled.index_copy_(0, rows, translate_from(t, 1 - side));
  }
  // Images of neither domain are shown as they are.
  const auto rows = (~(in_classes(images.y, classes_a_) | in_classes(images.y, classes_b_))).nonzero().squeeze(1);
  translated.index_copy_(0, rows, images.x.index_select(0, rows));
  cycled.index_copy_(0, rows, images.x.index_select(0, rows));
  return {images.x, translated, cycled};
}

void CycleGanModel::move_to(torch::Device device) {
  TranslationModel::move_to(device);
  if (average_) average_->to(device);
  history_a_.to(device);
  history_b_.to(device);
}

void CycleGanModel::save(CheckpointWriter& w) const {
  TranslationModel::save(w);
  if (average_) w.add_module("cyclegan.g_ema", *average_);
  history_a_.save(w, "cyclegan.history_a");
  history_b_.save(w, "cyclegan.history_b");
}

void CycleGanModel::load(CheckpointReader& r) {
  TranslationModel::load(r);
  if (average_) r.load_module("cyclegan.g_ema", *average_);
  // An inference copy keeps no history: the next training steps start one afresh.
  if (r.has("cyclegan.history_a")) history_a_.load(r, "cyclegan.history_a");
  if (r.has("cyclegan.history_b")) history_b_.load(r, "cyclegan.history_b");
}

}  // namespace tp::gen
