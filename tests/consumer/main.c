/* Links against the installed libbtpow.so (btpow::btpow_shared) and checks the worked example of
 * the spec (docs/protocol.md §2) through the C interface. */
#include <btpow/btpow.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    static const unsigned char want[32] = {0x8f, 0x45, 0x15, 0x90, 0xe9, 0x42, 0xa7, 0x6b, 0xe6, 0xba, 0xd6,
                                           0x78, 0x04, 0xa7, 0x85, 0x8b, 0x8a, 0xc3, 0xd5, 0xc0, 0x4d, 0x1a,
                                           0xa6, 0x20, 0x4a, 0x10, 0xff, 0x61, 0xc6, 0x01, 0xb0, 0x3f};
    unsigned char block[32] = {0}, account[32], h[32], seal[32];
    if (btpow_parse_account(account, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY") != BTPOW_OK ||
        btpow_block_and_hotkey_hash(h, block, account) != BTPOW_OK || btpow_seal(seal, h, 0) != BTPOW_OK) {
        fprintf(stderr, "%s\n", btpow_last_error_message());
        return 1;
    }
    return memcmp(seal, want, 32) == 0 ? 0 : 1;
}
