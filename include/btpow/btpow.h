/* The C interface of btpow: a stable C99 ABI over the C++ library, for any language with a C FFI
 * (Python ctypes/cffi, Rust, Go, ...). Link with libbtpow.so (pkg-config btpow).
 *
 * Rules that hold for every function below unless its comment says otherwise:
 * - Pointer arguments must not be NULL. A NULL where one is not allowed returns
 *   BTPOW_ERR_BAD_INPUT (it is checked, never dereferenced).
 * - Every function returns a btpow_status. On anything but BTPOW_OK the calling thread's last
 *   error (btpow_last_error_message, btpow_last_error_field) describes why, and outputs hold
 *   what the function's "On failure" line says (untouched where it says nothing).
 *   Successful calls leave the last error unchanged.
 * - No C++ exception and no signal ever leaves this interface; nothing here prints or exits.
 * - Byte arrays of 32 hold hashes and public keys byte 0 first (the order of 0x... strings on
 *   the RPC). 256-bit integers (difficulties) are 32 bytes little-endian: byte 0 least
 *   significant.
 * - Thread-safety: the free functions may be called from any thread concurrently. A
 *   btpow_solver may be used from several threads at once, except btpow_solver_destroy, which
 *   must be the last call on it.
 */
#ifndef BTPOW_H
#define BTPOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define BTPOW_API
#elif defined(__GNUC__)
#define BTPOW_API __attribute__((visibility("default")))
#else
#define BTPOW_API
#endif

/* The ABI version of this header; libbtpow.so.BTPOW_ABI_VERSION is the library's SONAME. */
#define BTPOW_ABI_VERSION 0

typedef enum btpow_status {
    BTPOW_OK = 0,
    BTPOW_ERR_BAD_INPUT = 1,      /* an argument is malformed or out of range; the field is named */
    BTPOW_ERR_NO_DEVICE = 2,      /* the chosen backend has no usable device in this build/machine */
    BTPOW_ERR_DEVICE_FAILURE = 3, /* a device or backend failed at run time */
    BTPOW_ERR_TIMEOUT = 4,        /* no solution within the timeout */
    BTPOW_ERR_STOPPED = 5,        /* the solver was stopped */
    BTPOW_ERR_INTERNAL = 6        /* out of memory or an unexpected failure */
} btpow_status;

/* Which byte of the seal is most significant, and how the product is compared. */
typedef enum btpow_rule {
    BTPOW_RULE_LE = 0, /* the chain since 2025-06-30 and the faucet: seal[31] most significant,
                          passes iff x <= floor((2^256-1)/d) */
    BTPOW_RULE_BE = 1, /* the chain before 2025-06-30: seal[0] most significant, same bound */
    BTPOW_RULE_SDK = 2 /* the Python SDK and btcli: seal[0] most significant, x*d < 2^256-1 */
} btpow_rule;

typedef enum btpow_backend {
    BTPOW_BACKEND_AUTO = 0, /* every usable CUDA device if there is one, else the CPU */
    BTPOW_BACKEND_CPU = 1,
    BTPOW_BACKEND_CUDA = 2, /* CUDA devices only: BTPOW_ERR_NO_DEVICE when there is none */
    BTPOW_BACKEND_ALL = 3   /* CUDA devices and CPU threads together */
} btpow_backend;

/* One puzzle of the old seal (docs/protocol.md §2). difficulty is 32 bytes little-endian; all zero accepts
 * every seal. For either seal, v1 included, use btpow_job_ex and the *_ex functions. */
typedef struct btpow_job {
    uint64_t block_number;
    unsigned char block_hash[32];
    unsigned char account[32]; /* the AccountId32 public key (hotkey, or the faucet's signer) */
    unsigned char difficulty[32];
    btpow_rule rule;
} btpow_job;

/* Which seal a job asks for. */
typedef enum btpow_seal_kind {
    BTPOW_SEAL_OLD = 0, /* keccak256(sha256(le64(nonce) || H)), H = keccak256(block_hash || account):
                           the faucet, Torus, register before subtensor spec 474 (docs/protocol.md §2) */
    BTPOW_SEAL_V1 = 1   /* keccak256(sha256(tag || le16(netuid) || block_hash || hotkey || coldkey ||
                           le64(nonce))): pow_register, spec 474 and later; rule LE only (docs/protocol.md §10) */
} btpow_seal_kind;

/* One puzzle of either seal. Size-tagged so that it can grow without breaking callers: initialise
 * with btpow_job_ex_init (which sets struct_size and the defaults), then set fields. A library
 * accepts every struct_size it was ever published with, and refuses others (BTPOW_ERR_BAD_INPUT,
 * field "struct_size").
 * For BTPOW_SEAL_OLD: block_hash, account, difficulty and rule are used, as in btpow_job.
 * For BTPOW_SEAL_V1: block_number is the work block (pow_register's work_block) and block_hash
 * its hash; netuid (1..65535: 0, the root subnet, is refused), hotkey (the key to register) and
 * coldkey (the key that signs pow_register) are used (all-zero keys are refused as missing) and
 * account is not; rule must be BTPOW_RULE_LE (anything else is refused, field "rule"). */
typedef struct btpow_job_ex {
    size_t struct_size; /* sizeof(btpow_job_ex), set by btpow_job_ex_init */
    btpow_seal_kind seal;
    uint64_t block_number;
    unsigned char block_hash[32];
    unsigned char account[32]; /* old seal: the AccountId32 in H */
    unsigned char difficulty[32];
    btpow_rule rule;
    uint16_t netuid;           /* v1 */
    unsigned char hotkey[32];  /* v1 */
    unsigned char coldkey[32]; /* v1 */
} btpow_job_ex;

/* The 123 bytes before the nonce in a v1 payload (docs/protocol.md §10): tag, le16(netuid), block hash,
 * hotkey, coldkey. */
#define BTPOW_V1_PREFIX_SIZE 123

/* Which devices do the work. Initialise with btpow_options_init, then change fields. */
typedef struct btpow_options {
    btpow_backend backend;
    unsigned cpu_threads;    /* 0: every hardware thread; at most 4096 */
    const char* cpu_isa;     /* NULL, "auto" or a path name ("scalar", "avx2", ...); copied */
    const int* cuda_devices; /* 0-based ordinals, cuda_device_count of them; NULL: every device */
    size_t cuda_device_count;
    unsigned cuda_batch_ms; /* GPU time per CUDA batch, 1..1000; 0: the library's default */
    int has_nonce_start;    /* solver only: non-zero to start each job at nonce_start, else random */
    uint64_t nonce_start;
} btpow_options;

typedef struct btpow_verdict {
    unsigned char block_and_hotkey_hash[32];
    unsigned char seal[32];
    int le, be, sdk; /* 1 when the seal passes that rule, else 0 */
    int passes;      /* the verdict under the job's rule */
} btpow_verdict;

typedef struct btpow_scan_stats {
    uint64_t hashes;
    uint64_t candidates;
    uint64_t compute_errors;
    double seconds;       /* hashing time */
    double setup_seconds; /* device open, self-test and calibration before it */
} btpow_scan_stats;

typedef struct btpow_solution {
    uint64_t job_id; /* btpow_solver_submit's job id */
    uint64_t block_number;
    uint64_t nonce;
    unsigned char seal[32];
    char device[32]; /* "cpu", "cuda:0", ...: NUL-terminated */
    uint64_t hashes; /* seals hashed for the job when it was found */
    double seconds;  /* since the job was submitted */
} btpow_solution;

/* A solution of a job of either seal, with the job it solves (older jobs included): for a v1
 * job, pow_register(job.netuid, job.block_number, nonce, seal, job.hotkey) signed by job.coldkey
 * (docs/protocol.md §10). Size-tagged like btpow_job_ex: set struct_size = sizeof(btpow_solution_ex) before
 * the call. */
typedef struct btpow_solution_ex {
    size_t struct_size;
    uint64_t job_id;
    btpow_job_ex job; /* the job it solves, as submitted */
    uint64_t nonce;
    unsigned char seal[32]; /* pow_register's `work` for a v1 job */
    char device[32];        /* "cpu", "cuda:0", ...: NUL-terminated */
    uint64_t hashes;
    double seconds;
} btpow_solution_ex;

/* Totals over every device of a solver; rates are seals per second, 0 also when there is no
 * interval to measure over yet (where the C++ API's rate is empty). */
typedef struct btpow_stats {
    uint64_t hashes, candidates, solutions, compute_errors;
    double rate_10s, rate_60s, rate_total;
    double seconds;      /* since the solver started */
    uint64_t job_id;     /* the current job, 0 before the first submit */
    uint64_t job_hashes; /* hashed for the current job */
    double job_seconds;  /* since the current job was submitted */
    size_t devices;      /* devices working (failed ones excluded) */
    size_t failed_devices;
} btpow_stats;

#define BTPOW_MAX_CUDA_DEVICES 16
typedef struct btpow_cuda_device {
    int ordinal;
    char name[128];
    int compute_major, compute_minor;
    int multiprocessors;
    uint64_t memory_bytes;
    int clock_khz;
    int watchdog;
} btpow_cuda_device;

typedef struct btpow_system_info {
    char cpu_model[128];
    unsigned hardware_threads;
    char cpu_isas[128];   /* supported CPU paths, best first, separated by commas */
    char default_isa[32]; /* what "auto" picks */
    int cuda_compiled;    /* 1 when this build has the CUDA backend */
    size_t cuda_device_count;
    btpow_cuda_device cuda_devices[BTPOW_MAX_CUDA_DEVICES]; /* the first cuda_device_count */
    char cuda_error[256];                                   /* why no device could be listed; "" when none */
} btpow_system_info;

/* An opaque solver: CPU threads and/or CUDA devices working on one job at a time. */
typedef struct btpow_solver btpow_solver;

/** The library's version, e.g. "0.1.0". Never NULL; a static string. */
BTPOW_API const char* btpow_version(void);

/** A constant name for a status ("ok", "bad_input", ...); "unknown" for other values. */
BTPOW_API const char* btpow_status_name(int status);

/** The message of the calling thread's last error: it names the field and the expected form.
 *  Returns: a NUL-terminated string owned by the library, valid until the thread's next call
 *  into btpow; "" when no call of this thread has failed. Never NULL. */
BTPOW_API const char* btpow_last_error_message(void);

/** The field the calling thread's last error is about ("account", "difficulty", "timeout",
 *  ...), or "" when it concerns no field. Same lifetime as btpow_last_error_message. */
BTPOW_API const char* btpow_last_error_field(void);

/** Parses 64 hex digits (with or without 0x, any case) into 32 bytes.
 *  Out: out: the bytes. On failure: untouched.
 *  In:  text: NUL-terminated. field: the name errors use; may be NULL ("hash"). */
BTPOW_API btpow_status btpow_parse_hash(unsigned char out[32], const char* text, const char* field);

/** Parses an account: an SS58 address with prefix 42, or 64 hex digits.
 *  Out: public_key: the 32-byte key. On failure: untouched.
 *  In:  text: NUL-terminated. */
BTPOW_API btpow_status btpow_parse_account(unsigned char public_key[32], const char* text);

/** Writes the SS58 address (prefix 42, 48 characters and a NUL) of a public key. */
BTPOW_API btpow_status btpow_account_ss58(char out[49], const unsigned char public_key[32]);

/** Parses a difficulty, decimal or 0x-hex, 0 <= d <= 2^256-1.
 *  Out: out: 32 bytes little-endian. On failure: untouched. */
BTPOW_API btpow_status btpow_parse_difficulty(unsigned char out[32], const char* text);

/** Sets a difficulty from a 64-bit value: out = d as 32 bytes little-endian. Cannot fail. */
BTPOW_API btpow_status btpow_difficulty_from_u64(unsigned char out[32], uint64_t d);

/** H = keccak256(block_hash || account), once per job.
 *  Out: out: H. */
BTPOW_API btpow_status btpow_block_and_hotkey_hash(unsigned char out[32], const unsigned char block_hash[32],
                                                   const unsigned char account[32]);

/** seal = keccak256(sha256(le64(nonce) || H)), by the reference implementation.
 *  Out: out: the seal.
 *  In:  block_and_hotkey_hash: H. */
BTPOW_API btpow_status btpow_seal(unsigned char out[32], const unsigned char block_and_hotkey_hash[32], uint64_t nonce);

/** The seal of (job, nonce) and its verdict under every rule.
 *  Out: verdict. On failure: untouched.
 *  Returns BTPOW_ERR_BAD_INPUT for a rule outside btpow_rule. */
BTPOW_API btpow_status btpow_verify(btpow_verdict* verdict, const btpow_job* job, uint64_t nonce);

/** Sets job to the defaults (old seal, rule LE, everything else zero) and struct_size to
 *  sizeof(btpow_job_ex). */
BTPOW_API btpow_status btpow_job_ex_init(btpow_job_ex* job);

/** The 123-byte v1 prefix of a job: tag || le16(netuid) || block_hash || hotkey || coldkey
 *  (docs/protocol.md §10), whatever job->seal says.
 *  Out: prefix. On failure: untouched. */
BTPOW_API btpow_status btpow_v1_prefix(unsigned char prefix[BTPOW_V1_PREFIX_SIZE], const btpow_job_ex* job);

/** The v1 seal keccak256(sha256(prefix || le64(nonce))), by the reference implementation.
 *  Out: out: the seal.
 *  In:  prefix: the 123-byte prefix (not checked: any 123 bytes are hashed). */
BTPOW_API btpow_status btpow_seal_v1(unsigned char out[32], const unsigned char prefix[BTPOW_V1_PREFIX_SIZE],
                                     uint64_t nonce);

/** btpow_verify for a job of either seal. For a v1 job le is the chain's verdict and be, sdk
 *  are 0; block_and_hotkey_hash is zero.
 *  Returns BTPOW_ERR_BAD_INPUT for a bad struct_size, seal, rule, or a v1 job with netuid 0 or
 *  a rule other than LE. */
BTPOW_API btpow_status btpow_verify_ex(btpow_verdict* verdict, const btpow_job_ex* job, uint64_t nonce);

/** btpow_scan for a job of either seal; same contract. */
BTPOW_API btpow_status btpow_scan_ex(const btpow_job_ex* job, uint64_t start, uint64_t count,
                                     const btpow_options* options, uint64_t* hits, size_t hits_capacity, size_t* found,
                                     btpow_scan_stats* stats);

/** Sets options to the defaults: backend AUTO, every CPU thread, every CUDA device, default
 *  batch time, a random nonce start. */
BTPOW_API btpow_status btpow_options_init(btpow_options* options);

/** Every nonce in [start, start + count), wrapping modulo 2^64, whose seal passes the job's
 *  rule, ascending from start. Blocks until the range is done.
 *  Out: hits: the first min(found, hits_capacity) hits; may be NULL when hits_capacity is 0.
 *       found: how many hits the range holds (may exceed hits_capacity).
 *       stats: counters and times; may be NULL.
 *       On failure: found is 0; hits and stats are unspecified.
 *  In:  options: NULL scans on every CPU thread; else its backend etc. are used (AUTO: the CUDA
 *       devices if any, else the CPU); has_nonce_start is ignored.
 *       count: 1..2^64-1 (0 is BTPOW_ERR_BAD_INPUT).
 *  Returns BTPOW_ERR_DEVICE_FAILURE (field "cpu_threads") when a worker thread cannot be started;
 *  no thread is left running then. */
BTPOW_API btpow_status btpow_scan(const btpow_job* job, uint64_t start, uint64_t count, const btpow_options* options,
                                  uint64_t* hits, size_t hits_capacity, size_t* found, btpow_scan_stats* stats);

/** Creates a solver and starts its workers (idle until the first submit).
 *  Out: solver: the new handle, to be freed with btpow_solver_destroy. On failure: NULL.
 *  In:  options: may be NULL (defaults, as btpow_options_init).
 *  Returns BTPOW_ERR_NO_DEVICE when the backend has no usable device; BTPOW_ERR_DEVICE_FAILURE
 *  (field "cpu_threads") when a worker thread cannot be started (a thread or memory limit of the
 *  process): no thread is left running then. */
BTPOW_API btpow_status btpow_solver_create(btpow_solver** solver, const btpow_options* options);

/** Starts work on a job, replacing the current one at once (a new block).
 *  Out: job_id: the job's id, counting from 1; may be NULL.
 *  Returns BTPOW_ERR_STOPPED after btpow_solver_stop. */
BTPOW_API btpow_status btpow_solver_submit(btpow_solver* solver, const btpow_job* job, uint64_t* job_id);

/** Waits for the next solution not yet returned (of the current or an earlier job).
 *  Out: solution. On failure: untouched.
 *  In:  timeout_ms: how long to wait; 0 only polls; above about a century waits a century.
 *  Returns BTPOW_ERR_TIMEOUT when none came in time, BTPOW_ERR_STOPPED once the solver is
 *  stopped (also when stopped from another thread during the wait). */
BTPOW_API btpow_status btpow_solver_wait(btpow_solver* solver, uint64_t timeout_ms, btpow_solution* solution);

/** btpow_solver_submit for a job of either seal; same contract. Jobs of both seals may follow
 *  each other on one solver. */
BTPOW_API btpow_status btpow_solver_submit_ex(btpow_solver* solver, const btpow_job_ex* job, uint64_t* job_id);

/** btpow_solver_wait that also gives the solved job (of either seal).
 *  Out: solution (its struct_size set by the caller, checked). On failure: untouched. */
BTPOW_API btpow_status btpow_solver_wait_ex(btpow_solver* solver, uint64_t timeout_ms, btpow_solution_ex* solution);

/** Counters and rates, summed over the solver's devices.
 *  Out: stats. On failure: untouched. */
BTPOW_API btpow_status btpow_solver_stats(const btpow_solver* solver, btpow_stats* stats);

/** Stops hashing until the next submit; the workers stay up. */
BTPOW_API btpow_status btpow_solver_pause(btpow_solver* solver);

/** Stops every worker; returns within about 100 ms. Idempotent. Waits in other threads return
 *  BTPOW_ERR_STOPPED. */
BTPOW_API btpow_status btpow_solver_stop(btpow_solver* solver);

/** Stops the solver and frees it. solver may be NULL (nothing happens). No other call on it may
 *  be running or follow. Cannot fail. */
BTPOW_API void btpow_solver_destroy(btpow_solver* solver);

/** What this build and machine offer.
 *  Out: info. Strings are NUL-terminated and truncated to their arrays; at most
 *  BTPOW_MAX_CUDA_DEVICES devices are listed (cuda_device_count is capped to it). */
BTPOW_API btpow_status btpow_get_system_info(btpow_system_info* info);

#ifdef __cplusplus
}
#endif

#endif /* BTPOW_H */
