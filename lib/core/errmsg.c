/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Refusal explanations (include/vsw/errmsg.h). Control thread and tests; no DPDK.
 */
#include "vsw/errmsg.h"

#include <stdio.h>

void
vsw_errmsg_vset(struct vsw_errmsg *em, const char *fmt, va_list ap)
{
	if (em == NULL)
		return;
	/* Truncation is acceptable: the message is for humans and always NUL-terminated. */
	(void)vsnprintf(em->msg, sizeof(em->msg), fmt, ap);
}

void
vsw_errmsg_set(struct vsw_errmsg *em, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsw_errmsg_vset(em, fmt, ap);
	va_end(ap);
}

void
vsw_errmsg_clear(struct vsw_errmsg *em)
{
	if (em != NULL)
		em->msg[0] = '\0';
}
