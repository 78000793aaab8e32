/* The smallest C program that embeds btpow through its C interface: solves the faucet's demo job
 * (difficulty 10^6, rule le, block hash 0x00...00, Alice's account) and checks the answer.
 * Build: cc -std=c99 embed.c $(pkg-config --cflags --libs btpow) */
#include <btpow/btpow.h>
#include <stdio.h>

static int report(const char* what, btpow_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, btpow_status_name(status), btpow_last_error_message());
    return 1;
}

int main(void) {
    btpow_job job = {0};
    btpow_solver* solver = NULL;
    btpow_solution solution;
    btpow_verdict verdict;
    btpow_status status;
    int i;

    job.block_number = 0;
    job.rule = BTPOW_RULE_LE;
    btpow_difficulty_from_u64(job.difficulty, 1000000);
    status = btpow_parse_account(job.account, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    if (status != BTPOW_OK) return report("account", status);

    status = btpow_solver_create(&solver, NULL);
    if (status != BTPOW_OK) return report("solver", status);
    status = btpow_solver_submit(solver, &job, NULL);
    if (status == BTPOW_OK) status = btpow_solver_wait(solver, 600000, &solution);
    btpow_solver_destroy(solver);
    if (status != BTPOW_OK) return report("solve", status);

    status = btpow_verify(&verdict, &job, solution.nonce);
    if (status != BTPOW_OK) return report("verify", status);
    printf("nonce %llu\nseal  0x", (unsigned long long)solution.nonce);
    for (i = 0; i < 32; ++i) printf("%02x", solution.seal[i]);
    printf("\nverify %s\n", verdict.passes ? "passes" : "FAILS");
    return verdict.passes ? 0 : 1;
}
