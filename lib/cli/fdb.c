/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show fdb`: where the switch sends unicast frames: the VMs' configured (static) MACs and
 * the (MAC, VLAN) pairs it learned, with their idle time, then the learning counters.
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
show_fdb_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vsw_learn *l = vsw_ctl_learn();
	struct vsw_learn_stats st;
	uint32_t iter = 0, idle_s;
	uint16_t vlan, port;
	uint8_t mac[6];

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
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
	vsw_learn_stats_get(l, &st);
	for (unsigned int w = 0; w < vsw_dp_n_workers(); w++) {
		struct vsw_worker_stats ws;

		vsw_dp_worker_stats(w, &ws);
		st.requests_dropped += ws.learn_requests_dropped;
	}
	cmdline_printf(cl,
	               "learned %" PRIu64 " entries %" PRIu64 " moved %" PRIu64 " aged %" PRIu64
	               " flushed %" PRIu64 " full %" PRIu64 " requests-dropped %" PRIu64 "\n",
	               st.learned, st.n_entries, st.moved, st.aged, st.flushed, st.full,
	               st.requests_dropped);
}

static cmdline_parse_inst_t cmd_show_fdb = {
        .f = show_fdb_parsed,
        .help_str = "show fdb: static and learned MACs, and the learning counters",
        .tokens = {(void *)&tok_show, (void *)&tok_fdb, NULL},
};

cmdline_parse_inst_t *vsw_cli_fdb_cmds[] = {
        &cmd_show_fdb,
        NULL,
};
