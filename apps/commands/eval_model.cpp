// `torchplay eval --model CHECKPOINT`: scores a generative model on its dataset's test split.
//   image generators (gan, dcgan, cgan, wgan-gp, vae): classifier FID and Inception Score of
//     --samples samples vs the test set, with the floor (training images vs the test set);
//   2-D generators: modes covered and high-quality share (2,500 samples);
//   vae: also the test ELBO and the importance-weighted log-likelihood bound (k samples);
//   ae / dae: test reconstruction; sae / classifier: test accuracy.
#include <torch/torch.h>

#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/runtime.h"
#include "core/timer.h"
#include "generative/data/dataset.h"
#include "generative/eval/image_metrics.h"
#include "generative/eval/mode_coverage.h"
#include "generative/model_io.h"
#include "generative/models/classifier.h"
#include "generative/models/vae.h"

namespace tp::app {

namespace {
struct ClassifierScores {
  double fid = 0, is = 0, is_std = 0;
};
ClassifierScores score_images(gen::ClassifierModel& clf, const torch::Tensor& images, const torch::Tensor& test_features) {
  ClassifierScores s;
  s.fid = gen::frechet_distance(clf.features(images), test_features);
  const auto is = gen::inception_score(clf.probabilities(images));
  s.is = is.mean;
  s.is_std = is.std;
  return s;
}
}  // namespace

int eval_model(const Args& args) {
  CommonOptions common;
  std::string model_path, classifier_path;
  int64_t samples = 10000, iw_samples = 0;
  OptionSet set("torchplay eval --model CHECKPOINT|RUN_DIR [--classifier CHECKPOINT] [options]");
  set.add("model", &model_path, "generative model checkpoint, or its run directory")
      .add("classifier", &classifier_path, "classifier checkpoint (torchplay train classifier) for FID / IS of image models")
      .add("samples", &samples, "generated samples scored for FID / IS (2-D models: 2500 by protocol)")
      .add("iw-samples", &iw_samples, "vae: k of the importance-weighted bound (0: the model's --iw-samples)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !model_path.empty(), "--model is required");
  TP_CHECK_AS(UsageError, samples >= 10, "--samples must be >= 10");
  TP_CHECK_AS(UsageError, iw_samples >= 0, "--iw-samples must be >= 0");
  init_runtime(common);

  auto loaded = gen::load_model_checkpoint(model_path);
  auto& model = *loaded.model;
  const auto& data = loaded.config.loop.data;
  const auto test = gen::load_dataset(data, gen::Split::Test, loaded.config.common.seed, 10000);
  Json j = Json::object();
  j.set("model", loaded.path);
  j.set("algorithm", model.algorithm());
  j.set("data", data);
  j.set("epoch", static_cast<long long>(loaded.header.counter("epoch")));
  std::printf("%s (%s on %s, epoch %lld)\n", loaded.path.c_str(), model.algorithm().c_str(), data.c_str(),
              static_cast<long long>(loaded.header.counter("epoch")));
  Timer timer;

  if (model.latent_dim() > 0 && !model.shape().is_image()) {
    auto gen_rng = at::detail::createCPUGenerator(common.seed);
    const auto z = torch::randn({gen::kModeEvalSamples, model.latent_dim()}, gen_rng, torch::kFloat32);
    const auto m = gen::mode_coverage(model.generate(z, {}), model.shape().synthetic);
    std::printf("modes covered: %lld / %lld, high-quality samples: %.1f%% (of %lld)\n", static_cast<long long>(m.covered),
                static_cast<long long>(m.total), 100.0 * m.high_quality_share, static_cast<long long>(gen::kModeEvalSamples));
    j.set("modes", static_cast<long long>(m.covered));
    j.set("modes_total", static_cast<long long>(m.total));
    j.set("high_quality", m.high_quality_share);
  }
  const bool is_vae = dynamic_cast<gen::VaeModel*>(&model) != nullptr;
  if (model.latent_dim() > 0 && model.shape().is_image() && classifier_path.empty() && is_vae)
    std::printf("classifier FID / IS: not computed (no --classifier CHECKPOINT given)\n");
  if (model.latent_dim() > 0 && model.shape().is_image() && !(classifier_path.empty() && is_vae)) {
    TP_CHECK_AS(UsageError, !classifier_path.empty(),
                "FID and Inception Score need --classifier CHECKPOINT (train one: torchplay train classifier --data ", data, ")");
    auto clf_loaded = gen::load_model_checkpoint(classifier_path);
    auto* clf = dynamic_cast<gen::ClassifierModel*>(clf_loaded.model.get());
    TP_CHECK_AS(UsageError, clf, "--classifier ", clf_loaded.path, " is a '", clf_loaded.header.algorithm, "' checkpoint, not a classifier");
    const auto& cs = clf->shape();
    const auto& ms = model.shape();
    TP_CHECK_AS(UsageError, cs.channels == ms.channels && cs.height == ms.height && cs.width == ms.width,
                "the classifier was trained on images of another shape");
    // Samples in batches (classes in turn for a conditional model), from --seed.
    auto gen_rng = at::detail::createCPUGenerator(common.seed);
    std::vector<torch::Tensor> parts;
    for (int64_t s = 0; s < samples; s += 1000) {
      const int64_t m = std::min<int64_t>(1000, samples - s);
      const auto z = torch::randn({m, model.latent_dim()}, gen_rng, torch::kFloat32);
      torch::Tensor labels;
      if (model.num_classes() > 0) labels = torch::arange(s, s + m, torch::kInt64).remainder(model.num_classes());
      parts.push_back(model.generate(z, labels));
    }
    const auto generated = torch::cat(parts, 0);
    const auto test_features = clf->features(test.x);
    const auto ours = score_images(*clf, generated, test_features);
    // The floor: as many real training images scored the same way.
    const auto train = gen::load_dataset(data, gen::Split::Train, loaded.config.common.seed, 10000);
    const auto floor = score_images(*clf, train.x.narrow(0, 0, std::min(samples, train.size())), test_features);
    const auto test_is = gen::inception_score(clf->probabilities(test.x));
    std::printf("classifier FID: %.3f (floor, train vs test: %.3f)\n", ours.fid, floor.fid);
    std::printf("classifier IS:  %.3f +- %.3f (train images: %.3f, test images: %.3f)\n", ours.is, ours.is_std, floor.is, test_is.mean);
    std::printf("  %lld samples, classifier %s\n", static_cast<long long>(samples), clf_loaded.path.c_str());
    j.set("fid", ours.fid);
    j.set("fid_floor", floor.fid);
    j.set("inception_score", ours.is);
    j.set("inception_score_std", ours.is_std);
    j.set("inception_score_train", floor.is);
    j.set("inception_score_test", test_is.mean);
    j.set("samples", static_cast<long long>(samples));
  }
  if (auto* vae = dynamic_cast<gen::VaeModel*>(&model)) {
    const int64_t k = iw_samples > 0 ? iw_samples : vae->options().iw_samples;
    const auto e = vae->elbo(test, common.seed);
    const double nll = vae->importance_weighted_nll(test, k, common.seed);
    std::printf("test negative ELBO: %.2f nats (reconstruction %.2f, KL %.2f)\n", e.negative_elbo, e.reconstruction, e.kl);
    std::printf("test -log p(x) (importance-weighted bound, k = %lld): %.2f nats\n", static_cast<long long>(k), nll);
    j.set("test_neg_elbo", e.negative_elbo);
    j.set("test_reconstruction", e.reconstruction);
    j.set("test_kl", e.kl);
    j.set("test_iw_nll", nll);
    j.set("iw_samples", static_cast<long long>(k));
  }
  if (model.latent_dim() == 0) {
    const auto names = model.eval_names();
    const auto values = model.evaluate(test);
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
      std::printf("%s: %.6g\n", names[i].c_str(), values[i]);
      j.set(names[i], values[i]);
    }
  }
  j.set("seconds", timer.seconds());
  if (common.json) print_json_line(j.dump());
  return 0;
}

}  // namespace tp::app
