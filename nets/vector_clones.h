#pragma once
// TP_VECTOR_CLONES on a hot loop function: GCC compiles it twice, for x86-64-v3 (AVX2, FMA)
// and for the baseline the build targets, and picks one at load time for the CPU it runs on.
// The build has no -march flag (its binaries run on any x86-64), so without this the
// compiler vectorizes only with SSE2. Functions it calls are inlined into each copy.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TP_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TP_VECTOR_CLONES
#endif
