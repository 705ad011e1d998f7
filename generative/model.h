#pragma once
// The interface every generative model (and the evaluation classifier) offers to the one
// training loop (generative/train_loop.h), to `generate`, `eval --model` and the sample
// viewer (generative/sampler.h). A model owns its networks and optimizers; the loop owns
// data, epochs, checkpoints, metrics and sample grids. generative/model_factory.h builds the
// concrete models by algorithm name.
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "generative/data/dataset.h"
#include "generative/options.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
class ProcessGroup;
}  // namespace tp

namespace torch::jit {
struct Module;
}

namespace tp::gen {

class LikelihoodBound;  // generative/capabilities.h
class SampleScorer;
class ImageTranslator;
class WeightAverage;

// What the networks are built for: images (C, H, W) or 2-D points, and the class count.
struct DataShape {
  int64_t channels = 0, height = 0, width = 0;  // 0: 2-D points
  int64_t num_classes = 0;
  std::string synthetic;  // ring8 | grid25 | moons for 2-D data
  bool is_image() const { return channels > 0; }
  int64_t flat_size() const { return is_image() ? channels * height * width : 2; }
  static DataShape of(const Dataset& d);
};

// Inputs held fixed for the whole run (and checkpointed), so the per-epoch grids compare.
struct FixedInputs {
  torch::Tensor z;       // latents (GAN, VAE)
  torch::Tensor labels;  // classes (conditional models)
  torch::Tensor x;       // data (autoencoders show reconstructions of these)
};

class GenerativeModel {
 public:
  virtual ~GenerativeModel() = default;
  virtual std::string algorithm() const = 0;
  virtual std::string architecture() const = 0;
  const DataShape& shape() const { return shape_; }

  // Epochs the run takes when --epochs is `epochs` (sae adds its layer-wise pre-training).
  virtual int64_t schedule_epochs(int64_t epochs) const { return epochs; }
  // Called when a run, new or resumed, starts with its --epochs: schedules that count from
  // the run's end (the GAN's --lr-decay-epochs) take it from here.
  virtual void begin_run(int64_t /*epochs*/) {}
  // Called once before a new run's first step with its training split (a resumed run's
  // checkpoint holds what it computed): the self-conditioned GAN clusters the data here.
  virtual void prepare(const Dataset& /*train*/) {}
  // The training samples of an epoch (sae fine-tunes on its labelled subset).
  virtual Dataset epoch_data(int64_t /*epoch*/, const Dataset& train) const { return train; }
  // One optimization step; returns the values named by loss_names() (epoch means go to metrics.csv).
  virtual std::vector<std::string> loss_names() const = 0;
  virtual std::vector<double> train_step(int64_t epoch, const torch::Tensor& x, const torch::Tensor& y) = 0;
  // Splits each training step's batch over `parts` (>= 1) threads (nets/data_parallel.h) and
  // returns the number of parts it will use: 1 for a model that trains on one thread, and off
  // the CPU.
  int split_batches(int parts);
  // True for the models that can train as replicas of a distributed run (their steps run
  // through nets::DataParallel): vae, ae, dae and the GANs.
  virtual bool trains_distributed() const { return false; }
  // Makes the model one replica of a distributed run (nets::DataParallel::join): each rank
  // trains on its own rows of every batch and the gradients are summed over the ranks. A
  // UsageError for a model that cannot and off the CPU.
  void distribute(ProcessGroup& group);
  // UsageError for a world size > 1 when the model does not trains_distributed().
  void check_distributable(int world_size) const;
  // End-of-epoch evaluation on the test split (test ELBO, accuracy, modes, ...).
  virtual std::vector<std::string> eval_names() const { return {}; }
  virtual std::vector<double> evaluate(const Dataset& test) = 0;

  // Sampling. latent_dim() == 0: the model has no prior to sample from (autoencoders).
  virtual int64_t latent_dim() const { return 0; }
  virtual int64_t num_classes() const { return 0; }  // > 0: conditional on a class
  // Samples for latents z (N, latent_dim) and labels (N) when conditional, in data range:
  // images in [0, 1] (N, C, H, W) or points (N, 2). Runs in eval mode without gradients.
  virtual torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels);
  // The fixed inputs of the per-epoch picture, drawn from `gen_seed` (and test data).
  virtual FixedInputs make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset& test) const;
  // What the per-epoch picture shows for the fixed inputs (samples, or reconstructions next to
  // their inputs): images in [0, 1] or points; undefined when there is nothing to draw.
  virtual torch::Tensor visualize(const FixedInputs& fixed);

  // The sampler as a TorchScript module (torchplay export): forward(z) or, conditional,
  // forward(z, labels) returns what generate() returns. A UsageError for models that do not
  // sample from latents.
  virtual torch::jit::Module to_torchscript() const;
  // Capabilities (generative/capabilities.h) for evaluation; nullptr when the model has none.
  virtual LikelihoodBound* likelihood_bound() { return nullptr; }
  virtual SampleScorer* sample_scorer() { return nullptr; }
  virtual ImageTranslator* translator() { return nullptr; }
  virtual WeightAverage* weight_average() { return nullptr; }

  // Checkpoints hold CPU tensors on load (core/checkpoint.h): load(), then to(device()).
  virtual void save(CheckpointWriter& writer) const = 0;
  virtual void load(CheckpointReader& reader) = 0;

  // Where the networks (and their optimizer state) live. Callers pass CPU tensors (batches,
  // test sets, latents); the model moves them there, and the tensors it returns (generate,
  // visualize, the capabilities' outputs) are on the CPU again.
  torch::Device device() const { return device_; }
  void to(torch::Device device);

 protected:
  explicit GenerativeModel(DataShape shape) : shape_(std::move(shape)) {}
  // Moves every network and optimizer state of the model to `device`.
  virtual void move_to(torch::Device device) = 0;
  // Makes the part copies for `parts` parts (1: none) and returns the parts the model uses.
  virtual int make_parts(int /*parts*/) { return 1; }
  // Joins every DataParallel of the model to `group` (models that train_distributed()).
  virtual void join_group(ProcessGroup& /*group*/) {}
  // `t` on device() (undefined stays undefined).
  torch::Tensor on_device(const torch::Tensor& t) const;
  DataShape shape_;
  torch::Device device_ = torch::kCPU;

 private:
  int remake_parts(int parts);  // make_parts, then joins the group again
  ProcessGroup* group_ = nullptr;
};

}  // namespace tp::gen
