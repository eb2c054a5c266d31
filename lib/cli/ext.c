/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The extension stack and eBPF extensions (include/vsw/bpf_ext.h):
 *   extension load <name> <file.o> [section <s>] port <p>|all stage ingress|egress
 *                  [position <n>]
 *   extension unload <name>
 *   extension param <name> <index> <value>
 *   extension list
 *   extension show <name>          (an eBPF extension: settings, counters, vsw_counters)
 *   show extension stats
 * as text or (vswctl --json) JSON with the same numbers. Control thread only; each maps to one
 * control call.
 */
#include "vsw/ext.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cmdline_parse_num.h>
#include <rte_common.h>

#include "cli_priv.h"
#include "vsw/bpf_ext.h"

/* One result layout for the four spellings of `extension load`. */
struct load_result {
	cmdline_fixed_string_t extension;
	cmdline_fixed_string_t load;
	cmdline_fixed_string_t name;
	cmdline_fixed_string_t file;
	cmdline_fixed_string_t section_kw;
	cmdline_fixed_string_t section;
	cmdline_fixed_string_t port_kw;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t stage_kw;
	cmdline_fixed_string_t stage;
	cmdline_fixed_string_t position_kw;
	int32_t position;
};

struct name_result {
	cmdline_fixed_string_t extension;
	cmdline_fixed_string_t verb;
	cmdline_fixed_string_t name;
};

struct param_result {
	cmdline_fixed_string_t extension;
	cmdline_fixed_string_t param;
	cmdline_fixed_string_t name;
	uint32_t index;
	uint64_t value;
};

struct words_result {
	cmdline_fixed_string_t w1;
	cmdline_fixed_string_t w2;
	cmdline_fixed_string_t w3;
};

#define LOAD_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct load_result, field, str)
#define NAME_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct name_result, field, str)
#define PARAM_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct param_result, field, str)
#define WORDS_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct words_result, field, str)

static cmdline_parse_token_string_t tok_load_ext = LOAD_TOKEN(extension, "extension");
static cmdline_parse_token_string_t tok_load = LOAD_TOKEN(load, "load");
static cmdline_parse_token_string_t tok_load_name = LOAD_TOKEN(name, NULL);
static cmdline_parse_token_string_t tok_load_file = LOAD_TOKEN(file, NULL);
static cmdline_parse_token_string_t tok_load_section_kw = LOAD_TOKEN(section_kw, "section");
static cmdline_parse_token_string_t tok_load_section = LOAD_TOKEN(section, NULL);
static cmdline_parse_token_string_t tok_load_port_kw = LOAD_TOKEN(port_kw, "port");
static cmdline_parse_token_string_t tok_load_port = LOAD_TOKEN(port, NULL);
static cmdline_parse_token_string_t tok_load_stage_kw = LOAD_TOKEN(stage_kw, "stage");
static cmdline_parse_token_string_t tok_load_stage = LOAD_TOKEN(stage, "ingress#egress");
static cmdline_parse_token_string_t tok_load_position_kw = LOAD_TOKEN(position_kw, "position");
static cmdline_parse_token_num_t tok_load_position =
        TOKEN_NUM_INITIALIZER(struct load_result, position, RTE_INT32);

static cmdline_parse_token_string_t tok_name_ext = NAME_TOKEN(extension, "extension");
static cmdline_parse_token_string_t tok_unload = NAME_TOKEN(verb, "unload");
static cmdline_parse_token_string_t tok_show = NAME_TOKEN(verb, "show");
static cmdline_parse_token_string_t tok_name = NAME_TOKEN(name, NULL);

static cmdline_parse_token_string_t tok_param_ext = PARAM_TOKEN(extension, "extension");
static cmdline_parse_token_string_t tok_param = PARAM_TOKEN(param, "param");
static cmdline_parse_token_string_t tok_param_name = PARAM_TOKEN(name, NULL);
static cmdline_parse_token_num_t tok_param_index =
        TOKEN_NUM_INITIALIZER(struct param_result, index, RTE_UINT32);
static cmdline_parse_token_num_t tok_param_value =
        TOKEN_NUM_INITIALIZER(struct param_result, value, RTE_UINT64);

static cmdline_parse_token_string_t tok_list_ext = WORDS_TOKEN(w1, "extension");
static cmdline_parse_token_string_t tok_list = WORDS_TOKEN(w2, "list");
static cmdline_parse_token_string_t tok_stats_show = WORDS_TOKEN(w1, "show");
static cmdline_parse_token_string_t tok_stats_ext = WORDS_TOKEN(w2, "extension");
static cmdline_parse_token_string_t tok_stats = WORDS_TOKEN(w3, "stats");

static void
fail(struct cmdline *cl, int rc, const struct vsw_errmsg *em)
{
	vsw_cli_error(cl, rc, "%s", em->msg);
}

/* @p data tells which spelling matched: bit 0 section given, bit 1 position given. */
#define HAS_SECTION 1
#define HAS_POSITION 2

static void
load_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct load_result *r = parsed;
	const uintptr_t has = (uintptr_t)data;
	struct vsw_bpf_ext_params p = {.position = -1};
	struct vsw_errmsg em = {0};
	int rc;

	if (strlen(r->name) >= sizeof(p.name) || strlen(r->file) >= sizeof(p.file) ||
	    strlen(r->section) >= sizeof(p.section) || strlen(r->port) >= sizeof(p.port)) {
		vsw_cli_error(cl, -ENAMETOOLONG, "extension %s: a word is too long", r->name);
		return;
	}
	snprintf(p.name, sizeof(p.name), "%s", r->name);
	snprintf(p.file, sizeof(p.file), "%s", r->file);
	if (has & HAS_SECTION)
		snprintf(p.section, sizeof(p.section), "%s", r->section);
	snprintf(p.port, sizeof(p.port), "%s", r->port);
	p.is_egress = strcmp(r->stage, "egress") == 0;
	if (has & HAS_POSITION)
		p.position = r->position;
	rc = vsw_bpf_ext_load(&p, &em);
	if (rc < 0) {
		fail(cl, rc, &em);
		return;
	}
	vsw_cli_done(cl, "extension %s loaded at position %d", p.name, vsw_ext_find(p.name));
}

static void
unload_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct name_result *r = parsed;
	struct vsw_errmsg em = {0};
	const int rc = vsw_bpf_ext_unload(r->name, &em);

	RTE_SET_USED(data);
	if (rc < 0) {
		fail(cl, rc, &em);
		return;
	}
	vsw_cli_done(cl, "extension %s unloaded", r->name);
}

static void
param_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct param_result *r = parsed;
	struct vsw_errmsg em = {0};
	const int rc = vsw_bpf_ext_set_param(r->name, r->index, r->value, &em);

	RTE_SET_USED(data);
	if (rc < 0) {
		fail(cl, rc, &em);
		return;
	}
	vsw_cli_done(cl, "extension %s: vsw_params[%u] set to %" PRIu64, r->name, r->index,
	             r->value);
}

/* Which hooks a built-in extension has: the stage column of `extension list`. */
static const char *
builtin_stage(const struct vsw_ext_ops *ops)
{
	if (ops->ingress != NULL && ops->egress != NULL)
		return "both";
	if (ops->ingress != NULL)
		return "ingress";
	return ops->egress != NULL ? "egress" : "-";
}

static const char *
ebpf_port(const struct vsw_bpf_ext *e)
{
	return e->port == VSW_BPF_PORT_DETACHED ? "(deleted)" : e->port_name;
}

static void
list_json(struct cmdline *cl)
{
	const struct vsw_ext_ops *ops;
	struct vsw_json j;

	vsw_json_begin(&j, cl);
	vsw_json_arr(&j, "extensions");
	for (unsigned int i = 0; (ops = vsw_ext_get(i, NULL)) != NULL; i++) {
		const struct vsw_bpf_ext *e = vsw_bpf_ext_find(ops->name);

		vsw_json_obj(&j, NULL);
		vsw_json_u64(&j, "position", i);
		vsw_json_str(&j, "name", ops->name);
		vsw_json_str(&j, "type", e != NULL ? "ebpf" : "builtin");
		if (e != NULL) {
			vsw_json_str(&j, "stage", e->is_egress ? "egress" : "ingress");
			vsw_json_str(&j, "port", ebpf_port(e));
			vsw_json_str(&j, "file", e->file);
			vsw_json_str(&j, "section", e->section);
			vsw_json_bool(&j, "jit", e->is_jit);
		} else {
			vsw_json_str(&j, "stage", builtin_stage(ops));
			vsw_json_str(&j, "port", "all");
		}
		vsw_json_close(&j, '}');
	}
	vsw_json_close(&j, ']');
	vsw_json_end(&j);
}

static void
list_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vsw_ext_ops *ops;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (vsw_cli_is_json()) {
		list_json(cl);
		return;
	}
	cmdline_printf(cl, "%-3s %-16s %-8s %-8s %-16s %s\n", "POS", "NAME", "TYPE", "STAGE",
	               "PORT", "PROGRAM");
	for (unsigned int i = 0; (ops = vsw_ext_get(i, NULL)) != NULL; i++) {
		const struct vsw_bpf_ext *e = vsw_bpf_ext_find(ops->name);
		char program[VSW_PATH_SIZE + VSW_NAME_SIZE + 16];

		if (e == NULL) {
			cmdline_printf(cl, "%-3u %-16s %-8s %-8s %-16s %s\n", i, ops->name,
			               "builtin", builtin_stage(ops), "all", "-");
			continue;
		}
		snprintf(program, sizeof(program), "%s:%s%s", e->file, e->section,
		         e->is_jit ? " (jit)" : " (interpreted)");
		cmdline_printf(cl, "%-3u %-16s %-8s %-8s %-16s %s\n", i, e->name, "ebpf",
		               e->is_egress ? "egress" : "ingress", ebpf_port(e), program);
	}
}

static uint64_t
per_run(const struct vsw_bpf_ext_stats *s)
{
	return s->runs != 0 ? s->cycles / s->runs : 0;
}

static void
print_stats(struct cmdline *cl, const struct vsw_bpf_ext *e)
{
	struct vsw_bpf_ext_stats s;

	vsw_bpf_ext_stats(e, &s);
	cmdline_printf(cl,
	               "%-16s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8" PRIu64
	               " %8" PRIu64 " %14" PRIu64 " %10.1f\n",
	               e->name, s.runs, s.passes, s.drops, s.redirects, s.errors, s.skipped,
	               s.cycles, s.runs != 0 ? (double)s.cycles / (double)s.runs : 0.0);
}

/* The numbers of print_stats(), into the current JSON object (cycles per run rounded down). */
static void
stats_json_fields(struct vsw_json *j, const struct vsw_bpf_ext *e)
{
	struct vsw_bpf_ext_stats s;

	vsw_bpf_ext_stats(e, &s);
	vsw_json_u64(j, "runs", s.runs);
	vsw_json_u64(j, "passes", s.passes);
	vsw_json_u64(j, "drops", s.drops);
	vsw_json_u64(j, "redirects", s.redirects);
	vsw_json_u64(j, "errors", s.errors);
	vsw_json_u64(j, "skipped", s.skipped);
	vsw_json_u64(j, "cycles", s.cycles);
	vsw_json_u64(j, "cycles_per_run", per_run(&s));
}

#define STATS_HEADER_FMT "%-16s %12s %12s %12s %12s %8s %8s %14s %10s\n"
#define STATS_HEADER                                                                               \
	"NAME", "RUNS", "PASSES", "DROPS", "REDIRECTS", "ERRORS", "SKIPPED", "CYCLES", "CYCLES/RUN"

static void
show_stats_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vsw_ext_ops *ops;
	struct vsw_json j;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (vsw_cli_is_json()) {
		vsw_json_begin(&j, cl);
		vsw_json_arr(&j, "extensions");
	} else {
		cmdline_printf(cl, STATS_HEADER_FMT, STATS_HEADER);
	}
	for (unsigned int i = 0; (ops = vsw_ext_get(i, NULL)) != NULL; i++) {
		const struct vsw_bpf_ext *e = vsw_bpf_ext_find(ops->name);

		if (e == NULL)
			continue;
		if (!vsw_cli_is_json()) {
			print_stats(cl, e);
			continue;
		}
		vsw_json_obj(&j, NULL);
		vsw_json_str(&j, "name", e->name);
		stats_json_fields(&j, e);
		vsw_json_close(&j, '}');
	}
	if (vsw_cli_is_json()) {
		vsw_json_close(&j, ']');
		vsw_json_end(&j);
	}
}

/* vsw_counters as {"index": value} of the non-zero ones, like the text form. */
static void
show_json(struct cmdline *cl, const struct vsw_bpf_ext *e)
{
	char index[16];
	struct vsw_json j;

	vsw_json_begin(&j, cl);
	vsw_json_str(&j, "name", e->name);
	vsw_json_str(&j, "file", e->file);
	vsw_json_str(&j, "section", e->section);
	vsw_json_str(&j, "port", ebpf_port(e));
	vsw_json_str(&j, "stage", e->is_egress ? "egress" : "ingress");
	vsw_json_bool(&j, "jit", e->is_jit);
	vsw_json_arr(&j, "params");
	for (unsigned int i = 0; i < VSW_BPF_PARAMS; i++)
		vsw_json_u64(&j, NULL, __atomic_load_n(&e->params[i], __ATOMIC_RELAXED));
	vsw_json_close(&j, ']');
	vsw_json_obj(&j, "stats");
	stats_json_fields(&j, e);
	vsw_json_close(&j, '}');
	vsw_json_obj(&j, "counters");
	for (unsigned int i = 0; i < VSW_BPF_COUNTERS; i++) {
		const uint64_t v = vsw_bpf_ext_counter(e, i);

		snprintf(index, sizeof(index), "%u", i);
		if (v != 0)
			vsw_json_u64(&j, index, v);
	}
	vsw_json_close(&j, '}');
	vsw_json_end(&j);
}

static void
show_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct name_result *r = parsed;
	const struct vsw_bpf_ext *e = vsw_bpf_ext_find(r->name);

	RTE_SET_USED(data);
	if (e == NULL) {
		vsw_cli_error(cl, -ENOENT, "extension %s: no eBPF extension of that name", r->name);
		return;
	}
	if (vsw_cli_is_json()) {
		show_json(cl, e);
		return;
	}
	cmdline_printf(cl, "extension %s: %s section %s, port %s, %s, %s\n", e->name, e->file,
	               e->section, ebpf_port(e), e->is_egress ? "egress" : "ingress",
	               e->is_jit ? "jit" : "interpreted");
	cmdline_printf(cl, "params:");
	for (unsigned int i = 0; i < VSW_BPF_PARAMS; i++)
		cmdline_printf(cl, " %" PRIu64, __atomic_load_n(&e->params[i], __ATOMIC_RELAXED));
	cmdline_printf(cl, "\n" STATS_HEADER_FMT, STATS_HEADER);
	print_stats(cl, e);
	cmdline_printf(cl, "counters (index: value, non-zero only):\n");
	for (unsigned int i = 0; i < VSW_BPF_COUNTERS; i++) {
		const uint64_t v = vsw_bpf_ext_counter(e, i);

		if (v != 0)
			cmdline_printf(cl, "  %u: %" PRIu64 "\n", i, v);
	}
}

/*
 * One help line per spelling: `help` lists each, and the man page and the completion follow
 * the list. Without a section the program is in VSW_BPF_SECTION_DEFAULT; without a position
 * it goes to the bottom of the stack (run last).
 */
#define LOAD_WORDS "extension load <name> <file.o> "
#define LOAD_WHERE "port <port>|all stage ingress|egress"

static cmdline_parse_inst_t cmd_load = {
        .f = load_parsed,
        .data = (void *)0,
        .help_str = LOAD_WORDS LOAD_WHERE ": load an eBPF program (section .text), run last",
        .tokens = {(void *)&tok_load_ext, (void *)&tok_load, (void *)&tok_load_name,
                   (void *)&tok_load_file, (void *)&tok_load_port_kw, (void *)&tok_load_port,
                   (void *)&tok_load_stage_kw, (void *)&tok_load_stage, NULL},
};

static cmdline_parse_inst_t cmd_load_section = {
        .f = load_parsed,
        .data = (void *)HAS_SECTION,
        .help_str = LOAD_WORDS "section <section> " LOAD_WHERE
                               ": load that ELF section's program, run last",
        .tokens = {(void *)&tok_load_ext, (void *)&tok_load, (void *)&tok_load_name,
                   (void *)&tok_load_file, (void *)&tok_load_section_kw, (void *)&tok_load_section,
                   (void *)&tok_load_port_kw, (void *)&tok_load_port, (void *)&tok_load_stage_kw,
                   (void *)&tok_load_stage, NULL},
};

static cmdline_parse_inst_t cmd_load_position = {
        .f = load_parsed,
        .data = (void *)HAS_POSITION,
        .help_str = LOAD_WORDS LOAD_WHERE
        " position <n>: load it (section .text) at stack position n, 0 first",
        .tokens = {(void *)&tok_load_ext, (void *)&tok_load, (void *)&tok_load_name,
                   (void *)&tok_load_file, (void *)&tok_load_port_kw, (void *)&tok_load_port,
                   (void *)&tok_load_stage_kw, (void *)&tok_load_stage,
                   (void *)&tok_load_position_kw, (void *)&tok_load_position, NULL},
};

static cmdline_parse_inst_t cmd_load_section_position = {
        .f = load_parsed,
        .data = (void *)(HAS_SECTION | HAS_POSITION),
        .help_str = LOAD_WORDS "section <section> " LOAD_WHERE
                               " position <n>: that section's program, at position n",
        .tokens = {(void *)&tok_load_ext, (void *)&tok_load, (void *)&tok_load_name,
                   (void *)&tok_load_file, (void *)&tok_load_section_kw, (void *)&tok_load_section,
                   (void *)&tok_load_port_kw, (void *)&tok_load_port, (void *)&tok_load_stage_kw,
                   (void *)&tok_load_stage, (void *)&tok_load_position_kw,
                   (void *)&tok_load_position, NULL},
};

static cmdline_parse_inst_t cmd_unload = {
        .f = unload_parsed,
        .help_str = "extension unload <name>: remove an eBPF extension (after a grace period)",
        .tokens = {(void *)&tok_name_ext, (void *)&tok_unload, (void *)&tok_name, NULL},
};

static cmdline_parse_inst_t cmd_show = {
        .f = show_parsed,
        .help_str = "extension show <name>: an eBPF extension's settings, counters and "
                    "vsw_counters",
        .tokens = {(void *)&tok_name_ext, (void *)&tok_show, (void *)&tok_name, NULL},
};

static cmdline_parse_inst_t cmd_param = {
        .f = param_parsed,
        .help_str = "extension param <name> <index> <value>: set vsw_params[index]",
        .tokens = {(void *)&tok_param_ext, (void *)&tok_param, (void *)&tok_param_name,
                   (void *)&tok_param_index, (void *)&tok_param_value, NULL},
};

static cmdline_parse_inst_t cmd_list = {
        .f = list_parsed,
        .help_str = "extension list: the extension stack, top first",
        .tokens = {(void *)&tok_list_ext, (void *)&tok_list, NULL},
};

static cmdline_parse_inst_t cmd_show_stats = {
        .f = show_stats_parsed,
        .help_str = "show extension stats: runs, verdicts and cycles of each eBPF extension",
        .tokens = {(void *)&tok_stats_show, (void *)&tok_stats_ext, (void *)&tok_stats, NULL},
};

cmdline_parse_inst_t *vsw_cli_ext_cmds[] = {
        &cmd_load,          &cmd_load_section,
        &cmd_load_position, &cmd_load_section_position,
        &cmd_unload,        &cmd_show,
        &cmd_param,         &cmd_list,
        &cmd_show_stats,    NULL,
};
