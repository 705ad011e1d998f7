#pragma once
// The shape of a checkpoint's pickle, checked before LibTorch's unpickler runs it. The
// unpickler trusts the pickle's numbers where they become types, sizes and table indices (a
// memo slot number grows its memo table; an integer where a storage's type belongs becomes a
// ScalarType that indexes LibTorch's type tables), so only what torch::pickle_save writes for
// a dictionary of tensors gets through: a stack machine over the opcodes follows what each
// item is (integer, string, tuple, storage type, tensor...) and refuses anything else.
#include <cstdint>
#include <string_view>

namespace tp {

// The little-endian unsigned number of `n` bytes at `at`; throws tp::Error when it lies past
// the end of `bytes`.
uint64_t little_endian(std::string_view bytes, uint64_t at, int n);

// Throws tp::Error naming what is wrong when `pickle` (the data.pkl record of a
// torch::pickle_save archive, protocol 2) is not made only of dictionaries, lists, tuples,
// strings, numbers and CPU tensors in the form torch::pickle_save writes them: a global other
// than a tensor rebuild, a storage type, OrderedDict or the type tag; a storage whose
// persistent id is not (storage, type, key, "cpu", count); a call with other arguments; a
// length past the record's end; a memo slot out of order; an opcode a checkpoint never holds.
void check_checkpoint_pickle(std::string_view pickle);

}  // namespace tp
