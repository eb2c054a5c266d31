/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `set log level <type> <level>`: change a log type's level at run time, as
 * --log-level=<type>:<level> does at start. <type> is one of vsw's (vsw.cli, vsw.datapath,
 * ...) or DPDK's (lib.eal, pmd.net.vhost, ...) types, or a glob over them (vsw.*); <level>
 * is a name (emerg alert crit err warning notice info debug) or 1..8. Control thread only.
 */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "cli_priv.h"

struct set_log_result {
	cmdline_fixed_string_t set;
	cmdline_fixed_string_t log;
	cmdline_fixed_string_t level_word;
	cmdline_fixed_string_t type;
	cmdline_fixed_string_t level;
};

#define LOG_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct set_log_result, field, str)

static cmdline_parse_token_string_t tok_set = LOG_TOKEN(set, "set");
static cmdline_parse_token_string_t tok_log = LOG_TOKEN(log, "log");
static cmdline_parse_token_string_t tok_level_word = LOG_TOKEN(level_word, "level");
static cmdline_parse_token_string_t tok_type = LOG_TOKEN(type, NULL);
static cmdline_parse_token_string_t tok_level = LOG_TOKEN(level, NULL);

static const char *const level_names[] = {
        [RTE_LOG_EMERG] = "emerg", [RTE_LOG_ALERT] = "alert",     [RTE_LOG_CRIT] = "crit",
        [RTE_LOG_ERR] = "err",     [RTE_LOG_WARNING] = "warning", [RTE_LOG_NOTICE] = "notice",
        [RTE_LOG_INFO] = "info",   [RTE_LOG_DEBUG] = "debug",
};

/* @return the level named or numbered by @p s, or 0 when there is none. */
static uint32_t
parse_level(const char *s)
{
	char *end;
	unsigned long n;

	for (uint32_t l = RTE_LOG_EMERG; l <= RTE_LOG_DEBUG; l++)
		if (strcmp(s, level_names[l]) == 0)
			return l;
	if (strcmp(s, "error") == 0)
		return RTE_LOG_ERR;
	n = strtoul(s, &end, 10);
	return *end == '\0' && end != s && n >= RTE_LOG_EMERG && n <= RTE_LOG_DEBUG ? (uint32_t)n
	                                                                            : 0;
}

/*
 * Set @p level on every registered type that @p pattern matches. DPDK 22.11 has no lookup
 * by name that does not also register, so the names come from rte_log_list_types(); a name
 * found there is registered, and rte_log_register() then only returns its id.
 * @return the number of types changed, or -ENOMEM.
 */
static int
set_matching(const char *pattern, uint32_t level)
{
	char *list = NULL, *line, *save = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&list, &size);
	int n = 0;

	if (f == NULL)
		return -ENOMEM;
	rte_log_list_types(f, "");
	if (fclose(f) != 0) {
		free(list);
		return -ENOMEM;
	}
	for (line = strtok_r(list, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		int type;

		line += strspn(line, " \t");
		if (fnmatch(pattern, line, 0) != 0)
			continue;
		type = rte_log_register(line);
		if (type >= 0 && rte_log_set_level((uint32_t)type, level) == 0)
			n++;
	}
	free(list);
	return n;
}

static void
set_log_level_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct set_log_result *res = parsed;
	const uint32_t level = parse_level(res->level);
	int n;

	RTE_SET_USED(data);
	if (level == 0) {
		vsw_cli_error(cl, -EINVAL,
		              "log level %s: unknown level (emerg alert crit err warning notice "
		              "info debug, or 1..8)",
		              res->level);
		return;
	}
	n = set_matching(res->type, level);
	if (n < 0) {
		vsw_cli_error(cl, n, "log type %s: out of memory", res->type);
		return;
	}
	if (n == 0) {
		vsw_cli_error(cl, -ENOENT, "log type %s: no such log type", res->type);
		return;
	}
	CLI_LOG(NOTICE, "log level of %s set to %s (%d types)", res->type, level_names[level], n);
	vsw_cli_done(cl, "log level of %s set to %s (%d types)", res->type, level_names[level], n);
}

static cmdline_parse_inst_t cmd_set_log_level = {
        .f = set_log_level_parsed,
        .help_str = "set log level <type> <level>: e.g. set log level vsw.* debug",
        .tokens = {(void *)&tok_set, (void *)&tok_log, (void *)&tok_level_word, (void *)&tok_type,
                   (void *)&tok_level, NULL},
};

cmdline_parse_inst_t *vsw_cli_log_cmds[] = {
        &cmd_set_log_level,
        NULL,
};
