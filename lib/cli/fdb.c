/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show fdb`: where the switch sends unicast frames: the VMs' configured (static) MACs and
 * the (MAC, VLAN) pairs it learned, with their idle time, then the learning counters; as a
 * table or (vswctl --json) JSON.
 * Control thread only.
 */
#include <inttypes.h>

#include <rte_ether.h>

#include "cli_priv.h"
#include "vsw/control.h"
#include "vsw/learn.h"

struct show_fdb_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t fdb;
};

struct show_fdb_stats_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t fdb;
	cmdline_fixed_string_t stats;
};

static cmdline_parse_token_string_t tok_show =
        TOKEN_STRING_INITIALIZER(struct show_fdb_result, show, "show");
static cmdline_parse_token_string_t tok_fdb =
        TOKEN_STRING_INITIALIZER(struct show_fdb_result, fdb, "fdb");

static void
print_entry(struct cmdline *cl, const uint8_t *mac, const char *vlan, const char *port,
            const char *type, const char *idle)
{
	char text[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(text, sizeof(text), (const struct rte_ether_addr *)mac);
	cmdline_printf(cl, "%-17s %-5s %-16s %-8s %s\n", text, vlan, port, type, idle);
}

static void
json_entry(struct vsw_json *j, const uint8_t *mac, int vlan, const char *port, const char *type,
           int64_t idle_s)
{
	char text[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(text, sizeof(text), (const struct rte_ether_addr *)mac);
	vsw_json_obj(j, NULL);
	vsw_json_str(j, "mac", text);
	if (vlan >= 0)
		vsw_json_u64(j, "vlan", (uint64_t)vlan);
	vsw_json_str(j, "port", port);
	vsw_json_str(j, "type", type);
	if (idle_s >= 0)
		vsw_json_u64(j, "idle_s", (uint64_t)idle_s);
	vsw_json_close(j, '}');
}

static void
learn_stats(struct vsw_learn_stats *st)
{
	vsw_learn_stats_get(vsw_ctl_learn(), st);
	for (unsigned int w = 0; w < vsw_dp_n_workers(); w++) {
		struct vsw_worker_stats ws;

		vsw_dp_worker_stats(w, &ws);
		st->requests_dropped += ws.learn_requests_dropped;
	}
}

static void
print_stats(struct cmdline *cl, const struct vsw_learn_stats *st)
{
	cmdline_printf(cl,
	               "learned %" PRIu64 " entries %" PRIu64 " moved %" PRIu64 " aged %" PRIu64
	               " flushed %" PRIu64 " full %" PRIu64 " requests-dropped %" PRIu64 "\n",
	               st->learned, st->n_entries, st->moved, st->aged, st->flushed, st->full,
	               st->requests_dropped);
}

static void
json_stats(struct vsw_json *j, const struct vsw_learn_stats *st)
{
	vsw_json_obj(j, "stats");
	vsw_json_u64(j, "learned", st->learned);
	vsw_json_u64(j, "entries", st->n_entries);
	vsw_json_u64(j, "moved", st->moved);
	vsw_json_u64(j, "aged", st->aged);
	vsw_json_u64(j, "flushed", st->flushed);
	vsw_json_u64(j, "full", st->full);
	vsw_json_u64(j, "requests_dropped", st->requests_dropped);
	vsw_json_close(j, '}');
}

/* Static entries have no "vlan" (every VLAN of the port) and no "idle_s". */
static void
show_fdb_json(struct cmdline *cl)
{
	const struct vsw_learn *l = vsw_ctl_learn();
	struct vsw_learn_stats st;
	uint32_t iter = 0, idle_s;
	uint16_t vlan, port;
	struct vsw_json j;
	uint8_t mac[6];

	vsw_json_begin(&j, cl);
	vsw_json_arr(&j, "entries");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);

		for (uint8_t k = 0; p != NULL && k < p->n_macs; k++)
			json_entry(&j, p->macs[k], -1, p->name, "static", -1);
	}
	while (vsw_learn_next(l, &iter, mac, &vlan, &port, &idle_s) == 0) {
		const struct vsw_port *p = vsw_ctl_port_get(port);

		json_entry(&j, mac, vlan, p != NULL ? p->name : "?", "learned", idle_s);
	}
	vsw_json_close(&j, ']');
	learn_stats(&st);
	json_stats(&j, &st);
	vsw_json_end(&j);
}

static void
show_fdb_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vsw_learn *l = vsw_ctl_learn();
	struct vsw_learn_stats st;
	uint32_t iter = 0, idle_s;
	uint16_t vlan, port;
	uint8_t mac[6];

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (vsw_cli_is_json()) {
		show_fdb_json(cl);
		return;
	}
	cmdline_printf(cl, "%-17s %-5s %-16s %-8s %s\n", "MAC", "VLAN", "PORT", "TYPE", "IDLE-S");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);

		for (uint8_t k = 0; p != NULL && k < p->n_macs; k++)
			print_entry(cl, p->macs[k], "-", p->name, "static", "-");
	}
	while (vsw_learn_next(l, &iter, mac, &vlan, &port, &idle_s) == 0) {
		const struct vsw_port *p = vsw_ctl_port_get(port);
		char vlan_text[8], idle_text[16];

		snprintf(vlan_text, sizeof(vlan_text), "%u", vlan);
		snprintf(idle_text, sizeof(idle_text), "%u", idle_s);
		print_entry(cl, mac, vlan_text, p != NULL ? p->name : "?", "learned", idle_text);
	}
	learn_stats(&st);
	print_stats(cl, &st);
}

/*
 * The counters alone: with tens of thousands of learned MACs the listing is megabytes, too
 * much to poll while waiting for a table to fill (tests/bench's FDB scale).
 */
static void
show_fdb_stats_parsed(void *parsed, struct cmdline *cl, void *data)
{
	struct vsw_learn_stats st;
	struct vsw_json j;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	learn_stats(&st);
	if (!vsw_cli_is_json()) {
		print_stats(cl, &st);
		return;
	}
	vsw_json_begin(&j, cl);
	json_stats(&j, &st);
	vsw_json_end(&j);
}

static cmdline_parse_token_string_t tok_stats =
        TOKEN_STRING_INITIALIZER(struct show_fdb_stats_result, stats, "stats");

static cmdline_parse_inst_t cmd_show_fdb_stats = {
        .f = show_fdb_stats_parsed,
        .help_str = "show fdb stats: the learning counters only",
        .tokens = {(void *)&tok_show, (void *)&tok_fdb, (void *)&tok_stats, NULL},
};

static cmdline_parse_inst_t cmd_show_fdb = {
        .f = show_fdb_parsed,
        .help_str = "show fdb: static and learned MACs, and the learning counters",
        .tokens = {(void *)&tok_show, (void *)&tok_fdb, NULL},
};

cmdline_parse_inst_t *vsw_cli_fdb_cmds[] = {
        &cmd_show_fdb,
        &cmd_show_fdb_stats,
        NULL,
};
