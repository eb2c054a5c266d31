/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the command files (show.c, ...) and the command server (server.c) share.
 * Control thread only.
 */
#ifndef VSW_CLI_PRIV_H
#define VSW_CLI_PRIV_H

#include <inttypes.h>
#include <stdbool.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_string.h>
#include <rte_common.h>
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
extern cmdline_parse_inst_t *vsw_cli_vm_cmds[];
extern cmdline_parse_inst_t *vsw_cli_ext_cmds[];
extern cmdline_parse_inst_t *vsw_cli_misc_cmds[];
extern cmdline_parse_inst_t *vsw_cli_pmd_cmds[];
extern cmdline_parse_inst_t *vsw_cli_log_cmds[];
extern cmdline_parse_inst_t *vsw_cli_topology_cmds[];
extern cmdline_parse_inst_t *vsw_cli_load_cmds[];

/* Every command, NULL-terminated (built by server.c from the lists above). */
extern cmdline_parse_ctx_t *vsw_cli_ctx;

/* Set by a command handler that failed: its negative errno, reported to the client. */
void vsw_cli_set_status(int rc);

/*
 * Report a failed command: "error: <message>" (or {"error": ..., "errno": rc} in JSON mode)
 * and status @p rc for the client.
 */
void vsw_cli_error(struct cmdline *cl, int rc, const char *fmt, ...) __rte_format_printf(3, 4);

/* Report a command that succeeded: "<message>" (or {"result": ...} in JSON mode). */
void vsw_cli_done(struct cmdline *cl, const char *fmt, ...) __rte_format_printf(2, 3);

/* JSON mode: the line started with the word `json` (vswctl --json). Set by server.c. */
void vsw_cli_set_json(bool is_json);
bool vsw_cli_is_json(void);

/* Nesting levels a JSON reply may have. */
#define VSW_JSON_DEPTH_MAX 8

/* A JSON reply being written: one object, one line. Keys are NULL inside arrays. */
struct vsw_json {
	struct cmdline *cl;
	unsigned int depth;
	bool has_item[VSW_JSON_DEPTH_MAX];
};

void vsw_json_begin(struct vsw_json *j, struct cmdline *cl);
void vsw_json_end(struct vsw_json *j);
void vsw_json_obj(struct vsw_json *j, const char *key);
void vsw_json_arr(struct vsw_json *j, const char *key);
/* Close the innermost object ('}') or array (']'). */
void vsw_json_close(struct vsw_json *j, char bracket);
void vsw_json_u64(struct vsw_json *j, const char *key, uint64_t v);
void vsw_json_bool(struct vsw_json *j, const char *key, bool v);
void vsw_json_str(struct vsw_json *j, const char *key, const char *s);
/* A value that does not exist (no VF, no VPort), rather than a sentinel number. */
void vsw_json_null(struct vsw_json *j, const char *key);

/* Set by the quit command. */
void vsw_cli_request_quit(void);

#endif /* VSW_CLI_PRIV_H */
