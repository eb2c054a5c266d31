/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters of the workers and their reset, in testpmd's words:
 *   show datapath              worker load, idle sleeps, mbufs in use
 *   show pmd stats             per worker lcore: busy and idle cycles, iterations, packets,
 *                              cycles per packet (OVS's dpif-netdev/pmd-stats-show)
 *   clear pmd stats            start the worker counters again from zero
 *   clear port stats all|NAME  start port counters again from zero
 * Control thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli_priv.h"
#include "vsw/control.h"

struct words_result {
	cmdline_fixed_string_t w1;
	cmdline_fixed_string_t w2;
	cmdline_fixed_string_t w3;
	cmdline_fixed_string_t name;
};

#define WORD(field, str) TOKEN_STRING_INITIALIZER(struct words_result, field, str)

static cmdline_parse_token_string_t tok_show = WORD(w1, "show");
static cmdline_parse_token_string_t tok_clear = WORD(w1, "clear");
static cmdline_parse_token_string_t tok_datapath = WORD(w2, "datapath");
static cmdline_parse_token_string_t tok_pmd = WORD(w2, "pmd");
static cmdline_parse_token_string_t tok_port = WORD(w2, "port");
static cmdline_parse_token_string_t tok_stats = WORD(w3, "stats");
static cmdline_parse_token_string_t tok_name = WORD(name, NULL);

static uint64_t
ratio(uint64_t a, uint64_t b)
{
	return b != 0 ? a / b : 0;
}

/* Workers' load and the mbuf pool: what an operator checks when forwarding slows down. */
static void
show_datapath_parsed(void *parsed, struct cmdline *cl, void *data)
{
	struct vsw_worker_stats s;
	struct vsw_json j;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (vsw_cli_is_json()) {
		vsw_json_begin(&j, cl);
		vsw_json_arr(&j, "workers");
		for (unsigned int w = 0; w < vsw_dp_n_workers(); w++) {
			vsw_ctl_pmd_stats(w, &s);
			vsw_json_obj(&j, NULL);
			vsw_json_u64(&j, "worker", w);
			vsw_json_u64(&j, "busy_passes", s.busy_passes);
			vsw_json_u64(&j, "idle_passes", s.idle_passes);
			vsw_json_u64(&j, "sleeps", s.sleeps);
			vsw_json_u64(&j, "slept_ns", s.slept_ns);
			vsw_json_u64(&j, "rx_packets", s.rx_packets);
			vsw_json_u64(&j, "cycles_per_packet", ratio(s.busy_cycles, s.rx_packets));
			vsw_json_close(&j, '}');
		}
		vsw_json_close(&j, ']');
		vsw_json_u64(&j, "mbufs_in_use", vsw_ctl_mbufs_in_use());
		vsw_json_end(&j);
		return;
	}
	cmdline_printf(cl, "%-6s %12s %12s %10s %14s %14s %12s\n", "WORKER", "BUSY-PASSES",
	               "IDLE-PASSES", "SLEEPS", "SLEPT-NS", "RX-PACKETS", "CYCLES/PKT");
	for (unsigned int w = 0; w < vsw_dp_n_workers(); w++) {
		vsw_ctl_pmd_stats(w, &s);
		cmdline_printf(cl,
		               "%-6u %12" PRIu64 " %12" PRIu64 " %10" PRIu64 " %14" PRIu64
		               " %14" PRIu64 " %12" PRIu64 "\n",
		               w, s.busy_passes, s.idle_passes, s.sleeps, s.slept_ns, s.rx_packets,
		               ratio(s.busy_cycles, s.rx_packets));
	}
	cmdline_printf(cl, "mbufs-in-use %u\n", vsw_ctl_mbufs_in_use());
}

static void
pmd_json(struct vsw_json *j, unsigned int w, const struct vsw_worker_stats *s)
{
	vsw_json_obj(j, NULL);
	vsw_json_u64(j, "worker", w);
	vsw_json_u64(j, "lcore", vsw_dp_worker_lcore(w));
	vsw_json_u64(j, "iterations", s->busy_passes + s->idle_passes);
	vsw_json_u64(j, "busy_iterations", s->busy_passes);
	vsw_json_u64(j, "idle_iterations", s->idle_passes);
	vsw_json_u64(j, "rx_packets", s->rx_packets);
	vsw_json_u64(j, "tx_packets", s->tx_packets);
	vsw_json_u64(j, "busy_cycles", s->busy_cycles);
	vsw_json_u64(j, "idle_cycles", s->idle_cycles);
	vsw_json_u64(j, "busy_cycles_per_packet", ratio(s->busy_cycles, s->rx_packets));
	vsw_json_u64(j, "sleeps", s->sleeps);
	vsw_json_u64(j, "slept_ns", s->slept_ns);
	vsw_json_close(j, '}');
}

/* Percent of @p part in @p total, with one decimal, as text. */
static void
percent(char *buf, size_t size, uint64_t part, uint64_t total)
{
	const uint64_t per_mille = total != 0 ? part * 1000 / total : 0;

	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " %%", per_mille / 10, per_mille % 10);
}

static void
pmd_text(struct cmdline *cl, unsigned int w, const struct vsw_worker_stats *s)
{
	const uint64_t total = s->busy_cycles + s->idle_cycles;
	char busy_pct[32], idle_pct[32];

	percent(busy_pct, sizeof(busy_pct), s->busy_cycles, total);
	percent(idle_pct, sizeof(idle_pct), s->idle_cycles, total);
	cmdline_printf(cl,
	               "pmd worker %u lcore %u:\n"
	               "  iterations: %" PRIu64 " (busy %" PRIu64 ", idle %" PRIu64 ")\n"
	               "  packets received: %" PRIu64 "\n  packets sent: %" PRIu64 "\n"
	               "  idle cycles: %" PRIu64 " (%s)\n  busy cycles: %" PRIu64 " (%s)\n"
	               "  avg cycles per iteration: %" PRIu64 "\n"
	               "  avg busy cycles per packet: %" PRIu64 "\n"
	               "  idle sleeps: %" PRIu64 " (%" PRIu64 " ns)\n",
	               w, vsw_dp_worker_lcore(w), s->busy_passes + s->idle_passes, s->busy_passes,
	               s->idle_passes, s->rx_packets, s->tx_packets, s->idle_cycles, idle_pct,
	               s->busy_cycles, busy_pct, ratio(total, s->busy_passes + s->idle_passes),
	               ratio(s->busy_cycles, s->rx_packets), s->sleeps, s->slept_ns);
}

static void
show_pmd_stats_parsed(void *parsed, struct cmdline *cl, void *data)
{
	struct vsw_worker_stats s;
	struct vsw_json j;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (vsw_cli_is_json()) {
		vsw_json_begin(&j, cl);
		vsw_json_arr(&j, "pmds");
	}
	for (unsigned int w = 0; w < vsw_dp_n_workers(); w++) {
		vsw_ctl_pmd_stats(w, &s);
		if (vsw_cli_is_json())
			pmd_json(&j, w, &s);
		else
			pmd_text(cl, w, &s);
	}
	if (vsw_cli_is_json()) {
		vsw_json_close(&j, ']');
		vsw_json_end(&j);
	}
}

static void
clear_pmd_stats_parsed(void *parsed, struct cmdline *cl, void *data)
{
	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	vsw_ctl_pmd_stats_clear();
	vsw_cli_done(cl, "pmd stats cleared");
}

static void
clear_port_stats_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct words_result *res = parsed;
	const bool is_all = strcmp(res->name, "all") == 0;
	struct vsw_errmsg em = {0};
	int rc;

	RTE_SET_USED(data);
	rc = vsw_ctl_port_stats_clear(is_all ? NULL : res->name, &em);
	if (rc < 0) {
		vsw_cli_error(cl, rc, "%s", em.msg);
		return;
	}
	if (is_all)
		vsw_cli_done(cl, "port stats cleared");
	else
		vsw_cli_done(cl, "port %s: stats cleared", res->name);
}

static cmdline_parse_inst_t cmd_show_datapath = {
        .f = show_datapath_parsed,
        .help_str = "show datapath: worker load, cycles per packet, mbufs in use",
        .tokens = {(void *)&tok_show, (void *)&tok_datapath, NULL},
};

static cmdline_parse_inst_t cmd_show_pmd_stats = {
        .f = show_pmd_stats_parsed,
        .help_str = "show pmd stats: per worker lcore cycles (busy, idle), iterations, packets",
        .tokens = {(void *)&tok_show, (void *)&tok_pmd, (void *)&tok_stats, NULL},
};

static cmdline_parse_inst_t cmd_clear_pmd_stats = {
        .f = clear_pmd_stats_parsed,
        .help_str = "clear pmd stats: start the worker counters again from zero",
        .tokens = {(void *)&tok_clear, (void *)&tok_pmd, (void *)&tok_stats, NULL},
};

static cmdline_parse_inst_t cmd_clear_port_stats = {
        .f = clear_port_stats_parsed,
        .help_str = "clear port stats all|<name>: start port counters again from zero",
        .tokens = {(void *)&tok_clear, (void *)&tok_port, (void *)&tok_stats, (void *)&tok_name,
                   NULL},
};

cmdline_parse_inst_t *vsw_cli_pmd_cmds[] = {
        &cmd_show_datapath, &cmd_show_pmd_stats, &cmd_clear_pmd_stats, &cmd_clear_port_stats, NULL,
};
