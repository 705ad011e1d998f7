// Training throughput of the generative models (images or points per second of training
// steps: forward, backward and optimizer updates), on random data of the real shapes, so it
// needs no dataset. Thread layout: one core, or TORCHPLAY_BENCH_THREADS cores used as `train`
// uses them (data-parallel parts or intra-op threads), always one OpenBLAS thread; glibc keeps freed buffers as the CLI
// does (tp::keep_freed_buffers: without it one-thread VAE steps varied 6-19 ms here). Rates
// are per wall-clock second (UseRealTime), so a second thread's work counts; page faults per
// step count the process's threads together.
//   build-*/bench_generative --benchmark_filter=Vae
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>

#include "core/runtime.h"
#include "generative/model_factory.h"

namespace {

using tp::gen::DataShape;

// TORCHPLAY_BENCH_THREADS means what --threads means to `train`: the cores a model may use,
// as data-parallel parts when it splits batches, else as intra-op threads (give_cores).
int bench_threads() {
  const char* t = std::getenv("TORCHPLAY_BENCH_THREADS");
  return t ? std::max(1, std::atoi(t)) : 1;
}

void use_cores(tp::gen::GenerativeModel& model) {
  tp::ThreadLayout layout = tp::current_thread_layout();
  layout.workers = bench_threads();
  tp::gen::give_cores(model, layout, bench_threads());
}

void set_threads() {
  tp::set_compute_threads(1);
  tp::keep_freed_buffers();
}

DataShape fashion_shape() {
  DataShape s;
  s.channels = 1;
  s.height = s.width = 28;
  s.num_classes = 10;
  return s;
}

long page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

void run_steps(benchmark::State& state, tp::gen::GenerativeModel& model, const torch::Tensor& x,
               const torch::Tensor& y) {
  for (int i = 0; i < 2; ++i) model.train_step(0, x, y);  // warm-up (allocator, Adam state)
  const long faults = page_faults();
  for (auto _ : state) benchmark::DoNotOptimize(model.train_step(0, x, y));
  state.counters["images_per_s"] =
      benchmark::Counter(static_cast<double>(x.size(0)), benchmark::Counter::kIsIterationInvariantRate);
  // Every thread's, after the warm-up: a step that keeps faulting pages in is mapping its
  // buffers afresh (docs/performance.md, "A measuring trap").
  state.counters["page_faults_per_step"] =
      benchmark::Counter(static_cast<double>(page_faults() - faults), benchmark::Counter::kAvgIterations);
}

// algorithm, batch, width (ngf = ndf for DCGAN; unused otherwise); `vae_arch`: the VAE's --arch.
void BM_ImageModel(benchmark::State& state, const char* algorithm, const char* vae_arch = "mlp") {
  set_threads();
  torch::manual_seed(0);
  auto cfg = tp::gen::ModelConfig::preset(algorithm);
  cfg.vae.arch = vae_arch;
  cfg.gan.ngf = cfg.gan.ndf = state.range(1);
  auto model = tp::gen::make_model(cfg, fashion_shape());
  use_cores(*model);
  const int64_t batch = state.range(0);
  auto x = torch::rand({batch, 1, 28, 28});
  auto y = torch::randint(10, {batch}, torch::kInt64);
  tp::gen::Dataset data;  // what the model derives from its data (the DCGAN's clusters)
  data.x = x;
  data.y = y;
  model->prepare(data);
  run_steps(state, *model, x, y);
}

void BM_Gan2d(benchmark::State& state) {
  set_threads();
  torch::manual_seed(0);
  auto cfg = tp::gen::ModelConfig::preset("gan");
  DataShape s;
  s.synthetic = "ring8";
  auto model = tp::gen::make_model(cfg, s);
  use_cores(*model);
  auto x = torch::randn({state.range(0), 2});
  run_steps(state, *model, x, {});
}

}  // namespace

BENCHMARK_CAPTURE(BM_ImageModel, vae_mlp, "vae")
    ->Args({128, 0})
    ->Args({64, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, dcgan, "dcgan")
    ->Args({128, 64})
    ->Args({128, 32})
    ->Args({64, 32})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, dae, "dae")->Args({128, 0})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, gan_mlp, "gan")->Args({128, 0})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, vae_conv, "vae", "conv")->Args({128, 0})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, cgan, "cgan")->Args({128, 32})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, wgan_gp, "wgan-gp")->Args({128, 32})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ImageModel, classifier, "classifier")
    ->Args({128, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Gan2d)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
