/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `help` and `quit`. Control thread only.
 */
#include <rte_common.h>

#include "cli_priv.h"

struct word_result {
	cmdline_fixed_string_t word;
};

static cmdline_parse_token_string_t tok_help =
        TOKEN_STRING_INITIALIZER(struct word_result, word, "help");
static cmdline_parse_token_string_t tok_quit =
        TOKEN_STRING_INITIALIZER(struct word_result, word, "quit");

static void
help_parsed(void *parsed, struct cmdline *cl, void *data)
{
	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	struct vsw_json j;

	if (!vsw_cli_is_json()) {
		for (cmdline_parse_ctx_t *c = vsw_cli_ctx; *c != NULL; c++)
			cmdline_printf(cl, "  %s\n", (*c)->help_str);
		return;
	}
	vsw_json_begin(&j, cl);
	vsw_json_arr(&j, "commands");
	for (cmdline_parse_ctx_t *c = vsw_cli_ctx; *c != NULL; c++)
		vsw_json_str(&j, NULL, (*c)->help_str);
	vsw_json_close(&j, ']');
	vsw_json_end(&j);
}

static void
quit_parsed(void *parsed, struct cmdline *cl, void *data)
{
	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	vsw_cli_done(cl, "stopping vswd");
	vsw_cli_request_quit();
}

static cmdline_parse_inst_t cmd_help = {
        .f = help_parsed,
        .help_str = "help: list the commands",
        .tokens = {(void *)&tok_help, NULL},
};

static cmdline_parse_inst_t cmd_quit = {
        .f = quit_parsed,
        .help_str = "quit: stop vswd (ports closed, sockets removed)",
        .tokens = {(void *)&tok_quit, NULL},
};

cmdline_parse_inst_t *vsw_cli_misc_cmds[] = {
        &cmd_help,
        &cmd_quit,
        NULL,
};
