// Fuzz target: one line of the job feed (`solve --jobs -`), parsed as the CLI parses it. Any
// bytes: a job or a refusal naming the line, never a crash, a hang or a long message.
#include <string>

#include "fuzz_check.hpp"
#include "job_feed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    try {
        const btpow::cli::FeedJob job = btpow::cli::parse_job_line(line, 7, btpow::Rule::le, 1);
        btpow::fuzz::require(job.count >= 1);
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
        btpow::fuzz::require(std::string_view(error.what()).find("--jobs line 7") != std::string_view::npos);
    }
    return 0;
}
