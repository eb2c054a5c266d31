/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `load <file>` and `dump`: the topology of a running vswd, in and out.
 *   load <file>  validate the whole file, then apply its difference to the running switch,
 *                all or nothing (vsw_ctl_reload()); vswd's SIGHUP runs the same on the file
 *                it was started with
 *   dump         the running state as a topology file that loads back to the same state
 * Control thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_priv.h"
#include "vsw/control.h"
#include "vsw/topo.h"

struct load_result {
	cmdline_fixed_string_t load;
	cmdline_fixed_string_t file;
};

struct dump_result {
	cmdline_fixed_string_t dump;
};

static cmdline_parse_token_string_t tok_load =
        TOKEN_STRING_INITIALIZER(struct load_result, load, "load");
static cmdline_parse_token_string_t tok_load_file =
        TOKEN_STRING_INITIALIZER(struct load_result, file, NULL);
static cmdline_parse_token_string_t tok_dump =
        TOKEN_STRING_INITIALIZER(struct dump_result, dump, "dump");

int
vsw_cli_load(const char *path, char *summary, size_t size, struct vsw_errmsg *em)
{
	struct vsw_topo *topo = calloc(1, sizeof(*topo));
	int rc;

	if (topo == NULL) {
		vsw_errmsg_set(em, "out of memory for a topology");
		return -ENOMEM;
	}
	rc = vsw_topo_load_file(path, topo, em);
	if (rc == 0)
		rc = vsw_ctl_reload(topo, summary, size, em);
	free(topo);
	if (rc < 0)
		CLI_LOG(ERR, "load %s refused, nothing changed: %s", path, em->msg);
	return rc;
}

static void
load_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct load_result *res = parsed;
	struct vsw_errmsg em = {0};
	char summary[256];
	int rc;

	RTE_SET_USED(data);
	rc = vsw_cli_load(res->file, summary, sizeof(summary), &em);
	if (rc < 0) {
		vsw_cli_error(cl, rc, "%s", em.msg);
		return;
	}
	vsw_cli_done(cl, "loaded %s: %s", res->file, summary);
}

static void
dump_parsed(void *parsed, struct cmdline *cl, void *data)
{
	struct vsw_topo *topo = calloc(1, sizeof(*topo));
	struct vsw_errmsg em = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	f = open_memstream(&text, &len);
	if (topo == NULL || f == NULL) {
		vsw_cli_error(cl, -ENOMEM, "out of memory for a dump");
		goto out;
	}
	rc = vsw_ctl_snapshot(topo, &em);
	if (rc == 0)
		rc = vsw_topo_write(topo, f);
	if (fclose(f) != 0 && rc == 0)
		rc = -ENOMEM;
	f = NULL;
	if (rc < 0) {
		vsw_cli_error(cl, rc, "%s", em.msg[0] != '\0' ? em.msg : "cannot write the dump");
	} else if (vsw_cli_is_json()) {
		struct vsw_json j;

		vsw_json_begin(&j, cl);
		vsw_json_str(&j, "yaml", text);
		vsw_json_end(&j);
	} else {
		cmdline_printf(cl, "%s", text);
	}
out:
	if (f != NULL)
		fclose(f);
	free(text);
	free(topo);
}

static cmdline_parse_inst_t cmd_load = {
        .f = load_parsed,
        .help_str = "load <file>: apply a topology file's difference to the running switch, "
                    "all or nothing",
        .tokens = {(void *)&tok_load, (void *)&tok_load_file, NULL},
};

static cmdline_parse_inst_t cmd_dump = {
        .f = dump_parsed,
        .help_str = "dump: the running state as a topology file",
        .tokens = {(void *)&tok_dump, NULL},
};

cmdline_parse_inst_t *vsw_cli_load_cmds[] = {
        &cmd_load,
        &cmd_dump,
        NULL,
};
