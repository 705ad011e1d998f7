#pragma once
// Hyperparameters of the generative algorithms, one struct per family, each bound 1:1 to
// CLI options (and config.ini) by its bind(). Defaults are the papers' values (named in the
// comments); `preset` applies the per-algorithm ones (DCGAN's Adam settings, WGAN-GP's
// critic steps, ...). No LibTorch here.
#include <cstdint>
#include <string>
#include <vector>

namespace tp {
class OptionSet;
}

namespace tp::gen {

// gan, dcgan, cgan, wgan-gp.
struct GanOptions {
  std::string arch = "mlp";           // mlp | dcgan (gan: mlp; dcgan, cgan: dcgan; wgan-gp: dcgan for images)
  std::string loss = "ns";            // ns (non-saturating, Goodfellow et al. 2014) | wgan-gp (Gulrajani et al. 2017)
  int64_t z_dim = 100;                // Radford et al. 2016
  std::string g_hidden = "256,256";   // MLP generator hidden sizes
  std::string d_hidden = "256,256";   // MLP discriminator hidden sizes
  std::string g_activation = "relu";  // MLP G hidden units: ReLU in G (Radford et al. 2016)
  std::string d_activation = "leaky_relu0.2";  // MLP D hidden units: LeakyReLU 0.2 in D (Radford et al. 2016)
  int64_t ngf = 64, ndf = 64;                  // DCGAN widths (Radford et al.)
  double lr_g = 2e-4, lr_d = 2e-4;             // Radford et al.: Adam 2e-4
  double beta1 = 0.5, beta2 = 0.999;           // Radford et al.: beta1 0.5
  // > 0: both rates fall linearly over the run's last lr_decay_epochs epochs (all of them when
  // --epochs is fewer), as CycleGAN's schedule (nets::linear_decay_factor); 0: constant.
  int64_t lr_decay_epochs = 0;
  int64_t d_steps = 1;           // discriminator (critic) steps per generator step
  int64_t pack = 1;              // PacGAN (Lin et al. 2018): D judges `pack` samples jointly (1: plain GAN)
  double label_smoothing = 0.0;  // one-sided: real targets 1 - s (Salimans et al. 2016 use 0.1)
  double gp_weight = 10.0;       // WGAN-GP lambda (Gulrajani et al.)
  bool minibatch_std = false;    // DCGAN D: minibatch standard deviation plane (Karras et al. 2018)
  double g_ema = 0.0;            // > 0: samples come from an exponential moving average of G's weights
                                 // with this decay per G step (Yazici et al. 2019); 0: from G itself
  bool conditional = false;      // cgan: class label into G and D (Mirza & Osindero 2014)
  int64_t clusters = 0;          // > 0: self-conditioned (Liu et al. 2020): G and D conditioned on k-means
                                 // clusters of the training images, G's cluster drawn from z; 0: off

  void bind(OptionSet& set);
};

// vae.
struct VaeOptions {
  std::string arch = "mlp";    // mlp | conv
  std::string hidden = "400";  // Kingma & Welling 2014 / PyTorch's example: 784-400-20
  int64_t latent = 20;
  double lr = 1e-3;          // PyTorch example: Adam 1e-3
  double beta = 1.0;         // beta-VAE weight on the KL term (Higgins et al. 2017); 1 = the VAE
  int64_t iw_samples = 100;  // k for the importance-weighted bound (Burda et al. 2016) in eval

  void bind(OptionSet& set);
};

// ae, dae, sae.
struct AeOptions {
  std::string hidden = "500,500";  // Vincent et al. 2010 use 3 x 1000 sigmoid units; smaller for CPU
  std::string activation = "sigmoid";
  std::string corruption = "none";  // none | mask | gaussian (dae, sae: mask, Vincent et al. 2010)
  double noise = 0.25;              // masking fraction, or Gaussian std
  double lr = 1e-3;                 // Adam
  int64_t pretrain_epochs = 5;      // sae: greedy epochs per layer (0: random initialization)
  int64_t labels = 1000;            // sae: size of the labelled subset used for fine-tuning
  int64_t probe_epochs = 30;        // sae: epochs of the softmax head alone on the frozen pre-trained
                                    // features (the "before fine-tuning" accuracy); skipped without pre-training
  double finetune_lr = 1e-3;        // sae: Adam on encoder + classifier head

  void bind(OptionSet& set);
};

// classifier (the feature network of the classifier FID / IS).
struct ClassifierOptions {
  double lr = 1e-3;  // Adam
  int64_t features = 128;

  void bind(OptionSet& set);
};

// pix2pix (Isola et al. 2017): U-Net G, PatchGAN D on (input, output) pairs, L1 + adversarial loss.
struct Pix2PixOptions {
  std::string task = "edges";  // edges | inpaint (generative/image_tasks.h)
  int64_t ngf = 32, ndf = 32;  // Isola et al.: 64; 32 for the CPU (28x28 images)
  int64_t d_layers = 2;        // PatchGAN stride-2 layers: 2 sees 34x34 patches (Isola et al.: 3, 70x70 of 256x256)
  double l1_weight = 100;      // Isola et al.: lambda 100
  double gan_weight = 1;       // 0: the U-Net on L1 alone (the paper's ablation; no D is trained)
  double dropout = 0.5;        // decoder dropout, in training and at test time
  bool skips = true;           // false: encoder-decoder without skip connections (ablation)
  double lr = 2e-4, beta1 = 0.5, beta2 = 0.999;  // Isola et al.: Adam 2e-4, beta1 0.5

  void bind(OptionSet& set);
};

// srgan (Ledig et al. 2017): 4x super-resolution (task sr4) with an SRResNet G and the paper's D.
// G minimizes pixel_weight MSE + content_weight MSE of the content network's feature maps
// + gan_weight BCE(D(G(x)), 1); the first warmup_epochs train G on the pixel MSE alone (the
// paper starts SRGAN from the MSE-trained SRResNet). SRResNet-MSE, the baseline:
// --pixel-weight 1 --content-weight 0 --gan-weight 0.
struct SrganOptions {
  std::string content_net = "fashion-classifier";  // classifier checkpoint whose feature maps stand in for VGG's
  int64_t width = 32, blocks = 8;                  // Ledig et al.: 64 maps, 16 residual blocks; halved for the CPU
  int64_t ndf = 32;                                // Ledig et al.: 64
  double pixel_weight = 0, content_weight = 1, gan_weight = 1e-3;  // Ledig et al.'s SRGAN-VGG54: 0, 1, 1e-3
  int64_t warmup_epochs = 1;
  double lr = 1e-4, beta1 = 0.9, beta2 = 0.999;  // Ledig et al.: Adam 1e-4, beta1 0.9

  void bind(OptionSet& set);
};

// cyclegan (Zhu et al. 2017): unpaired translation between two groups of classes, each drawn
// from its own half of the training set. ResNet generators G: A -> B and F: B -> A, PatchGAN
// discriminators with instance normalization, least-squares adversarial losses, cycle and
// (optional) identity L1 losses, D trained on a history of generated images.
struct CycleGanOptions {
  std::string domain_a = "7", domain_b = "9";  // class lists (Fashion-MNIST: sneaker, ankle boot)
  int64_t ngf = 32, blocks = 6;                // Zhu et al.: 64 maps, 6 blocks at 128x128
  int64_t ndf = 32, d_layers = 2;              // Zhu et al.: 64, the 70x70 PatchGAN (3 layers)
  double cycle_weight = 10;                    // Zhu et al.: lambda 10
  // Times cycle_weight. Zhu et al. use 0.5 for painting -> photo only (to keep colours); a
  // pull towards the identity holds back a change of shape (boot -> sneaker: docs/generative.md).
  double identity_weight = 0;
  int64_t history = 50;                          // generated images kept for D (0: none)
  double lr = 2e-4, beta1 = 0.5, beta2 = 0.999;  // Zhu et al.: Adam 2e-4, beta1 0.5
  // The rate is lr for the first constant_epochs, then falls linearly to zero over
  // decay_epochs (Zhu et al.: 100 and 100); decay_epochs 0: constant throughout.
  int64_t constant_epochs = 5, decay_epochs = 5;
  // > 0: translations come from an exponential moving average of G's and F's weights with this
  // decay per step; training is the same with or without it.
  double g_ema = 0.0;

  void bind(OptionSet& set);
};

struct ModelConfig {
  std::string algorithm;
  GanOptions gan;
  VaeOptions vae;
  AeOptions ae;
  ClassifierOptions classifier;
  Pix2PixOptions pix2pix;
  SrganOptions srgan;
  CycleGanOptions cyclegan;

  // The defaults of `algorithm` (UsageError for an unknown one).
  static ModelConfig preset(const std::string& algorithm);
  // Binds the options of this algorithm's family.
  void bind(OptionSet& set);
};

// The training loop's own options.
struct TrainLoopOptions {
  std::string data = "fashion-mnist";  // fashion-mnist | DIR | ring8 | grid25 | moons
  int64_t epochs = 10;
  int64_t batch_size = 128;
  int64_t synthetic_size = 100000;  // points per epoch for 2-D data
  int64_t grid_samples = 64;        // samples in each samples/epoch_NNN.png (2-D: points drawn x 32)
  int64_t keep_checkpoints = 3;

  static TrainLoopOptions preset(const std::string& algorithm);
  void bind(OptionSet& set);
};

}  // namespace tp::gen

namespace tp::gen {
// "256,256" -> {256, 256}; UsageError naming `what` for a malformed or non-positive entry.
std::vector<int64_t> parse_sizes(const std::string& text, const std::string& what);
}  // namespace tp::gen
