#pragma once
// What `torchplay eval --model` reports for a trained generative model, by what the model can do:
//   2-D generators: modes covered and high-quality share (kModeEvalSamples samples);
//   image generators: classifier FID and Inception Score of generated samples against the
//     test set, beside the floor (as many training images scored the same way);
//   models with a likelihood bound (vae): the test ELBO and the importance-weighted bound;
//   image-to-image models (pix2pix, srgan): L1, PSNR, SSIM of their test outputs, and with a
//     classifier the outputs' FID and how often their class is the original's;
//   unpaired translators (cyclegan): each direction's cycle L1, and with a classifier the
//     share of translations in the target domain and their FID against it;
//   models without a prior (ae, dae, sae, classifier): their own test evaluation.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "generative/capabilities.h"
#include "generative/eval/mode_coverage.h"
#include "generative/model.h"

namespace tp::gen {

// Classifier FID and Inception Score (mean and std over splits) of one set of images, and
// the share of the images the classifier assigns to each class (its argmax): an
// unconditional generator that favours some classes shows it here, and in the FID.
struct SampleScores {
  double fid = 0, inception_score = 0, inception_score_std = 0;
  std::vector<double> class_shares;
};

struct ClassifierReport {
  SampleScores generated;           // the model's samples
  SampleScores train;               // the floor: training images vs the test set
  double test_inception_score = 0;  // the test images themselves
  int64_t samples = 0;
};

struct LikelihoodReport {
  ElboReport elbo;
  double iw_nll = 0;       // importance-weighted bound on -log p(x), nats per image
  int64_t iw_samples = 0;  // its k
};

// An image-to-image model (ImageTranslator) on test images: its outputs for the inputs the
// task makes from them, against the images themselves, and the same for the task's naive
// answer (bicubic upsampling for sr4), when it has one. With a classifier: the FID against
// the test set beside the floor, and the share of images the classifier puts in the
// original image's class, beside its accuracy on the originals.
struct TranslationScores {
  double l1 = 0, psnr = 0, ssim = 0;   // means per image, pixels in [0, 1]
  double fid = 0, class_accuracy = 0;  // with a classifier
};

struct TranslationReport {
  std::string task;
  int64_t images = 0;
  TranslationScores outputs;
  std::string baseline_name;  // empty: the task has no naive answer
  TranslationScores baseline;
  bool scored = false;  // a classifier gave the FIDs and class accuracies
  double fid_floor = 0, class_accuracy_truth = 0;
};

// An unpaired translator (cyclegan), each direction on the test images of its source domain:
// the cycle L1 of their round trips and, with a classifier, the share of translations it puts
// in the target domain's classes (beside its share for the target domain's own test images)
// and their FID against those images (floor: as many of the target domain's training images).
struct DirectionReport {
  std::string from, to;  // the domains' class lists, e.g. "7"
  int64_t images = 0;
  double cycle_l1 = 0;                                                     // per pixel, in [0, 1]
  double target_share = 0, target_share_real = 0, fid = 0, fid_floor = 0;  // with a classifier
};

struct UnpairedReport {
  std::vector<DirectionReport> directions;  // A -> B, B -> A
  bool scored = false;
};

struct ModelReport {
  std::optional<ModeStats> modes;
  std::optional<ClassifierReport> classifier;
  // An image generator scored without a classifier (allowed when it has a likelihood bound).
  bool classifier_skipped = false;
  std::optional<LikelihoodReport> likelihood;
  std::optional<TranslationReport> translation;
  std::optional<UnpairedReport> unpaired;
  std::vector<std::pair<std::string, double>> metrics;  // eval_names() -> evaluate(), models without a prior
};

// Whether a model's samples are scored with a classifier: Required for image generators
// with nothing else to report, Optional for those with a likelihood bound, else None.
enum class ClassifierUse { None, Optional, Required };
ClassifierUse classifier_use(GenerativeModel& model);

struct ModelReportOptions {
  int64_t samples = 10000;  // generated samples scored for FID / IS; test images a translator translates
  int64_t iw_samples = 0;   // k of the importance-weighted bound (0: the model's own)
  uint64_t seed = 1;        // latents and posterior samples
  // The evaluation classifier (sample_scorer()) and the training images of the FID floor;
  // both needed when classifier_use() is Required, both ignored when it is None.
  GenerativeModel* classifier = nullptr;
  const Dataset* train = nullptr;
};

// Throws UsageError when a classifier is needed but missing, not a classifier, or trained
// on images of another shape than the model's.
ModelReport evaluate_model(GenerativeModel& model, const Dataset& test, const ModelReportOptions& options);

// FID and IS of `images` with `scorer`, against the test set's features (scorer.features(test.x)).
SampleScores score_samples(SampleScorer& scorer, const torch::Tensor& images, const torch::Tensor& test_features);

}  // namespace tp::gen
