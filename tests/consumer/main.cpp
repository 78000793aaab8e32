// Links against the installed library and checks the worked example of the spec (docs/protocol.md §2).
#include <btpow/btpow.hpp>

#include <cstdio>

int main() {
    const auto account = btpow::Account::parse("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    const btpow::Hash32 block{};
    const auto h = btpow::block_and_hotkey_hash(block, account);
    const auto s = btpow::seal(h, 0);
    std::printf("%s\n", s.hex().c_str());
    return s.hex() == "0x8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f" ? 0 : 1;
}
