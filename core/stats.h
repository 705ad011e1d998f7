#pragma once
// Small statistics shared by every command that reports win rates.

namespace tp {

// Wilson score interval for a proportion `p` observed over n trials (z = 1.96 for 95%);
// [0, 1] when n <= 0.
void wilson_interval(double p, int n, double z, double& low, double& high);

}  // namespace tp
