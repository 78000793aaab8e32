// Fuzz target: the CLI's argument vector (NUL-separated words), parsed by the tool's own command
// tree, which checks every flag value; the chosen command is never run.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> words{"btpow"};
    std::string word;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            words.push_back(word);
            word.clear();
        } else {
            word += static_cast<char>(data[i]);
        }
    }
    if (!word.empty()) words.push_back(word);
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);

    btpow::cli::CommandBody selected;
    const auto app = btpow::cli::make_app(selected);
    try {
        app->parse(static_cast<int>(words.size()), argv.data());
        btpow::fuzz::require(static_cast<bool>(selected));
    } catch (const CLI::ParseError&) {
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
    }
    return 0;
}
