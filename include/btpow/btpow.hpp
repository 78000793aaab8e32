// Umbrella header: the whole public API.
#pragma once

#include "seal.hpp"
#include "solver.hpp"
#include "types.hpp"
