// system_info(): what this build and machine offer, from each backend.
#include <algorithm>
#include <thread>

#include "btpow/solver.hpp"
#include "cuda/cuda.hpp"
#include "lib/cpu/cpu.hpp"

namespace btpow {

SystemInfo system_info() {
    SystemInfo info;
    info.cpu.model = cpu::model_name();
    info.cpu.hardware_threads = std::max(1u, std::thread::hardware_concurrency());
    info.cpu.isas = cpu::supported_isas();
    info.cpu.default_isa = cpu::default_isa();
    info.cuda_compiled = cuda::compiled();
    info.cuda_devices = cuda::devices(&info.cuda_error);
    return info;
}

}  // namespace btpow
