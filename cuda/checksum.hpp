// The per-nonce term of the GPU/CPU agreement checksum (tests only): shared by the checksum kernel
// and the host side of tests/test_cuda.cpp so both sum exactly the same thing.
#pragma once

#include <cstdint>

#include "btpow/core/config.hpp"

namespace btpow::cuda {

// Summed modulo 2^64: order-independent (threads finish in any order) yet position-sensitive, as
// the odd factor 2n + 1 ties each top to its nonce.
BTPOW_HD std::uint64_t checksum_term(std::uint64_t nonce, std::uint64_t top) { return top * (2 * nonce + 1); }

}  // namespace btpow::cuda
