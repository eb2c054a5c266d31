/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the command files (show.c, ...) and the command server (server.c) share.
 * Control thread only.
 */
#ifndef VSW_CLI_PRIV_H
#define VSW_CLI_PRIV_H

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_string.h>
#include <rte_log.h>

#include "vsw/cli.h"

extern int vsw_cli_logtype;
#define CLI_LOG(lvl, fmt, ...)                                                                     \
	rte_log(RTE_LOG_##lvl, vsw_cli_logtype, "cli: " fmt "\n", ##__VA_ARGS__)

/* Commands of each area, NULL-terminated; server.c joins them into one context. */
extern cmdline_parse_inst_t *vsw_cli_show_cmds[];
extern cmdline_parse_inst_t *vsw_cli_fdb_cmds[];
extern cmdline_parse_inst_t *vsw_cli_port_cmds[];
extern cmdline_parse_inst_t *vsw_cli_nicsw_cmds[];
extern cmdline_parse_inst_t *vsw_cli_ext_cmds[];
extern cmdline_parse_inst_t *vsw_cli_misc_cmds[];

/* Every command, NULL-terminated (built by server.c from the lists above). */
extern cmdline_parse_ctx_t *vsw_cli_ctx;

/* Set by a command handler that failed: its negative errno, reported to the client. */
void vsw_cli_set_status(int rc);

/* Set by the quit command. */
void vsw_cli_request_quit(void);

#endif /* VSW_CLI_PRIV_H */
