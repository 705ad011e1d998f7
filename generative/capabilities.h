#pragma once
// Capabilities that only some generative models have. Evaluation asks a model for them
// (GenerativeModel::likelihood_bound(), sample_scorer()) instead of casting it to a concrete
// class, so a new model with a likelihood or a scoring classifier is evaluated as well.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "generative/data/dataset.h"

namespace tp::gen {

class GenerativeModel;  // generative/model.h
struct DataShape;

struct ElboReport {
  double negative_elbo = 0, reconstruction = 0, kl = 0;  // nats per image
};

// A model with a bound on the data's likelihood (the VAE): test ELBO and the
// importance-weighted bound.
class LikelihoodBound {
 public:
  virtual ~LikelihoodBound() = default;
  // ELBO with one posterior sample per image, drawn from `seed`.
  virtual ElboReport elbo(const Dataset& data, uint64_t seed) = 0;
  // -log p(x) estimate (nats per image) with k importance samples per image.
  virtual double importance_weighted_nll(const Dataset& data, int64_t k, uint64_t seed) = 0;
  // The k the model was trained to report (its --iw-samples).
  virtual int64_t default_iw_samples() const = 0;
};

// A model that scores images (the evaluation classifier): penultimate features for the
// classifier FID and class probabilities for the Inception Score. Eval mode, no gradients.
class SampleScorer {
 public:
  virtual ~SampleScorer() = default;
  virtual torch::Tensor features(const torch::Tensor& images) = 0;
  virtual torch::Tensor probabilities(const torch::Tensor& images) = 0;
  // Feature maps for a perceptual (content) loss, differentiable with respect to `images`
  // (in [0, 1], on the scorer's device). Call freeze() first: eval mode for good, and
  // parameters without gradients, so the maps can be computed from several threads at once.
  virtual torch::Tensor content_features(const torch::Tensor& images) = 0;
  virtual void freeze() = 0;
};

// `classifier`'s scorer, checked to score images of `images`' shape: a UsageError naming
// `what` (e.g. "--content-net FILE") when it is no classifier or was trained on other images.
SampleScorer& require_scorer(GenerativeModel& classifier, const DataShape& images, const std::string& what);

// A generator that keeps a moving average of its weights (GANs and cyclegan with --g-ema) and samples
// from the average. Evaluation can switch to the trained weights themselves, so the average
// is measured against what it averages.
class WeightAverage {
 public:
  virtual ~WeightAverage() = default;
  // true (the default): generate() and the export use the average; false: the weights trained.
  virtual void sample_from_average(bool average) = 0;
};

// Makes `model` (read from `path`) sample from its trained weights instead of their average
// (the --raw-generator of eval and generate): a UsageError when it keeps no average.
void sample_trained_weights(GenerativeModel& model, const std::string& path);

// A model that translates between two groups of classes without paired examples (cyclegan).
class UnpairedDomains {
 public:
  virtual ~UnpairedDomains() = default;
  // The classes of domain A (side 0) or B (side 1).
  virtual const std::vector<int64_t>& classes(int side) const = 0;
  // Images (N, C, H, W) in [0, 1] of domain `side` translated to the other domain, in [0, 1].
  // Eval mode, no gradients.
  virtual torch::Tensor translate_from(const torch::Tensor& images, int side) = 0;
};

// Whether each label (N) is one of `classes` (bool, N), and the images of a labelled set whose
// labels are: a domain's images (UsageError for a set without labels).
torch::Tensor in_classes(const torch::Tensor& labels, const std::vector<int64_t>& classes);
// "5,7": a domain's classes as its options name them.
std::string class_list(const std::vector<int64_t>& classes);
Dataset images_of_classes(const Dataset& data, const std::vector<int64_t>& classes);

// A model that translates images (pix2pix, srgan): it learns to map the input a task's fixed
// rule makes from an image (generative/image_tasks.h) back to the image. Evaluation compares
// its outputs on test inputs with the test images themselves. cyclegan is one too: its input
// is the image itself, translate() maps domain A to B, and unpaired() says more.
class ImageTranslator {
 public:
  virtual ~ImageTranslator() = default;
  virtual const std::string& task() const = 0;
  // The model's inputs for images (N, C, H, W) in [0, 1]: the task's rule.
  virtual torch::Tensor source(const torch::Tensor& images) const = 0;
  // Outputs (N, C, H, W) in [0, 1] for inputs as source() makes them. Eval mode, no gradients;
  // a model with noise draws it from a fixed stream, so one input always gives one output.
  virtual torch::Tensor translate(const torch::Tensor& inputs) = 0;
  // The test images the pictures (generate --from-test, watch) start from: all of them, or
  // cyclegan's two domains' images in turn.
  virtual Dataset picture_images(const Dataset& test) const { return test; }
  // A picture's three rows for `images` (and their labels), each (N, C, H', W') in [0, 1]: the
  // inputs, the outputs and the originals (cyclegan: the images, their translations, and
  // these translated back).
  virtual std::vector<torch::Tensor> picture_rows(const Dataset& images);
  virtual std::vector<std::string> picture_row_names() const { return {"input", "output", "original"}; }
  // The two domains of an unpaired translator; nullptr for a task's rule.
  virtual UnpairedDomains* unpaired() { return nullptr; }
};

}  // namespace tp::gen
