/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Explanations of refusals. Control functions that users reach take an optional
 * struct vsw_errmsg and, when they refuse, return a negative errno and write one sentence
 * into it saying what was wrong ("port vm1: mac 01:00:5e:00:00:01 is multicast"). The caller
 * decides whether it goes to a log, a CLI reply or a YAML error with file:line:column.
 * Pure C, no DPDK: any thread, any test.
 */
#ifndef VSW_ERRMSG_H
#define VSW_ERRMSG_H

#include <stdarg.h>

#include "vsw/limits.h"

/** One refusal's explanation. An empty msg means nothing was refused. */
struct vsw_errmsg {
	char msg[VSW_ERRMSG_SIZE]; /**< NUL-terminated, lowercase, no final period */
};

/**
 * Write the explanation of a refusal, replacing any earlier one.
 *
 * @param em
 *   Where to write; NULL is allowed and ignores the message.
 * @param fmt
 *   printf-style format.
 */
void vsw_errmsg_set(struct vsw_errmsg *em, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/** vsw_errmsg_set() with a va_list. */
void vsw_errmsg_vset(struct vsw_errmsg *em, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

/** Forget any explanation held in @p em (NULL allowed). */
void vsw_errmsg_clear(struct vsw_errmsg *em);

#endif /* VSW_ERRMSG_H */
