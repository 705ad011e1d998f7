#pragma once
// The bounds of a checkpoint payload, checked before LibTorch parses it. LibTorch's zip reader
// and unpickler reserve what a record's or a string's declared length says before finding the
// bytes missing (a 5 KB file could make them reserve gigabytes); these checks hold every
// declared length to the bytes actually present, and every memo slot number to the slots
// stored before it, so no number beyond them reaches an allocation.
#include <string_view>

namespace tp {

// Throws tp::Error naming what is wrong when `payload` (a torch::pickle_save archive) is not a
// zip of stored (uncompressed) records lying inside it, or its data.pkl record is not the
// pickle of data that torch::pickle_save writes (core/pickle_check.h).
void check_payload_bounds(std::string_view payload);

}  // namespace tp
