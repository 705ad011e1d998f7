#pragma once
// Helpers for tests that run `torchplay train` end to end: a run's --json summary, and the
// resume check the trainers pass (a run killed after its middle checkpoint, resumed, ends
// with the network of the run that went straight through, bit for bit).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/json.h"
#include "tests/test_util.h"

namespace tp::test {

// `torchplay ARGS --quiet --json`: the summary line. A failed run fails the test.
inline Json train_json(const std::string& args) {
  const CommandResult r = run_torchplay(args + " --quiet --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return Json::parse(last_line(r.output));
}

// A checkpoint file's trained parameters, flattened into one tensor.
using ParameterReader = std::function<torch::Tensor(const std::string& checkpoint)>;

// Runs `train ALGORITHM ARGS` into a run directory; ARGS must make it write `last_checkpoint`
// at its end and an earlier one. A copy of the run without `last_checkpoint` (as after a kill)
// is resumed; steps, episodes, final evaluation and parameters must equal the straight run's.
// Returns the straight run's summary (its files are gone by then).
inline Json expect_resume_equals_straight(const std::string& algorithm, const std::string& args,
                                          const std::string& last_checkpoint, const ParameterReader& parameters) {
  namespace fs = std::filesystem;
  TempDir dir;
  const Json straight = train_json("train " + algorithm + " " + args + " --run-dir " + dir.file("a"));
  fs::copy(dir.file("a"), dir.file("b"), fs::copy_options::recursive);
  EXPECT_TRUE(fs::remove(dir.file("b/checkpoints/" + last_checkpoint))) << last_checkpoint << " was not written";
  EXPECT_FALSE(fs::is_empty(dir.file("b/checkpoints"))) << "no checkpoint before " << last_checkpoint;
  const Json resumed = train_json("train " + algorithm + " --resume " + dir.file("b"));
  EXPECT_EQ(resumed.at("steps"), straight.at("steps"));
  EXPECT_EQ(resumed.at("episodes"), straight.at("episodes"));
  EXPECT_EQ(resumed.at("final_eval_mean"), straight.at("final_eval_mean"));
  const torch::Tensor a = parameters(straight.at("checkpoint").get<std::string>());
  const torch::Tensor b = parameters(resumed.at("checkpoint").get<std::string>());
  EXPECT_TRUE(torch::equal(a, b)) << "max difference " << (a - b).abs().max().item<double>();
  return straight;
}

}  // namespace tp::test
