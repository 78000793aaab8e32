// Stop signals (SIGINT, SIGTERM, SIGHUP) for the whole CLI. The signals are blocked in every
// thread and taken by one thread that waits for them, so a write is never cut by a handler and the
// solver's workers never see one. A command that can stop cleanly (solve, scan) says so with
// stop_cleanly_on_signals(); its loops then poll stop_signal() and end with exit_code_for_signal().
// Otherwise, or on a second signal, the signal ends the process at once as if unhandled.
#pragma once

namespace btpow::cli {

// Call first in main, before any thread starts.
void install_signal_handling();

// From now on a stop signal is recorded for stop_signal() instead of ending the process.
void stop_cleanly_on_signals();

// The stop signal received (SIGINT, SIGTERM or SIGHUP), or 0.
int stop_signal();

// 128 + the signal's number (129, 130, 143).
int exit_code_for_signal(int signal_number);

// "SIGINT", "SIGTERM", "SIGHUP".
const char* signal_name(int signal_number);

}  // namespace btpow::cli
