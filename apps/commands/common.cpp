#include <cstdio>
#include <iostream>

#include "apps/commands.h"

namespace tp::app {

void print_json_line(const std::string& json) { std::cout << json << std::endl; }

int print_run_outcome(const RunOutcome& outcome, const CommonOptions& common) {
  if (!common.quiet) std::cout << outcome.summary << "\nrun: " << outcome.run_dir << "\n";
  if (common.json) print_json_line(outcome.result.dump());
  return outcome.exit_code();
}

}  // namespace tp::app
