// `torchplay eval --model CHECKPOINT`: scores a generative model on its dataset's test split.
//   image generators (gan, dcgan, cgan, wgan-gp, vae): classifier FID and Inception Score of
//     --samples samples vs the test set, with the floor (training images vs the test set);
//   2-D generators: modes covered and high-quality share (2,500 samples);
//   vae: also the test ELBO and the importance-weighted log-likelihood bound (k samples);
//   pix2pix: L1, PSNR, SSIM of the outputs for --samples test images, and with --classifier
//     their FID and the share the classifier puts in the original image's class;
//   cyclegan: each direction's cycle L1, and with --classifier the share of translations in
//     the target domain's classes and their FID against its test images;
//   ae / dae: test reconstruction; sae / classifier: test accuracy.
#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/runtime.h"
#include "core/timer.h"
#include "generative/capabilities.h"
#include "generative/data/dataset.h"
#include "generative/eval/model_report.h"
#include "generative/model_io.h"

namespace tp::app {

int eval_model(const Args& args) {
  CommonOptions common;
  std::string model_path, classifier_path;
  int64_t samples = 10000, iw_samples = 0;
  bool raw_generator = false;
  OptionSet set("torchplay eval --model CHECKPOINT|RUN_DIR [--classifier CHECKPOINT] [options]");
  set.add("model", &model_path, "generative model checkpoint, or its run directory")
      .add("classifier", &classifier_path,
           "classifier checkpoint (torchplay train classifier) for FID / IS of image models")
      .add("samples", &samples,
           "generated samples scored for FID / IS (2-D models: 2500 by protocol); pix2pix: test images translated")
      .add("iw-samples", &iw_samples, "vae: k of the importance-weighted bound (0: the model's --iw-samples)")
      .add("raw-generator", &raw_generator,
           "models trained with --g-ema (GANs, cyclegan): score the generators' trained weights, not their average");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !model_path.empty(), "--model is required");
  TP_CHECK_AS(UsageError, samples >= 10, "--samples must be >= 10");
  TP_CHECK_AS(UsageError, iw_samples >= 0, "--iw-samples must be >= 0");
  init_runtime(common);

  const torch::Device device(common.device);
  auto loaded = gen::load_model_checkpoint(model_path, device);
  auto& model = *loaded.model;
  if (raw_generator) gen::sample_trained_weights(model, loaded.path);
  const auto& data = loaded.config.loop.data;
  const auto test = gen::load_dataset(data, gen::Split::Test, loaded.config.common.seed, 10000);
  const long long epoch = static_cast<long long>(loaded.header.counter("epoch"));
  std::printf("%s (%s on %s, epoch %lld%s)\n", loaded.path.c_str(), model.algorithm().c_str(), data.c_str(), epoch,
              raw_generator            ? ", the generator's trained weights"
              : model.weight_average() ? ", the generator's weight average"
                                       : "");

  Timer timer;
  gen::ModelReportOptions opt;
  opt.samples = samples;
  opt.iw_samples = iw_samples;
  opt.seed = common.seed;
  const gen::ClassifierUse use = gen::classifier_use(model);
  TP_CHECK_AS(UsageError, use != gen::ClassifierUse::Required || !classifier_path.empty(),
              "FID and Inception Score need --classifier CHECKPOINT (train one: torchplay train classifier --data ",
              data, ")");
  gen::LoadedModel classifier;
  gen::Dataset train;
  if (use != gen::ClassifierUse::None && !classifier_path.empty()) {
    classifier = gen::load_model_checkpoint(classifier_path, device);
    gen::require_scorer(*classifier.model, model.shape(), "--classifier " + classifier.path);
    train = gen::load_dataset(data, gen::Split::Train, loaded.config.common.seed, 10000);
    opt.classifier = classifier.model.get();
    opt.train = &train;
  }
  const gen::ModelReport r = gen::evaluate_model(model, test, opt);
  const double seconds = timer.seconds();

  Json j = Json::object();
  j["model"] = loaded.path;
  j["algorithm"] = model.algorithm();
  j["data"] = data;
  j["epoch"] = epoch;
  if (model.weight_average()) j["generator"] = raw_generator ? "trained" : "average";
  if (r.modes) {
    const auto& m = *r.modes;
    std::printf("modes covered: %lld / %lld, high-quality samples: %.1f%% (of %lld)\n",
                static_cast<long long>(m.covered), static_cast<long long>(m.total), 100.0 * m.high_quality_share,
                static_cast<long long>(gen::kModeEvalSamples));
    j["modes"] = static_cast<long long>(m.covered);
    j["modes_total"] = static_cast<long long>(m.total);
    j["high_quality"] = m.high_quality_share;
  }
  if (r.classifier_skipped) std::printf("classifier FID / IS: not computed (no --classifier CHECKPOINT given)\n");
  if (r.classifier) {
    const auto& c = *r.classifier;
    std::printf("classifier FID: %.3f (floor, train vs test: %.3f)\n", c.generated.fid, c.train.fid);
    std::printf("classifier IS:  %.3f +- %.3f (train images: %.3f, test images: %.3f)\n", c.generated.inception_score,
                c.generated.inception_score_std, c.train.inception_score, c.test_inception_score);
    auto print_percentages = [](const std::vector<double>& shares) {
      for (double share : shares) std::printf(" %.1f", 100.0 * share);
    };
    std::printf("classes of samples (%%):");
    print_percentages(c.generated.class_shares);
    std::printf(" (train images:");
    print_percentages(c.train.class_shares);
    std::printf(")\n");
    std::printf("  %lld samples, classifier %s\n", static_cast<long long>(c.samples), classifier.path.c_str());
    j["fid"] = c.generated.fid;
    j["fid_floor"] = c.train.fid;
    j["inception_score"] = c.generated.inception_score;
    j["inception_score_std"] = c.generated.inception_score_std;
    j["inception_score_train"] = c.train.inception_score;
    j["inception_score_test"] = c.test_inception_score;
    j["class_shares"] = c.generated.class_shares;
    j["class_shares_train"] = c.train.class_shares;
    j["samples"] = static_cast<long long>(c.samples);
  }
  if (r.likelihood) {
    const auto& l = *r.likelihood;
    std::printf("test negative ELBO: %.2f nats (reconstruction %.2f, KL %.2f)\n", l.elbo.negative_elbo,
                l.elbo.reconstruction, l.elbo.kl);
    std::printf("test -log p(x) (importance-weighted bound, k = %lld): %.2f nats\n",
                static_cast<long long>(l.iw_samples), l.iw_nll);
    j["test_neg_elbo"] = l.elbo.negative_elbo;
    j["test_reconstruction"] = l.elbo.reconstruction;
    j["test_kl"] = l.elbo.kl;
    j["test_iw_nll"] = l.iw_nll;
    j["iw_samples"] = static_cast<long long>(l.iw_samples);
  }
  if (r.translation) {
    const auto& t = *r.translation;
    std::printf("task %s, %lld test images\n", t.task.c_str(), static_cast<long long>(t.images));
    auto report = [&](const char* who, const gen::TranslationScores& s, const std::string& key) {
      std::printf("  %-18s L1 %.4f  PSNR %.2f dB  SSIM %.4f", who, s.l1, s.psnr, s.ssim);
      if (t.scored) std::printf("  classifier FID %.3f  original class %.1f%%", s.fid, 100.0 * s.class_accuracy);
      std::printf("\n");
      j[key + "l1"] = s.l1;
      j[key + "psnr"] = s.psnr;
      j[key + "ssim"] = s.ssim;
      if (t.scored) {
        j[key + "fid"] = s.fid;
        j[key + "class_accuracy"] = s.class_accuracy;
      }
    };
    j["task"] = t.task;
    j["images"] = static_cast<long long>(t.images);
    report("outputs:", t.outputs, "");
    if (!t.baseline_name.empty()) {
      report((t.baseline_name + ":").c_str(), t.baseline, "baseline_");
      j["baseline"] = t.baseline_name;
    }
    if (t.scored) {
      std::printf("  floor: training images' FID %.3f; the originals' class recognised %.1f%%; classifier %s\n",
                  t.fid_floor, 100.0 * t.class_accuracy_truth, classifier.path.c_str());
      j["fid_floor"] = t.fid_floor;
      j["class_accuracy_truth"] = t.class_accuracy_truth;
    } else {
      std::printf("classifier FID and class accuracy: not computed (no --classifier CHECKPOINT given)\n");
    }
  }
  if (r.unpaired) {
    const auto& u = *r.unpaired;
    Json directions = Json::array();
    for (const auto& d : u.directions) {
      std::printf("classes %s -> %s: %lld test images, cycle L1 %.4f", d.from.c_str(), d.to.c_str(),
                  static_cast<long long>(d.images), d.cycle_l1);
      Json dj = Json::object();
      dj["from"] = d.from;
      dj["to"] = d.to;
      dj["images"] = static_cast<long long>(d.images);
      dj["cycle_l1"] = d.cycle_l1;
      if (u.scored) {
        std::printf("  in the target classes %.1f%% (its own test images: %.1f%%)  classifier FID %.3f (floor %.3f)",
                    100.0 * d.target_share, 100.0 * d.target_share_real, d.fid, d.fid_floor);
        dj["target_share"] = d.target_share;
        dj["target_share_real"] = d.target_share_real;
        dj["fid"] = d.fid;
        dj["fid_floor"] = d.fid_floor;
      }
      std::printf("\n");
      directions.push_back(dj);
    }
    j["directions"] = directions;
    if (u.scored)
      std::printf("  classifier %s\n", classifier.path.c_str());
    else
      std::printf("target-class shares and FID: not computed (no --classifier CHECKPOINT given)\n");
  }
  for (const auto& [name, value] : r.metrics) {
    std::printf("%s: %.6g\n", name.c_str(), value);
    j[name] = value;
  }
  j["seconds"] = seconds;
  if (common.json) print_json_line(j.dump());
  return 0;
}

}  // namespace tp::app
