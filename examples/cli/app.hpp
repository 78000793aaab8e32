// The btpow command tree, apart from main so that the argument fuzzer parses exactly what the tool
// parses. Parsing runs each chosen command's checks (every flag value), never its work.
#pragma once

#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace btpow::cli {

// The app with every command; after a successful parse, `selected` holds the chosen command's
// body, its flags already checked. Parsing throws CLI::ParseError for usage errors and
// btpow::Error for a bad flag value.
std::unique_ptr<CLI::App> make_app(CommandBody& selected);

}  // namespace btpow::cli
