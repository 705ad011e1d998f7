#include "generative/eval/model_report.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "generative/eval/image_metrics.h"
#include "generative/image_tasks.h"

namespace tp::gen {

namespace {

constexpr int64_t kSampleBatch = 1000;

// `n` samples from latents drawn from `seed`, in batches (the classes in turn for a
// conditional model).
torch::Tensor generate_samples(GenerativeModel& model, int64_t n, uint64_t seed) {
  auto rng = at::detail::createCPUGenerator(seed);
  std::vector<torch::Tensor> parts;
  for (int64_t s = 0; s < n; s += kSampleBatch) {
    const int64_t m = std::min(kSampleBatch, n - s);
    const auto z = torch::randn({m, model.latent_dim()}, rng, torch::kFloat32);
    torch::Tensor labels;
    if (model.num_classes() > 0) labels = torch::arange(s, s + m, torch::kInt64).remainder(model.num_classes());
    parts.push_back(model.generate(z, labels));
  }
  return torch::cat(parts, 0);
}

ModeStats mode_report(GenerativeModel& model, uint64_t seed) {
  auto rng = at::detail::createCPUGenerator(seed);
  const auto z = torch::randn({kModeEvalSamples, model.latent_dim()}, rng, torch::kFloat32);
  return mode_coverage(model.generate(z, {}), model.shape().synthetic);
}

// o.classifier's scorer, checked to be a classifier of the model's images, with the training
// images of the FID floor.
SampleScorer& checked_scorer(GenerativeModel& model, const ModelReportOptions& o) {
  SampleScorer& scorer = require_scorer(*o.classifier, model.shape(), "the classifier");
  TP_CHECK_AS(UsageError, o.train && o.train->size() > 1, "the FID floor needs training images");
  return scorer;
}

ClassifierReport classifier_report(GenerativeModel& model, const Dataset& test, const ModelReportOptions& o) {
  TP_CHECK_AS(UsageError, o.classifier, "FID and Inception Score of a '", model.algorithm(),
              "' model need a classifier");
  SampleScorer* scorer = &checked_scorer(model, o);
  ClassifierReport r;
  r.samples = o.samples;
  const auto test_features = scorer->features(test.x);
  r.generated = score_samples(*scorer, generate_samples(model, o.samples, o.seed), test_features);
  r.train = score_samples(*scorer, o.train->x.narrow(0, 0, std::min(o.samples, o.train->size())), test_features);
  r.test_inception_score = inception_score(scorer->probabilities(test.x)).mean;
  return r;
}

TranslationReport translation_report(GenerativeModel& model, ImageTranslator& t, const Dataset& test,
                                     const ModelReportOptions& o) {
  TranslationReport r;
  r.task = t.task();
  r.images = std::min(o.samples, test.size());
  const auto truth = test.x.narrow(0, 0, r.images);
  const auto inputs = t.source(truth);
  const auto out = t.translate(inputs);
  r.baseline_name = naive_translation_name(r.task);
  const auto naive =
      r.baseline_name.empty() ? torch::Tensor() : naive_translation(r.task, inputs, truth.size(2), truth.size(3));
  SampleScorer* scorer = o.classifier ? &checked_scorer(model, o) : nullptr;
  TP_CHECK_AS(UsageError, !scorer || test.y.defined(), "class accuracy needs a labelled test set");
  const auto test_features = scorer ? scorer->features(test.x) : torch::Tensor();
  const auto labels = test.y.defined() ? test.y.narrow(0, 0, r.images) : torch::Tensor();
  // The share of `images` the classifier puts in their original's class.
  auto class_accuracy = [&](const torch::Tensor& images) {
    return scorer->probabilities(images).argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
  };
  auto scores = [&](const torch::Tensor& images) {
    TranslationScores s;
    s.l1 = (images - truth).abs().mean().item<double>();
    s.psnr = psnr(images, truth).mean().item<double>();
    s.ssim = ssim(images, truth).mean().item<double>();
    if (scorer) {
      s.fid = frechet_distance(scorer->features(images), test_features);
      s.class_accuracy = class_accuracy(images);
    }
    return s;
  };
  r.outputs = scores(out);
  if (naive.defined()) r.baseline = scores(naive);
  if (!scorer) return r;
  r.scored = true;
  r.fid_floor =
      frechet_distance(scorer->features(o.train->x.narrow(0, 0, std::min(r.images, o.train->size()))), test_features);
  r.class_accuracy_truth = class_accuracy(truth);
  return r;
}

UnpairedReport unpaired_report(GenerativeModel& model, UnpairedDomains& u, const Dataset& test,
                               const ModelReportOptions& o) {
  TP_CHECK_AS(UsageError, test.y.defined(), "an unpaired translator is evaluated on a labelled test set");
  SampleScorer* scorer = o.classifier ? &checked_scorer(model, o) : nullptr;
  UnpairedReport r;
  r.scored = scorer != nullptr;
  for (int side : {0, 1}) {
    const auto& from = u.classes(side);
    const auto& to = u.classes(1 - side);
    DirectionReport d;
    d.from = class_list(from);
    d.to = class_list(to);
    const auto source = images_of_classes(test, from), target = images_of_classes(test, to);
    d.images = std::min(o.samples, source.size());
    TP_CHECK_AS(UsageError, d.images > 0 && target.size() > 0, "the test set has no images of classes ",
                d.images > 0 ? d.to : d.from);
    const auto images = source.x.narrow(0, 0, d.images);
    const auto out = u.translate_from(images, side);
    d.cycle_l1 = (u.translate_from(out, 1 - side) - images).abs().mean().item<double>();
    if (scorer) {
      auto in_target = [&](const torch::Tensor& x) {
        return in_classes(scorer->probabilities(x).argmax(1), to).to(torch::kFloat64).mean().item<double>();
      };
      d.target_share = in_target(out);
      d.target_share_real = in_target(target.x);
      const auto target_features = scorer->features(target.x);
      d.fid = frechet_distance(scorer->features(out), target_features);
      const auto train_target = images_of_classes(*o.train, to);
      d.fid_floor = frechet_distance(
          scorer->features(train_target.x.narrow(0, 0, std::min(target.size(), train_target.size()))), target_features);
    }
    r.directions.push_back(d);
  }
  return r;
}

}  // namespace

SampleScores score_samples(SampleScorer& scorer, const torch::Tensor& images, const torch::Tensor& test_features) {
  SampleScores s;
  s.fid = frechet_distance(scorer.features(images), test_features);
  const auto probs = scorer.probabilities(images);
  const auto is = inception_score(probs);
  s.inception_score = is.mean;
  s.inception_score_std = is.std;
  const auto counts = torch::bincount(probs.argmax(1), {}, probs.size(1)).to(torch::kFloat64);
  const auto shares = (counts / std::max<int64_t>(1, images.size(0))).contiguous();
  s.class_shares.assign(shares.data_ptr<double>(), shares.data_ptr<double>() + shares.numel());
  return s;
}

ClassifierUse classifier_use(GenerativeModel& model) {
  if (model.translator()) return ClassifierUse::Optional;
  if (model.latent_dim() == 0 || !model.shape().is_image()) return ClassifierUse::None;
  return model.likelihood_bound() ? ClassifierUse::Optional : ClassifierUse::Required;
}

ModelReport evaluate_model(GenerativeModel& model, const Dataset& test, const ModelReportOptions& o) {
  ModelReport r;
  if (model.latent_dim() > 0 && !model.shape().is_image()) r.modes = mode_report(model, o.seed);
  if (ImageTranslator* t = model.translator()) {
    if (UnpairedDomains* u = t->unpaired())
      r.unpaired = unpaired_report(model, *u, test, o);
    else
      r.translation = translation_report(model, *t, test, o);
    return r;
  }
  const ClassifierUse use = classifier_use(model);
  if (use == ClassifierUse::Optional && !o.classifier)
    r.classifier_skipped = true;
  else if (use != ClassifierUse::None)
    r.classifier = classifier_report(model, test, o);
  if (LikelihoodBound* bound = model.likelihood_bound()) {
    LikelihoodReport l;
    l.iw_samples = o.iw_samples > 0 ? o.iw_samples : bound->default_iw_samples();
    l.elbo = bound->elbo(test, o.seed);
    l.iw_nll = bound->importance_weighted_nll(test, l.iw_samples, o.seed);
    r.likelihood = l;
  }
  if (model.latent_dim() == 0) {
    const auto names = model.eval_names();
    const auto values = model.evaluate(test);
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) r.metrics.emplace_back(names[i], values[i]);
  }
  return r;
}

}  // namespace tp::gen
