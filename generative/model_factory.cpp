#include "generative/model_factory.h"

#include "core/error.h"
#include "generative/models/autoencoder.h"
#include "generative/models/classifier.h"
#include "generative/models/cyclegan.h"
#include "generative/models/gan.h"
#include "generative/models/pix2pix.h"
#include "generative/models/srgan.h"
#include "generative/models/stacked_autoencoder.h"
#include "generative/models/vae.h"

namespace tp::gen {

const std::vector<std::string>& model_algorithms() {
  static const std::vector<std::string> names = {"gan", "dcgan", "cgan",       "wgan-gp", "vae",   "ae",
                                                 "dae", "sae",   "classifier", "pix2pix", "srgan", "cyclegan"};
  return names;
}

namespace {
std::unique_ptr<GenerativeModel> make_on_cpu(const ModelConfig& c, const DataShape& shape) {
  const auto& a = c.algorithm;
  if (a == "gan" || a == "dcgan" || a == "cgan" || a == "wgan-gp") return std::make_unique<GanModel>(a, c.gan, shape);
  if (a == "vae") return std::make_unique<VaeModel>(c.vae, shape);
  if (a == "ae" || a == "dae") return std::make_unique<AutoencoderModel>(a, c.ae, shape);
  if (a == "sae") return std::make_unique<StackedAutoencoderModel>(c.ae, shape);
  if (a == "classifier") return std::make_unique<ClassifierModel>(c.classifier, shape);
  if (a == "pix2pix") return std::make_unique<Pix2PixModel>(c.pix2pix, shape);
  if (a == "srgan") return std::make_unique<SrganModel>(c.srgan, shape);
  if (a == "cyclegan") return std::make_unique<CycleGanModel>(c.cyclegan, shape);
  TP_THROW(UsageError, "unknown generative algorithm '", a, "'");
}
}  // namespace

std::unique_ptr<GenerativeModel> make_model(const ModelConfig& c, const DataShape& shape, torch::Device device) {
  auto model = make_on_cpu(c, shape);
  if (device != model->device()) model->to(device);
  return model;
}

ThreadLayout give_cores(GenerativeModel& model, const ThreadLayout& layout, int threads) {
  const int parts = model.split_batches(layout.workers);
  if (parts > 1) {
    ThreadLayout in_effect = layout;
    in_effect.workers = parts;
    return in_effect;
  }
  set_compute_threads(threads > 0 ? threads : 1);
  ThreadLayout in_effect = current_thread_layout();
  in_effect.note = layout.note;  // why fewer parts than cores were asked for, if so
  return in_effect;
}

}  // namespace tp::gen
