"""The faucet's demo job (difficulty 10^6, rule le, block hash 0x00...00, Alice) solved through the
installed btpow package, then checked with btpow.verify."""

import sys

import btpow

job = btpow.Job(block_hash="0x" + "00" * 32, account="5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
                difficulty=1_000_000, rule="le")
with btpow.Solver() as solver:  # every CUDA device if there is one, else every CPU core
    solver.submit(job)
    solution = solver.wait(timeout=600)
if solution is None:
    sys.exit("no solution within 10 minutes")
passes = btpow.verify(job, solution.nonce).passes
print(f"nonce {solution.nonce}\nseal  0x{solution.seal.hex()}\nverify {'passes' if passes else 'FAILS'}")
sys.exit(0 if passes else 1)
