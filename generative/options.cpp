#include "generative/options.h"

#include "core/error.h"
#include "core/options.h"

namespace tp::gen {

std::vector<int64_t> parse_sizes(const std::string& text, const std::string& what) {
  std::vector<int64_t> out;
  for (const auto& part : split_list(text, what)) {
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    TP_CHECK_AS(UsageError, used == part.size() && v > 0, "bad size '", part, "' in ", what,
                " (positive integers, e.g. 256,256)");
    out.push_back(v);
  }
  return out;
}

void GanOptions::bind(OptionSet& s) {
  s.add("arch", &arch, "networks: mlp | dcgan")
      .add("loss", &loss, "ns (non-saturating) | wgan-gp")
      .add("z-dim", &z_dim, "latent size")
      .add("g-hidden", &g_hidden, "MLP generator hidden sizes")
      .add("d-hidden", &d_hidden, "MLP discriminator hidden sizes")
      .add("g-activation", &g_activation, "MLP generator hidden activation: relu | leaky_relu0.2 | tanh | elu | ...")
      .add("d-activation", &d_activation,
           "MLP discriminator hidden activation: leaky_relu0.2 | relu | tanh | elu | ...")
      .add("ngf", &ngf, "DCGAN generator width")
      .add("ndf", &ndf, "DCGAN discriminator width")
      .add("minibatch-std", &minibatch_std,
           "DCGAN discriminator: add a plane of the batch's feature standard deviation before its last layer")
      .add("lr-g", &lr_g, "generator Adam learning rate")
      .add("lr-d", &lr_d, "discriminator Adam learning rate")
      .add("beta1", &beta1, "Adam beta1")
      .add("beta2", &beta2, "Adam beta2")
      .add("lr-decay-epochs", &lr_decay_epochs,
           "both learning rates fall linearly toward zero over the run's last N epochs of --epochs (0: constant)")
      .add("d-steps", &d_steps, "discriminator steps per generator step")
      .add("pack", &pack, "PacGAN packing: samples the discriminator judges jointly (1: off)")
      .add("label-smoothing", &label_smoothing, "one-sided label smoothing s (real target 1 - s)")
      .add("gp-weight", &gp_weight, "WGAN-GP gradient penalty weight")
      .add("g-ema", &g_ema,
           "decay of the moving average of G's weights that samples are drawn from (0: off; e.g. 0.999)")
      .add("conditional", &conditional, "condition G and D on the class label")
      .add("clusters", &clusters,
           "self-conditioning: condition G and D on this many k-means clusters of the training data, no labels "
           "used (0: off)");
}

void VaeOptions::bind(OptionSet& s) {
  s.add("arch", &arch, "networks: mlp | conv")
      .add("hidden", &hidden, "MLP hidden sizes")
      .add("latent", &latent, "latent size")
      .add("lr", &lr, "Adam learning rate")
      .add("beta", &beta, "weight of the KL term (beta-VAE)")
      .add("iw-samples", &iw_samples, "k of the importance-weighted log-likelihood estimate (eval)");
}

void AeOptions::bind(OptionSet& s) {
  s.add("hidden", &hidden, "hidden layer sizes (encoder; the decoder mirrors it)")
      .add("activation", &activation, "hidden activation: sigmoid | relu | tanh")
      .add("corruption", &corruption, "input corruption in training: none | mask | gaussian")
      .add("noise", &noise, "masking fraction or Gaussian std")
      .add("lr", &lr, "Adam learning rate")
      .add("pretrain-epochs", &pretrain_epochs, "sae: greedy epochs per layer (0: random initialization)")
      .add("labels", &labels, "sae: labelled training images used for the probe and fine-tuning")
      .add(
          "probe-epochs", &probe_epochs,
          "sae: epochs training only the softmax head on the frozen pre-trained features, before fine-tuning (0: none)")
      .add("finetune-lr", &finetune_lr, "sae: fine-tuning Adam learning rate");
}

void ClassifierOptions::bind(OptionSet& s) {
  s.add("lr", &lr, "Adam learning rate").add("features", &features, "feature layer size (FID features)");
}

void Pix2PixOptions::bind(OptionSet& s) {
  s.add("task", &task, "what the model learns to undo: edges (edge map -> image) | inpaint (grey centre -> image)")
      .add("ngf", &ngf, "U-Net width")
      .add("ndf", &ndf, "PatchGAN width")
      .add("d-layers", &d_layers, "PatchGAN stride-2 layers (1: 16x16 patches, 2: 34x34, 3: 70x70)")
      .add("l1-weight", &l1_weight, "weight of the L1 loss (lambda)")
      .add("gan-weight", &gan_weight, "weight of the adversarial loss (0: L1 alone, no discriminator)")
      .add("dropout", &dropout, "U-Net decoder dropout, also at test time (the noise source)")
      .add("skips", &skips, "U-Net skip connections (false: plain encoder-decoder)")
      .add("lr", &lr, "Adam learning rate (G and D)")
      .add("beta1", &beta1, "Adam beta1")
      .add("beta2", &beta2, "Adam beta2");
}

void SrganOptions::bind(OptionSet& s) {
  s.add("content-net", &content_net,
        "classifier checkpoint (or shipped model) whose feature maps give the content loss")
      .add("width", &width, "SRResNet feature maps")
      .add("blocks", &blocks, "SRResNet residual blocks")
      .add("ndf", &ndf, "discriminator width")
      .add("pixel-weight", &pixel_weight, "weight of the pixel MSE")
      .add("content-weight", &content_weight, "weight of the content loss (MSE of the content network's feature maps)")
      .add("gan-weight", &gan_weight, "weight of the adversarial loss (0: no discriminator)")
      .add("warmup-epochs", &warmup_epochs, "first epochs training G on the pixel MSE alone")
      .add("lr", &lr, "Adam learning rate (G and D)")
      .add("beta1", &beta1, "Adam beta1")
      .add("beta2", &beta2, "Adam beta2");
}

void CycleGanOptions::bind(OptionSet& s) {
  s.add("domain-a", &domain_a, "classes of domain A, comma-separated (drawn from the first half of the training set)")
      .add("domain-b", &domain_b, "classes of domain B, comma-separated (drawn from the second half)")
      .add("ngf", &ngf, "generator width")
      .add("blocks", &blocks, "generator residual blocks")
      .add("ndf", &ndf, "discriminator width")
      .add("d-layers", &d_layers, "PatchGAN stride-2 layers (1: 16x16 patches, 2: 34x34, 3: 70x70)")
      .add("cycle-weight", &cycle_weight, "weight of the cycle-consistency L1 losses (lambda)")
      .add("identity-weight", &identity_weight, "weight of the identity L1 losses, times --cycle-weight (0: none)")
      .add("history", &history, "generated images kept per domain for the discriminators (0: the latest only)")
      .add("lr", &lr, "Adam learning rate (G and D) of the first --constant-epochs")
      .add("constant-epochs", &constant_epochs, "epochs at --lr before the decay")
      .add("decay-epochs", &decay_epochs,
           "epochs over which the rate then falls linearly to zero (0: no decay); --epochs may not exceed the two")
      .add("beta1", &beta1, "Adam beta1")
      .add("beta2", &beta2, "Adam beta2")
      .add("g-ema", &g_ema,
           "decay of the moving average of G's and F's weights that translations come from (0: off; e.g. 0.995)");
}

ModelConfig ModelConfig::preset(const std::string& a) {
  ModelConfig c;
  c.algorithm = a;
  if (a == "gan") {
    // The 2-D preset (gan's default data is ring8), measured on ring8 in docs/generative.md
    // (8 of 8 modes, >= 90% high-quality samples, seeds 1-3): ReLU G, LeakyReLU D (Radford et
    // al. 2016), 128-128 MLPs, a 2-d latent (the data's dimension), Adam 4e-4 with beta1 0.5,
    // D on pairs of samples (PacGAN2, Lin et al. 2018: without it one of the 8 modes starved
    // for 2 of 3 seeds), samples from the weight average of G (Yazici et al. 2019: without it
    // the high-quality share swings by +-5 points from one step to the next). For flat images
    // pass e.g. --z-dim 100 --g-hidden 256,256 --d-hidden 256,256 --lr-g 2e-4 --lr-d 2e-4 --pack 1.
    c.gan.z_dim = 2;
    c.gan.g_hidden = c.gan.d_hidden = "128,128";
    c.gan.lr_g = c.gan.lr_d = 4e-4;
    c.gan.pack = 2;
    c.gan.g_ema = 0.999;
  } else if (a == "dcgan") {
    // Measured on Fashion-MNIST in docs/generative.md ("Why the DCGAN trailed the conditional
    // GAN"): Radford et al.'s settings (batch 128, Adam 2e-4 for both, width 64) left the
    // unconditional G learning too slowly (classifier FID 111.6 after 20 epochs at width 32,
    // against the cGAN's 29.0). More G steps per epoch (batch 32, TrainLoopOptions::preset) at a
    // larger G step (4e-4), the minibatch std plane and one-sided label smoothing 0.1 took it to
    // the figures there; width 32 because 64 costs ~4x the CPU. What remained was the class
    // balance and speed the cGAN gets from its labels: self-conditioning on 10 k-means
    // clusters of the pixels (no labels) took the 20-epoch FID from 57.4 / 65.1 to the figures
    // in docs/generative.md ("Self-conditioning"). Sampling from the moving average of G's
    // weights over ~2,000 steps (decay 0.9995; "Sampling from G's weight average") took 6-12
    // more points off at epoch 20 and steadied the FID from one epoch to the next, which G
    // alone swings by up to 14 points.
    c.gan.arch = "dcgan";
    c.gan.ngf = c.gan.ndf = 32;
    c.gan.lr_g = 4e-4;
    c.gan.minibatch_std = true;
    c.gan.label_smoothing = 0.1;
    c.gan.clusters = 10;
    c.gan.g_ema = 0.9995;
  } else if (a == "cgan") {
    c.gan.arch = "dcgan";
    c.gan.conditional = true;
  } else if (a == "wgan-gp") {
    // Gulrajani et al. 2017, Algorithm 1: lambda 10, n_critic 5, Adam 1e-4, betas (0, 0.9).
    c.gan.arch = "dcgan";
    c.gan.loss = "wgan-gp";
    c.gan.d_steps = 5;
    c.gan.lr_g = c.gan.lr_d = 1e-4;
    c.gan.beta1 = 0.0;
    c.gan.beta2 = 0.9;
  } else if (a == "dae") {
    c.ae.corruption = "mask";
  } else if (a == "sae") {
    c.ae.corruption = "mask";
  } else if (a != "vae" && a != "ae" && a != "classifier" && a != "pix2pix" && a != "srgan" && a != "cyclegan") {
    TP_THROW(UsageError, "unknown generative algorithm '", a,
             "' (gan, dcgan, cgan, wgan-gp, vae, ae, dae, sae, classifier, pix2pix, srgan, cyclegan)");
  }
  return c;
}

void ModelConfig::bind(OptionSet& s) {
  if (algorithm == "vae")
    vae.bind(s);
  else if (algorithm == "ae" || algorithm == "dae" || algorithm == "sae")
    ae.bind(s);
  else if (algorithm == "classifier")
    classifier.bind(s);
  else if (algorithm == "pix2pix")
    pix2pix.bind(s);
  else if (algorithm == "srgan")
    srgan.bind(s);
  else if (algorithm == "cyclegan")
    cyclegan.bind(s);
  else
    gan.bind(s);
}

TrainLoopOptions TrainLoopOptions::preset(const std::string& a) {
  TrainLoopOptions o;
  if (a == "gan") {
    o.data = "ring8";
    o.batch_size = 256;
    o.epochs = 36;  // 36 x 391 = 14,076 steps of 256 points (--synthetic-size 100,000)
  } else if (a == "dcgan") {
    o.epochs = 5;
    o.batch_size = 32;  // four times Radford et al.'s G steps per epoch (ModelConfig::preset)
  } else if (a == "cgan" || a == "wgan-gp") {
    o.epochs = 5;
    o.batch_size = 128;  // Radford et al.: mini-batches of 128
  } else if (a == "vae") {
    o.epochs = 10;  // PyTorch example
  } else if (a == "sae") {
    o.epochs = 30;  // fine-tuning epochs on the labelled subset
  } else if (a == "classifier") {
    o.epochs = 5;
  } else if (a == "pix2pix" || a == "srgan") {
    o.epochs = 5;
    o.batch_size = 64;
  } else if (a == "cyclegan") {
    o.epochs = 10;      // of about 3,000 pairs each (sneakers and ankle boots in their halves)
    o.batch_size = 16;  // Zhu et al.: 1; more images per step for the CPU
  }
  return o;
}

void TrainLoopOptions::bind(OptionSet& s) {
  s.add("data", &data, "dataset: fashion-mnist | DIR of MNIST-format IDX files | ring8 | grid25 | moons")
      .add("epochs", &epochs, "training epochs (sae: fine-tuning epochs, after the layer-wise and probe epochs)")
      .add("batch-size", &batch_size, "mini-batch size")
      .add("synthetic-size", &synthetic_size, "points per epoch for the 2-D sets")
      .add("grid-samples", &grid_samples, "samples in each samples/epoch_NNN.png")
      .add("keep-checkpoints", &keep_checkpoints, "checkpoints kept in RUN/checkpoints");
}

}  // namespace tp::gen
