// Stop signals: blocked everywhere, received by one waiting thread (see signals.hpp).
#include "signals.hpp"

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <thread>

namespace btpow::cli {

namespace {

std::atomic<bool> g_clean_stop{false};
std::atomic<int> g_signal{0};

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

[[noreturn]] void end_as_unhandled(int signal_number) {
    // The default action of these signals ends the process with the signal as its status.
    std::signal(signal_number, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal_number);
    pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    raise(signal_number);
    std::_Exit(exit_code_for_signal(signal_number));
}

void wait_for_signals(sigset_t set) {
    while (true) {
        int received = 0;
        if (sigwait(&set, &received) != 0) continue;
        int none = 0;
        if (!g_clean_stop.load() || !g_signal.compare_exchange_strong(none, received)) end_as_unhandled(received);
    }
}

}  // namespace

void install_signal_handling() {
    // A signal ignored by whoever started us (nohup, a supervisor) stays ignored.
    sigset_t waited = stop_signals();
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current {};
        if (sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN)
            sigdelset(&waited, signal_number);
    }
    pthread_sigmask(SIG_BLOCK, &waited, nullptr);
    std::thread(wait_for_signals, waited).detach();
}

void stop_cleanly_on_signals() { g_clean_stop.store(true); }

int stop_signal() { return g_signal.load(); }

int exit_code_for_signal(int signal_number) { return 128 + signal_number; }

const char* signal_name(int signal_number) {
    switch (signal_number) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        default: return "a signal";
    }
}

}  // namespace btpow::cli
