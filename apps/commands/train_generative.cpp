// `torchplay train gan|dcgan|cgan|wgan-gp|vae|ae|dae|sae|classifier`: one command for every
// generative model, a run of the shared loop (generative/train_loop.h). Parse, call, print.
#include "apps/commands.h"
#include "core/error.h"
#include "core/process_group.h"
#include "core/runtime.h"
#include "generative/data/dataset.h"
#include "generative/model_factory.h"
#include "generative/model_io.h"
#include "generative/train_loop.h"

namespace tp::app {

int train_generative(const std::string& algorithm, const Args& args) {
  OptionSet set("torchplay train " + algorithm + " [options]");
  set.enable_resume();
  // A resumed run's config.ini is read over the options' own defaults (model_io.h).
  auto cfg =
      set.peek(args, "resume") ? gen::TrainConfig::recorded_base(algorithm) : gen::TrainConfig::preset(algorithm);
  TrainShow show;
  DistOptions dist;
  cfg.bind(set);
  show.bind(set);
  dist.bind(set);
  if (!set.parse(args)) return 0;
  const ThreadLayout cores = init_runtime(cfg.common, CoreUse::kDataParallel);
  const DistPlace place = resolve_dist_place(dist);
  const auto train = gen::load_dataset(cfg.loop.data, gen::Split::Train, cfg.common.seed, cfg.loop.synthetic_size);
  const auto test = gen::load_dataset(cfg.loop.data, gen::Split::Test, cfg.common.seed,
                                      std::min<int64_t>(cfg.loop.synthetic_size, 10000));
  auto model = gen::make_model(cfg.model, gen::DataShape::of(train), torch::Device(cfg.common.device));
  const ThreadLayout layout = gen::give_cores(*model, cores, cfg.common.threads);
  // Several processes as one run (docs/distributed.md): --batch-size is the whole batch,
  // each rank trains on its share of it.
  model->check_distributable(place.world_size);  // before connecting to the others
  const auto group = ProcessGroup::connect_if_distributed(place);
  if (group) model->distribute(*group);
  RunSettings settings = show.attach(run_settings(set, cfg.common, layout));
  join_run(settings, group.get(), "--batch-size split over them");
  const RunOutcome outcome = gen::train_model(*model, cfg.loop, train, test, settings, cfg.common.seed);
  return print_run_outcome(outcome, cfg.common);
}

}  // namespace tp::app
