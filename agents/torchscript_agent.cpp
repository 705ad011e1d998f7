#include "agents/torchscript_agent.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>

#include "agents/alphazero/network_evaluator.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::agents {

namespace {

// The reason in a TorchScript interpreter error: its last line ("RuntimeError: mat1 and mat2
// shapes cannot be multiplied ..."), after the traceback of the scripted code.
std::string reason(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10_error ? c10_error->what_without_backtrace() : e.what();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const size_t at = text.rfind('\n');
  return printable(at == std::string::npos ? text : text.substr(at + 1), 200);
}

std::string path_of(const std::string& spec) { return spec.substr(sizeof kTorchScriptPrefix - 1); }

torch::jit::Module load_module(const std::string& spec, torch::Device device) {
  const std::string path = path_of(spec);
  std::error_code ec;
  TP_CHECK_AS(UsageError, std::filesystem::is_regular_file(path, ec), "agent '", printable(spec, 200),
              "': no such TorchScript file");
  try {
    torch::jit::Module m = torch::jit::load(path, device);
    m.eval();
    return m;
  } catch (const std::exception& e) {
    TP_THROW(CheckpointError, "'", printable(path, 200), "' is not a TorchScript module (", reason(e), ")");
  }
}

// The first output: the tensor itself, or a tuple's first element.
torch::Tensor first_output(const c10::IValue& out, const std::string& name) {
  if (out.isTensor()) return out.toTensor();
  if (out.isTuple() && !out.toTupleRef().elements().empty() && out.toTupleRef().elements()[0].isTensor())
    return out.toTupleRef().elements()[0].toTensor();
  TP_THROW(Error, name, " returned neither a tensor nor a tuple starting with one");
}

// A module with an `initial_state(batch: int) -> (h, c)` method is recurrent (docs/export.md):
// forward(obs, h, c) -> (outputs, h, c), the state carried from step to step and started afresh
// from initial_state(1) at each episode.
class TorchScriptPolicy final : public Policy {
 public:
  TorchScriptPolicy(torch::jit::Module module, std::string name, const envs::Env& env, torch::Device device)
      : module_(std::move(module)),
        name_(std::move(name)),
        device_(device),
        recurrent_(module_.find_method("initial_state").has_value()) {
    shape_ = {1};
    for (int d : env.observation_space().shape) shape_.push_back(d);
    begin_episode();
  }
  std::string name() const override { return name_; }

  void begin_episode() override {
    if (!recurrent_) return;
    c10::InferenceMode guard;
    c10::IValue state;
    try {
      state = module_.run_method("initial_state", int64_t{1});
    } catch (const std::exception& e) {  // c10::Error, or the interpreter's JITException
      TP_THROW(Error, name_, " failed in initial_state(1): ", reason(e));
    }
    TP_CHECK(state.isTuple() && state.toTupleRef().elements().size() == 2 &&
                 state.toTupleRef().elements()[0].isTensor() && state.toTupleRef().elements()[1].isTensor(),
             name_, ": initial_state must return a tuple (h, c) of tensors");
    h_ = state.toTupleRef().elements()[0].toTensor().to(device_);
    c_ = state.toTupleRef().elements()[1].toTensor().to(device_);
  }

  int act(const float* obs, const envs::Env& env) override {
    const torch::Tensor scores = run(obs, env.action_space().n, "actions");
    return static_cast<int>(scores.argmax(1).item<int64_t>());
  }

  void act_continuous(const float* obs, const envs::Env& env, float* action) override {
    const int64_t n = env.continuous_action_space()->size();
    const torch::Tensor values = run(obs, n, "action dimensions").to(torch::kFloat32).contiguous();
    std::copy(values.data_ptr<float>(), values.data_ptr<float>() + n, action);
  }

 private:
  torch::Tensor run(const float* obs, int64_t n, const char* what) {
    c10::InferenceMode guard;
    const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), shape_).to(device_);
    c10::IValue result;
    try {
      result = recurrent_ ? module_.forward({x, h_, c_}) : module_.forward({x});
    } catch (const std::exception& e) {  // c10::Error, or the interpreter's JITException
      TP_THROW(Error, name_, " failed on an observation of shape ", c10::IntArrayRef(shape_), ": ", reason(e));
    }
    if (recurrent_) {
      TP_CHECK(result.isTuple() && result.toTupleRef().elements().size() == 3 &&
                   result.toTupleRef().elements()[1].isTensor() && result.toTupleRef().elements()[2].isTensor(),
               name_, " has initial_state, so forward(obs, h, c) must return (outputs, h, c)");
      h_ = result.toTupleRef().elements()[1].toTensor();
      c_ = result.toTupleRef().elements()[2].toTensor();
    }
    const torch::Tensor out = first_output(result, name_);
    TP_CHECK(out.dim() == 2 && out.size(0) == 1 && out.size(1) == n, name_, " returned ", out.sizes(),
             "; expected [1, ", n, "] (one value per ", what, ")");
    return out.cpu();
  }

  torch::jit::Module module_;
  std::string name_;
  torch::Device device_;
  bool recurrent_;
  std::vector<int64_t> shape_;
  torch::Tensor h_, c_;  // the recurrent state, when recurrent_
};

}  // namespace

bool is_torchscript_spec(const std::string& spec) { return spec.rfind(kTorchScriptPrefix, 0) == 0; }

std::unique_ptr<Policy> make_torchscript_policy(const std::string& spec, const envs::Env& env,
                                                const PolicyContext& ctx) {
  TP_CHECK_AS(UsageError, !ctx.sample_actions, "--sample-actions: a TorchScript policy '", printable(spec, 200),
              "' acts on its outputs as they are (argmax or the action values)");
  const torch::Device device(ctx.device);
  return std::make_unique<TorchScriptPolicy>(load_module(spec, device), spec, env, device);
}

std::shared_ptr<Evaluator> make_torchscript_evaluator(const std::string& spec, const envs::GameInfo& game,
                                                      const std::string& device_name, int max_batch) {
  const torch::Device device(device_name);
  auto module = std::make_shared<torch::jit::Module>(load_module(spec, device));
  auto forward = [module, spec](const torch::Tensor& x) -> std::pair<torch::Tensor, torch::Tensor> {
    c10::IValue out;
    try {
      out = module->forward({x});
    } catch (const std::exception& e) {  // c10::Error, or the interpreter's JITException
      TP_THROW(Error, spec, " failed on positions of shape ", x.sizes(), ": ", reason(e));
    }
    TP_CHECK(out.isTuple() && out.toTupleRef().elements().size() == 2 && out.toTupleRef().elements()[0].isTensor() &&
                 out.toTupleRef().elements()[1].isTensor(),
             spec, " must return a tuple (policy logits, value)");
    return {out.toTupleRef().elements()[0].toTensor(), out.toTupleRef().elements()[1].toTensor()};
  };
  return std::make_shared<NetworkEvaluator>(forward, spec, game, device, max_batch);
}

}  // namespace tp::agents
