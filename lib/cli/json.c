/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON output for `vswctl --json`: a small streaming writer that show commands call instead
 * of their table printf, and the error reply both forms share. The writer keeps only which
 * nesting levels already hold an item (for commas), so output goes straight to the client's
 * reply without building a tree. Control thread only.
 */
#include <stdarg.h>
#include <stdio.h>

#include <rte_debug.h>

#include "cli_priv.h"

static bool is_json_mode;

void
vsw_cli_set_json(bool is_json)
{
	is_json_mode = is_json;
}

bool
vsw_cli_is_json(void)
{
	return is_json_mode;
}

/* @p s as a JSON string: quotes, backslashes and control characters escaped. */
static void
put_string(struct cmdline *cl, const char *s)
{
	cmdline_printf(cl, "\"");
	for (; *s != '\0'; s++) {
		const unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			cmdline_printf(cl, "\\%c", c);
		else if (c < 0x20)
			cmdline_printf(cl, "\\u%04x", c);
		else
			cmdline_printf(cl, "%c", c);
	}
	cmdline_printf(cl, "\"");
}

/* The separator and key before a new item at the current level. */
static void
item(struct vsw_json *j, const char *key)
{
	RTE_VERIFY(j->depth > 0);
	if (j->has_item[j->depth - 1])
		cmdline_printf(j->cl, ",");
	j->has_item[j->depth - 1] = true;
	if (key != NULL) {
		put_string(j->cl, key);
		cmdline_printf(j->cl, ":");
	}
}

static void
open_level(struct vsw_json *j, const char *key, char bracket)
{
	RTE_VERIFY(j->depth < VSW_JSON_DEPTH_MAX);
	if (j->depth > 0)
		item(j, key);
	cmdline_printf(j->cl, "%c", bracket);
	j->has_item[j->depth++] = false;
}

void
vsw_json_begin(struct vsw_json *j, struct cmdline *cl)
{
	*j = (struct vsw_json){.cl = cl};
	open_level(j, NULL, '{');
}

void
vsw_json_end(struct vsw_json *j)
{
	RTE_VERIFY(j->depth == 1);
	vsw_json_close(j, '}');
	cmdline_printf(j->cl, "\n");
}

void
vsw_json_obj(struct vsw_json *j, const char *key)
{
	open_level(j, key, '{');
}

void
vsw_json_arr(struct vsw_json *j, const char *key)
{
	open_level(j, key, '[');
}

void
vsw_json_close(struct vsw_json *j, char bracket)
{
	RTE_VERIFY(j->depth > 0);
	j->depth--;
	cmdline_printf(j->cl, "%c", bracket);
}

void
vsw_json_u64(struct vsw_json *j, const char *key, uint64_t v)
{
	item(j, key);
	cmdline_printf(j->cl, "%" PRIu64, v);
}

void
vsw_json_bool(struct vsw_json *j, const char *key, bool v)
{
	item(j, key);
	cmdline_printf(j->cl, "%s", v ? "true" : "false");
}

void
vsw_json_null(struct vsw_json *j, const char *key)
{
	item(j, key);
	cmdline_printf(j->cl, "null");
}

void
vsw_json_str(struct vsw_json *j, const char *key, const char *s)
{
	item(j, key);
	put_string(j->cl, s);
}

void
vsw_cli_error(struct cmdline *cl, int rc, const char *fmt, ...)
{
	char msg[VSW_CLI_LINE_SIZE + 256];
	struct vsw_json j;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vsw_cli_set_status(rc);
	if (!is_json_mode) {
		cmdline_printf(cl, "error: %s\n", msg);
		return;
	}
	vsw_json_begin(&j, cl);
	vsw_json_str(&j, "error", msg);
	item(&j, "errno");
	cmdline_printf(cl, "%d", rc);
	vsw_json_end(&j);
}

void
vsw_cli_done(struct cmdline *cl, const char *fmt, ...)
{
	char msg[VSW_CLI_LINE_SIZE + 256];
	struct vsw_json j;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!is_json_mode) {
		cmdline_printf(cl, "%s\n", msg);
		return;
	}
	vsw_json_begin(&j, cl);
	vsw_json_str(&j, "result", msg);
	vsw_json_end(&j);
}
