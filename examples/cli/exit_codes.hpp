// The CLI's exit codes, in one place: what each command returns and what --help documents.
#pragma once

#include <string_view>

#include <btpow/types.hpp>

namespace btpow::cli {

enum ExitCode : int {
    exit_ok = 0,              // solution(s) found, verify passes, command done
    exit_not_found = 1,       // no solution before the timeout or the end of input; verify fails
    exit_bad_input = 2,       // bad input or usage
    exit_device_failure = 3,  // no such device or backend, or a device failed at run time
};

inline constexpr std::string_view kExitCodesHelp =
    "Exit codes:\n"
    "  0  solution(s) found, verify passes, or the command completed\n"
    "  1  no solution before --timeout or the end of the job feed; verify fails\n"
    "  2  bad input or usage (the message names the flag or the job line)\n"
    "  3  device or backend failure (e.g. --backend cuda without a CUDA device)\n";

inline ExitCode exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::no_device:
        case ErrorCode::backend_failure: return exit_device_failure;
        default: return exit_bad_input;
    }
}

}  // namespace btpow::cli
