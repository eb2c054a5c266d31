/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL the harnesses that need mbufs, ethdevs or rte_malloc start once, in
 * LLVMFuzzerInitialize(): no hugepages, no devices, no shared files, logs at error level, so
 * that any number of fuzzing processes run side by side without root or a hugepage pool.
 */
#ifndef VSW_FUZZ_EAL_H
#define VSW_FUZZ_EAL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_eal.h>

/*
 * Start the EAL on @p lcores with @p mem_mb of memory, or end the process: a harness without
 * one would report nothing useful.
 */
static inline void
fuzz_eal_init(const char *prog, const char *lcores, const char *mem_mb)
{
	/* rte_eal_init() takes char *: the casts drop a const it never writes through. */
	char *argv[] = {(char *)(uintptr_t)prog,
	                (char *)(uintptr_t) "--no-huge",
	                (char *)(uintptr_t) "--no-shconf",
	                (char *)(uintptr_t) "--no-pci",
	                (char *)(uintptr_t) "--no-telemetry",
	                (char *)(uintptr_t) "-m",
	                (char *)(uintptr_t)mem_mb,
	                (char *)(uintptr_t) "-l",
	                (char *)(uintptr_t)lcores,
	                (char *)(uintptr_t) "--log-level",
	                (char *)(uintptr_t) "*:error",
	                NULL};

	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "%s: EAL initialisation failed\n", prog);
		exit(1);
	}
}

/* A harness invariant broke: print why and abort, which libFuzzer reports as a crash. */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz check failed: %s: ", #cond);                         \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif /* VSW_FUZZ_EAL_H */
