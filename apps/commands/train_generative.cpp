// `torchplay train gan|dcgan|cgan|wgan-gp|vae|ae|dae|sae|classifier`: one command for every
// generative model, running the shared loop of generative/train_loop.h.
#include <torch/torch.h>

#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/json.h"
#include "core/options.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "generative/data/dataset.h"
#include "generative/model_io.h"
#include "generative/train_loop.h"

namespace tp::app {

int train_generative(const std::string& algorithm, const Args& args) {
  auto cfg = gen::TrainConfig::for_algorithm(algorithm);
  std::string resume;
  OptionSet set("torchplay train " + algorithm + " [options]");
  cfg.add_to(set);
  set.add_transient("resume", &resume, "continue the run in RUN_DIR from its newest checkpoint");
  // --resume RUN reads RUN/config.ini as the defaults (the command line still wins).
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--resume") resume = args[i + 1];
  for (const auto& a : args)
    if (a.rfind("--resume=", 0) == 0) resume = a.substr(9);
  if (!resume.empty()) set.set_default_config_file(RunDir::open_existing(resume).config_path());
  if (!set.parse(args)) return 0;
  init_runtime(cfg.common);

  const auto train = gen::load_dataset(cfg.loop.data, gen::Split::Train, cfg.common.seed, cfg.loop.synthetic_size);
  const auto test = gen::load_dataset(cfg.loop.data, gen::Split::Test, cfg.common.seed,
                                      std::min<int64_t>(cfg.loop.synthetic_size, 10000));
  const RunDir run = resume.empty() ? RunDir::create(algorithm, cfg.loop.data, cfg.common.run_dir) : RunDir::open_existing(resume);
  const std::string ini = set.to_ini();
  if (resume.empty()) run.write_config(ini);
  auto model = gen::make_model(cfg.model, gen::DataShape::of(train));

  gen::TrainRun tr;
  tr.run = &run;
  tr.config_ini = ini;
  tr.seed = cfg.common.seed;
  tr.quiet = cfg.common.quiet;
  tr.resume = !resume.empty();
  const auto result = gen::train_model(*model, cfg.loop, train, test, tr);

  if (!cfg.common.quiet) {
    std::printf("%s on %s: %lld epochs, %lld steps, %.1f s training, %.0f images/s (last epoch)\n", algorithm.c_str(),
                cfg.loop.data.c_str(), static_cast<long long>(result.epochs_done), static_cast<long long>(result.steps),
                result.train_seconds, result.images_per_second);
    for (const auto& [k, v] : result.last)
      if (k != "epoch" && k != "step") std::printf("  %s = %.6g\n", k.c_str(), v);
    std::printf("run: %s\n", run.path().c_str());
  }
  if (cfg.common.json) {
    Json j = Json::object();
    j.set("algorithm", algorithm);
    j.set("data", cfg.loop.data);
    j.set("run_dir", run.path());
    j.set("checkpoint", result.checkpoint);
    j.set("epochs", result.epochs_done);
    j.set("steps", result.steps);
    j.set("train_seconds", result.train_seconds);
    j.set("images_per_second", result.images_per_second);
    j.set("interrupted", result.interrupted_by != 0);
    for (const auto& [k, v] : result.last)
      if (k != "epoch" && k != "step" && k != "train_seconds" && k != "images_per_s") j.set(k, std::isfinite(v) ? Json(v) : Json());
    print_json_line(j.dump());
  }
  if (result.interrupted_by) {
    std::fprintf(stderr, "interrupted: checkpoint %s (resume with --resume %s)\n", result.checkpoint.c_str(), run.path().c_str());
    return interrupt_exit_code(result.interrupted_by);
  }
  return 0;
}

}  // namespace tp::app
