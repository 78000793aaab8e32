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
    exit_io_failure = 4,      // stdout could not be written (full disk, closed, broken pipe) or
                              // the job feed could not be read
    // A stop signal ends work cleanly with 128 + its number, as a shell reports a killed child:
    exit_hangup = 129,     // SIGHUP
    exit_interrupt = 130,  // SIGINT
    exit_terminate = 143,  // SIGTERM
};

inline constexpr std::string_view kExitCodesHelp =
    "Exit codes:\n"
    "  0  solution(s) found, verify passes, or the command completed\n"
    "  1  no solution before --timeout or the end of the job feed; verify fails\n"
    "  2  bad input or usage (the message names the flag or the job line)\n"
    "  3  device or backend failure (e.g. --backend cuda without a CUDA device, --devices 7 with no such\n"
    "     device)\n"
    "  4  output could not be written (full disk, closed stdout, broken pipe) or the job feed could\n"
    "     not be read; the solutions not printed are lost, and the message says so\n"
    "  129, 130, 143  stopped by SIGHUP, SIGINT or SIGTERM: work stopped, what was found printed,\n"
    "     a summary on stderr\n";

inline ExitCode exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::no_device:
        case ErrorCode::backend_failure: return exit_device_failure;
        default: return exit_bad_input;
    }
}

}  // namespace btpow::cli
