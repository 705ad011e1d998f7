#pragma once
// Every generative model trains as a run of the one training skeleton (core/training_run.h):
// each skeleton step is one mini-batch of an epoch of shuffled mini-batches from a dataset
// held in memory; at each epoch's end the model's test evaluation, one metrics.csv row (epoch
// means of the model's losses, the evaluation, images/s), a PNG of the fixed inputs' samples
// (RUN/samples/epoch_NNN.png) and a checkpoint (networks, optimizers, counters, the fixed
// inputs, the batch order and LibTorch's generator), so --resume continues exactly where the
// run stopped, mid-epoch included.
#include <cstdint>

#include "core/training_run.h"
#include "generative/model.h"

namespace tp::gen {

// Trains (or, with settings.resume, continues) `model` on `train`, evaluating on `test`.
// `seed` draws the fixed inputs of the sample grids; LibTorch's generator is seeded by the
// caller. The result's fields: algorithm, data, epochs, steps, train_seconds,
// images_per_second and the last row's losses and evaluations.
RunOutcome train_model(GenerativeModel& model, const TrainLoopOptions& loop, const Dataset& train, const Dataset& test,
                       RunSettings settings, uint64_t seed);

}  // namespace tp::gen
