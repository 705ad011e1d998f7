// Translation unit that owns the <torch/torch.h> precompiled header (see CMakeLists.txt).
