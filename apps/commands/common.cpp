#include <cstdio>
#include <iostream>

#include "apps/commands.h"

namespace tp::app {

void print_json_line(const std::string& json) {
  std::cout << json << std::endl;
}

}  // namespace tp::app
