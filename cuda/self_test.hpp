// The start-up self-test every device passes before it gets a worker (internal to cuda/).
#pragma once

#include <string>

#include "cuda/scanner.hpp"

namespace btpow::cuda {

// docs/protocol.md §2 worked example: H of block = 32 zero bytes and account = Alice.
inline constexpr const char* kWorkedExampleH = "c0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f";

// Known vectors through the production kernel on an opened scanner: the docs/protocol.md §2 worked example's
// smallest passing nonces for d = 1000 (tests/data/vectors.json, min_nonce_vectors), the GPU's
// candidate sets equal to the host core's (also across a 2^32 boundary), and a batch whose every
// nonce is a candidate (the overflow recovery). "" when all pass, else what failed.
std::string run_self_test(DeviceScanner& scanner);

}  // namespace btpow::cuda
