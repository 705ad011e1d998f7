#include "envs/wrappers/env_wrapper.h"

#include "core/error.h"

namespace tp::envs {

EnvWrapper::EnvWrapper(std::unique_ptr<Env> inner) : inner_(std::move(inner)) {
  TP_CHECK(inner_ != nullptr, "an env wrapper needs an env to wrap");
}

EnvWrapper::EnvWrapper(const EnvWrapper& other) : Env(other), inner_(other.inner_->clone()) {}

std::vector<double> EnvWrapper::own_state(const std::vector<double>& state, size_t own) const {
  TP_CHECK(state.size() > own, id(), ": state has ", state.size(), " values, not more than the wrapper's own ", own);
  return std::vector<double>(state.end() - static_cast<std::ptrdiff_t>(own), state.end());
}

void EnvWrapper::set_inner_state(const std::vector<double>& state, size_t own) {
  inner_->set_state(std::vector<double>(state.begin(), state.end() - static_cast<std::ptrdiff_t>(own)));
}

}  // namespace tp::envs
