// Backend names as users write them (--backend, SolverOptions::backend).
#include <string>

#include "btpow/solver.hpp"

namespace btpow {

std::string_view to_string(Backend backend) {
    switch (backend) {
        case Backend::auto_select: return "auto";
        case Backend::cpu: return "cpu";
        case Backend::cuda: return "cuda";
        case Backend::all: return "all";
    }
    return "?";
}

Backend parse_backend(std::string_view text, std::string_view field) {
    if (text == "auto") return Backend::auto_select;
    if (text == "cpu") return Backend::cpu;
    if (text == "cuda") return Backend::cuda;
    if (text == "all") return Backend::all;
    throw Error(ErrorCode::bad_option, std::string(field),
                std::string(field) + ": expected one of auto, cpu, cuda, all; got '" + printable(text, 40) + "'");
}

}  // namespace btpow
