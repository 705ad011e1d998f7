// `torchplay generate --model CHECKPOINT --n 64 --out grid.png [--class K]
//  [--interpolate A,B --steps 10] [--scale 3] [--seed S]`: PNG grids of samples from a generator.
#include <torch/torch.h>

#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/png_image.h"
#include "core/runtime.h"
#include "generative/sampler.h"

namespace tp::app {

int cmd_generate(const Args& args) {
  CommonOptions common;
  std::string model, out = "samples.png", interpolate;
  int64_t n = 64, class_label = -1, steps = 10, columns = 0, scale = 1;
  OptionSet set(
      "torchplay generate --model CHECKPOINT|RUN_DIR [--n 64] [--out grid.png] [--class K]\n"
      "       [--interpolate A,B --steps 10] [--scale 3] [--seed S]");
  set.add("model", &model, "generator checkpoint (gan, dcgan, cgan, wgan-gp, vae), or its run directory")
      .add("out", &out, "output PNG file")
      .add("n", &n, "samples (latents drawn from --seed); with --interpolate: rows of --steps")
      .add("class", &class_label, "conditional models: the class of every sample (-1: all classes in turn)")
      .add("interpolate", &interpolate, "A,B: walk from latent A to latent B (indices into the --n latents of --seed)")
      .add("steps", &steps, "interpolation steps (columns), endpoints included")
      .add("columns", &columns, "grid columns (0: 8, the class count of a conditional model, or --steps)")
      .add("scale", &scale, "enlarge the grid this many times, pixels repeated (1..16)");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !model.empty(), "--model is required");
  TP_CHECK_AS(UsageError, n > 0, "--n must be > 0");
  TP_CHECK_AS(UsageError, columns >= 0, "--columns must be >= 0");
  TP_CHECK_AS(UsageError, scale >= 1 && scale <= 16, "--scale must be in 1..16, not ", scale);
  init_runtime(common);

  gen::Sampler sampler(model, torch::Device(common.device));
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
