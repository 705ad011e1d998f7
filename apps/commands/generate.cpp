// `torchplay generate --model CHECKPOINT --n 64 --out grid.png [--class K]
//  [--interpolate A,B --steps 10] [--scale 3] [--seed S]`: PNG grids of samples from a generator.
// Image-to-image models (pix2pix, srgan, cyclegan): `--from-test N` draws rows of input |
// output | truth for the first N test images (cyclegan: image | translation | round trip, its
// two domains' test images in turn), `--input PNG` translates a picture of the user's
// (cyclegan: from domain A).
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/png_image.h"
#include "core/runtime.h"
#include "generative/capabilities.h"
#include "generative/data/dataset.h"
#include "generative/models/translation.h"
#include "generative/sample_grid.h"
#include "generative/sampler.h"

namespace tp::app {

namespace {
// An image-to-image model's picture: for test images, the rows picture_rows() gives (inputs,
// outputs, truths); for a user's PNG, its row and the output's.
Image translation_picture(gen::LoadedModel& loaded, gen::ImageTranslator& t, int64_t from_test,
                          const std::string& input, int columns) {
  std::vector<torch::Tensor> rows;
  if (input.empty()) {
    auto images = t.picture_images(
        gen::load_dataset(loaded.config.loop.data, gen::Split::Test, loaded.config.common.seed, 10000));
    const int64_t n = std::min(from_test, images.size());
    images.x = images.x.narrow(0, 0, n);
    if (images.y.defined()) images.y = images.y.narrow(0, 0, n);
    rows = t.picture_rows(images);
  } else {
    const auto& shape = loaded.model->shape();
    const auto inputs = gen::image_tensor(read_png(input), shape.channels);
    TP_CHECK_AS(UsageError, inputs.size(2) == shape.height && inputs.size(3) == shape.width, "--input ", input, " is ",
                inputs.size(3), "x", inputs.size(2), "; the model takes ", shape.width, "x", shape.height,
                " images (the task's input: ", t.task(), ")");
    rows = {inputs, t.translate(inputs), torch::Tensor()};
  }
  // Fewer images than columns: rows as long as the images.
  const auto cols = static_cast<int>(std::min<int64_t>(columns, rows[0].size(0)));
  return gen::image_grid(gen::translation_rows(rows[0], rows[1], rows[2], cols), cols);
}
}  // namespace

int cmd_generate(const Args& args) {
  CommonOptions common;
  std::string model, out = "samples.png", interpolate, input;
  bool raw_generator = false;
  int64_t n = 64, class_label = -1, steps = 10, columns = 0, scale = 1, from_test = 0;
  OptionSet set(
      "torchplay generate --model CHECKPOINT|RUN_DIR [--n 64] [--out grid.png] [--class K]\n"
      "       [--interpolate A,B --steps 10] [--scale 3] [--seed S]\n"
      "       image-to-image models: [--from-test N | --input PNG]");
  set.add("model", &model,
          "generator checkpoint (gan, dcgan, cgan, wgan-gp, vae; pix2pix, srgan, cyclegan), or its run directory")
      .add("out", &out, "output PNG file")
      .add("n", &n, "samples (latents drawn from --seed); with --interpolate: rows of --steps")
      .add("class", &class_label, "conditional models: the class of every sample (-1: all classes in turn)")
      .add("interpolate", &interpolate, "A,B: walk from latent A to latent B (indices into the --n latents of --seed)")
      .add("steps", &steps, "interpolation steps (columns), endpoints included")
      .add("columns", &columns, "grid columns (0: 8, the class count of a conditional model, or --steps)")
      .add("scale", &scale, "enlarge the grid this many times, pixels repeated (1..16)")
      .add("from-test", &from_test,
           "image-to-image models: rows of input | output | truth for the first N test images (0: 16)")
      .add("input", &input, "image-to-image models: translate this PNG (the task's input, e.g. an edge map)")
      .add("raw-generator", &raw_generator,
           "models trained with --g-ema (GANs, cyclegan): sample the generators' trained weights, not their average");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !model.empty(), "--model is required");
  TP_CHECK_AS(UsageError, n > 0, "--n must be > 0");
  TP_CHECK_AS(UsageError, columns >= 0, "--columns must be >= 0");
  TP_CHECK_AS(UsageError, scale >= 1 && scale <= 16, "--scale must be in 1..16, not ", scale);
  TP_CHECK_AS(UsageError, from_test >= 0, "--from-test must be >= 0");
  TP_CHECK_AS(UsageError, from_test == 0 || input.empty(), "--from-test and --input exclude each other");
  init_runtime(common);

  auto loaded = gen::load_model_checkpoint(model, torch::Device(common.device));
  if (raw_generator) gen::sample_trained_weights(*loaded.model, loaded.path);
  if (gen::ImageTranslator* t = loaded.model->translator()) {
    TP_CHECK_AS(UsageError, interpolate.empty() && class_label < 0, "'", loaded.header.algorithm,
                "' translates images: use --from-test N or --input PNG, not --interpolate or --class");
    const Image picture = translation_picture(loaded, *t, from_test > 0 ? from_test : 16, input,
                                              columns > 0 ? static_cast<int>(columns) : 8);
    write_png(out, upscaled(picture, static_cast<int>(scale)));
    if (!common.quiet)
      std::printf("wrote %s: %s translations (%s) by %s\n", out.c_str(), input.empty() ? "test-image" : input.c_str(),
                  t->task().c_str(), loaded.path.c_str());
    if (common.json) {
      Json j = Json::object();
      j["out"] = out;
      j["model"] = loaded.path;
      j["algorithm"] = loaded.header.algorithm;
      j["task"] = t->task();
      print_json_line(j.dump());
    }
    return 0;
  }
  TP_CHECK_AS(UsageError, from_test == 0 && input.empty(), "--from-test and --input are for image-to-image models; '",
              loaded.header.algorithm, "' samples from latents");
  gen::Sampler sampler(std::move(loaded));
  const auto z = sampler.random_latents(n, common.seed);
  torch::Tensor samples;
  int cols = columns > 0 ? static_cast<int>(columns)
                         : (sampler.num_classes() > 0 && class_label < 0 ? static_cast<int>(sampler.num_classes()) : 8);
  if (!interpolate.empty()) {
    const auto parts = split_list(interpolate, "--interpolate");
    TP_CHECK_AS(UsageError, parts.size() == 2, "--interpolate takes two latent indices A,B");
    int64_t a = -1, b = -1;
    try {
      a = std::stoll(parts[0]);
      b = std::stoll(parts[1]);
    } catch (const std::exception&) {
      TP_THROW(UsageError, "--interpolate takes two integer indices, not '", interpolate, "'");
    }
    TP_CHECK_AS(UsageError, a >= 0 && a < n && b >= 0 && b < n, "--interpolate indices must be in 0..", n - 1,
                " (--n)");
    samples = sampler.sample_walk(gen::Sampler::interpolate(z[a], z[b], steps), class_label);
    if (columns == 0) cols = static_cast<int>(steps);
  } else {
    samples = sampler.sample(z, class_label);
  }
  write_png(out, upscaled(sampler.render(samples, cols), static_cast<int>(scale)));
  if (!common.quiet)
    std::printf("wrote %s: %lld samples from %s (%s)\n", out.c_str(), static_cast<long long>(samples.size(0)),
                sampler.checkpoint_path().c_str(), sampler.algorithm().c_str());
  if (common.json) {
    Json j = Json::object();
    j["out"] = out;
    j["model"] = sampler.checkpoint_path();
    j["algorithm"] = sampler.algorithm();
    j["samples"] = static_cast<long long>(samples.size(0));
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
