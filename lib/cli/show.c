/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show port`, `show port stats [NAME]`, `show port info NAME`: the switch ports, their
 * counters and their lifecycle, as tables or (vswctl --json) JSON with the same numbers.
 * Control thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "cli_priv.h"
#include "vsw/control.h"

struct show_port_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t port;
};

struct show_port_stats_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t stats;
	cmdline_fixed_string_t name;
};

static cmdline_parse_token_string_t tok_show =
        TOKEN_STRING_INITIALIZER(struct show_port_result, show, "show");
static cmdline_parse_token_string_t tok_port =
        TOKEN_STRING_INITIALIZER(struct show_port_result, port, "port");
static cmdline_parse_token_string_t tok_stats_show =
        TOKEN_STRING_INITIALIZER(struct show_port_stats_result, show, "show");
static cmdline_parse_token_string_t tok_stats_port =
        TOKEN_STRING_INITIALIZER(struct show_port_stats_result, port, "port");
static cmdline_parse_token_string_t tok_stats =
        TOKEN_STRING_INITIALIZER(struct show_port_stats_result, stats, "stats");
static cmdline_parse_token_string_t tok_stats_name =
        TOKEN_STRING_INITIALIZER(struct show_port_stats_result, name, NULL);

static void
port_endpoint(const struct vsw_port *p, char *buf, size_t size)
{
	if (p->vhost_path[0] != '\0')
		snprintf(buf, size, "%s (%s)", p->vhost_path, vsw_vhost_mode_name(p->vhost_mode));
	else if (p->netdev[0] != '\0' && p->type != VSW_PORT_EXTERNAL) /* uplinks: which PMD */
		snprintf(buf, size, "%s", p->netdev);
	else
		snprintf(buf, size, "%s", p->devargs);
}

/* The fields of `show port` that describe one port, into the current JSON object. */
static void
port_json_fields(struct vsw_json *j, const struct vsw_port *p)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE], where[VSW_DEVARGS_SIZE + 16];

	mac[0] = '\0';
	if (p->has_mac)
		rte_ether_format_addr(mac, sizeof(mac), (const struct rte_ether_addr *)p->mac);
	port_endpoint(p, where, sizeof(where));
	vsw_json_u64(j, "id", p->index);
	vsw_json_str(j, "name", p->name);
	vsw_json_str(j, "type", vsw_port_type_name(p->type));
	vsw_json_str(j, "link", p->is_link_up ? "up" : "down");
	vsw_json_str(j, "nic_state", vsw_nic_state_name(p->lc.nic_state));
	vsw_json_str(j, "port_state", vsw_port_state_name(p->lc.port_state));
	vsw_json_str(j, "mac", mac);
	vsw_json_str(j, "endpoint", where);
}

static void
show_port_json(struct cmdline *cl)
{
	struct vsw_json j;

	vsw_json_begin(&j, cl);
	vsw_json_arr(&j, "ports");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);

		if (p == NULL)
			continue;
		vsw_json_obj(&j, NULL);
		port_json_fields(&j, p);
		vsw_json_close(&j, '}');
	}
	vsw_json_close(&j, ']');
	vsw_json_end(&j);
}

static void
show_port_parsed(void *parsed, struct cmdline *cl, void *data)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE], where[VSW_DEVARGS_SIZE + 16];

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (vsw_cli_is_json()) {
		show_port_json(cl);
		return;
	}
	cmdline_printf(cl, "%-3s %-16s %-10s %-5s %-12s %-17s %s\n", "ID", "NAME", "TYPE", "LINK",
	               "NIC", "MAC", "ENDPOINT");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);

		if (p == NULL)
			continue;
		if (p->has_mac)
			rte_ether_format_addr(mac, sizeof(mac),
			                      (const struct rte_ether_addr *)p->mac);
		else
			snprintf(mac, sizeof(mac), "-");
		port_endpoint(p, where, sizeof(where));
		cmdline_printf(cl, "%-3u %-16s %-10s %-5s %-12s %-17s %s\n", i, p->name,
		               vsw_port_type_name(p->type), p->is_link_up ? "up" : "down",
		               vsw_nic_state_name(p->lc.nic_state), mac, where);
	}
}

static void
print_stats_row(struct cmdline *cl, const struct vsw_port *p)
{
	struct vsw_port_stats s;

	vsw_ctl_port_stats(p, &s);
	cmdline_printf(cl,
	               "%-3u %-16s %-10s %-5s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64
	               " %10" PRIu64 "\n",
	               p->index, p->name, vsw_port_type_name(p->type),
	               p->is_link_up ? "up" : "down", s.rx_packets, s.rx_bytes, s.tx_packets,
	               s.tx_bytes, vsw_port_stats_drops(&s));
}

static void
print_stats_detail(struct cmdline *cl, const struct vsw_port *p)
{
	struct vsw_port_class_stats c;
	struct vsw_port_stats s;

	vsw_ctl_port_stats(p, &s);
	vsw_ctl_port_class_stats(p, &c);
	cmdline_printf(cl, "port %s (%u)\n", p->name, p->index);
	for (const struct vsw_port_stats_field *f = vsw_port_stats_fields; f->name != NULL; f++) {
		char name[32];

		/* Field names with '-' for '_', as testpmd prints its counters. */
		snprintf(name, sizeof(name), "%s", f->name);
		for (char *u = strchr(name, '_'); u != NULL; u = strchr(u, '_'))
			*u = '-';
		cmdline_printf(cl, "  %s: %" PRIu64 "\n", name, vsw_port_stats_get(&s, f));
	}
	cmdline_printf(cl,
	               "  rx-unicast: %" PRIu64 "\n  rx-multicast: %" PRIu64
	               "\n  rx-broadcast: %" PRIu64 "\n  tx-unicast: %" PRIu64
	               "\n  tx-multicast: %" PRIu64 "\n  tx-broadcast: %" PRIu64 "\n",
	               c.rx_unicast, c.rx_multicast, c.rx_broadcast, c.tx_unicast, c.tx_multicast,
	               c.tx_broadcast);
}

/* Every counter of @p p, named as in `show port stats NAME` with '_' for '-'. */
static void
stats_json_fields(struct vsw_json *j, const struct vsw_port *p)
{
	struct vsw_port_class_stats c;
	struct vsw_port_stats s;

	vsw_ctl_port_stats(p, &s);
	vsw_ctl_port_class_stats(p, &c);
	vsw_json_u64(j, "id", p->index);
	vsw_json_str(j, "name", p->name);
	vsw_json_str(j, "type", vsw_port_type_name(p->type));
	vsw_json_str(j, "link", p->is_link_up ? "up" : "down");
	vsw_json_u64(j, "drops", vsw_port_stats_drops(&s));
	for (const struct vsw_port_stats_field *f = vsw_port_stats_fields; f->name != NULL; f++)
		vsw_json_u64(j, f->name, vsw_port_stats_get(&s, f));
	vsw_json_u64(j, "rx_unicast", c.rx_unicast);
	vsw_json_u64(j, "rx_multicast", c.rx_multicast);
	vsw_json_u64(j, "rx_broadcast", c.rx_broadcast);
	vsw_json_u64(j, "tx_unicast", c.tx_unicast);
	vsw_json_u64(j, "tx_multicast", c.tx_multicast);
	vsw_json_u64(j, "tx_broadcast", c.tx_broadcast);
}

/* One port (@p one) or all of them, as {"ports": [...]} either way. */
static void
show_port_stats_json(struct cmdline *cl, const struct vsw_port *one)
{
	struct vsw_json j;

	vsw_json_begin(&j, cl);
	vsw_json_arr(&j, "ports");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = one != NULL ? one : vsw_ctl_port_get(i);

		if (p != NULL) {
			vsw_json_obj(&j, NULL);
			stats_json_fields(&j, p);
			vsw_json_close(&j, '}');
		}
		if (one != NULL)
			break;
	}
	vsw_json_close(&j, ']');
	vsw_json_end(&j);
}

static void
show_port_stats_parsed(void *parsed, struct cmdline *cl, void *data)
{
	struct show_port_stats_result *res = parsed;
	const struct vsw_port *p;

	if (data == NULL) {
		p = vsw_ctl_port_find(res->name);
		if (p == NULL) {
			vsw_cli_error(cl, -ENOENT, "port %s: no such port", res->name);
			return;
		}
		if (vsw_cli_is_json())
			show_port_stats_json(cl, p);
		else
			print_stats_detail(cl, p);
		return;
	}
	if (vsw_cli_is_json()) {
		show_port_stats_json(cl, NULL);
		return;
	}
	cmdline_printf(cl, "%-3s %-16s %-10s %-5s %12s %14s %12s %14s %10s\n", "ID", "NAME", "TYPE",
	               "LINK", "RX-PACKETS", "RX-BYTES", "TX-PACKETS", "TX-BYTES", "DROPS");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		p = vsw_ctl_port_get(i);
		if (p != NULL)
			print_stats_row(cl, p);
	}
}

struct show_port_info_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t info;
	cmdline_fixed_string_t name;
};

static cmdline_parse_token_string_t tok_info_show =
        TOKEN_STRING_INITIALIZER(struct show_port_info_result, show, "show");
static cmdline_parse_token_string_t tok_info_port =
        TOKEN_STRING_INITIALIZER(struct show_port_info_result, port, "port");
static cmdline_parse_token_string_t tok_info =
        TOKEN_STRING_INITIALIZER(struct show_port_info_result, info, "info");
static cmdline_parse_token_string_t tok_info_name =
        TOKEN_STRING_INITIALIZER(struct show_port_info_result, name, NULL);

/* Where workers burst for @p p: the vhost library, its ethdev, or nowhere (no guest yet). */
static const char *
io_name(const struct vsw_port *p)
{
	if (vsw_dp_vhost_device(p->index) >= 0)
		return "vhost";
	return p->eth_port_id == VSW_ETH_PORT_NONE ? "none" : "ethdev";
}

/* The port's states and its lifecycle as R-NIC-2/R-NIC-3 name the steps. */
static void
show_port_info_parsed(void *parsed, struct cmdline *cl, void *data)
{
	struct show_port_info_result *res = parsed;
	const struct vsw_port *p = vsw_ctl_port_find(res->name);
	char history[VSW_LIFECYCLE_HISTORY_SIZE];
	char ethdev[8] = "none";

	RTE_SET_USED(data);
	if (p == NULL) {
		vsw_cli_error(cl, -ENOENT, "port %s: no such port", res->name);
		return;
	}
	vsw_lifecycle_history(&p->lc, history, sizeof(history));
	if (vsw_cli_is_json()) {
		struct vsw_json j;

		vsw_json_begin(&j, cl);
		port_json_fields(&j, p);
		if (p->eth_port_id != VSW_ETH_PORT_NONE)
			vsw_json_u64(&j, "ethdev", p->eth_port_id);
		vsw_json_str(&j, "io", io_name(p));
		vsw_json_u64(&j, "worker", p->worker);
		vsw_json_u64(&j, "transitions", p->lc.n_transitions);
		vsw_json_str(&j, "lifecycle", history);
		vsw_json_end(&j);
		return;
	}
	if (p->eth_port_id != VSW_ETH_PORT_NONE)
		snprintf(ethdev, sizeof(ethdev), "%u", p->eth_port_id);
	cmdline_printf(cl,
	               "port %s (%u)\n  type: %s\n  ethdev: %s\n  io: %s\n  worker: %u\n"
	               "  link: %s\n  port-state: %s\n  nic-state: %s\n  transitions: %" PRIu64 "\n"
	               "  lifecycle: %s\n",
	               p->name, p->index, vsw_port_type_name(p->type), ethdev, io_name(p),
	               p->worker, p->is_link_up ? "up" : "down",
	               vsw_port_state_name(p->lc.port_state), vsw_nic_state_name(p->lc.nic_state),
	               p->lc.n_transitions, history);
}

static cmdline_parse_inst_t cmd_show_port_info = {
        .f = show_port_info_parsed,
        .help_str = "show port info <name>: states and lifecycle events of one port",
        .tokens = {(void *)&tok_info_show, (void *)&tok_info_port, (void *)&tok_info,
                   (void *)&tok_info_name, NULL},
};

static cmdline_parse_inst_t cmd_show_port = {
        .f = show_port_parsed,
        .help_str = "show port: list the switch ports",
        .tokens = {(void *)&tok_show, (void *)&tok_port, NULL},
};

/* `data` tells the all-ports form (non-NULL) from the one-port form. */
static cmdline_parse_inst_t cmd_show_port_stats_all = {
        .f = show_port_stats_parsed,
        .data = (void *)1,
        .help_str = "show port stats: counters of every port",
        .tokens = {(void *)&tok_stats_show, (void *)&tok_stats_port, (void *)&tok_stats, NULL},
};

static cmdline_parse_inst_t cmd_show_port_stats_one = {
        .f = show_port_stats_parsed,
        .data = NULL,
        .help_str = "show port stats <name>: counters of one port, drops by reason",
        .tokens = {(void *)&tok_stats_show, (void *)&tok_stats_port, (void *)&tok_stats,
                   (void *)&tok_stats_name, NULL},
};

cmdline_parse_inst_t *vsw_cli_show_cmds[] = {
        &cmd_show_port, &cmd_show_port_stats_all, &cmd_show_port_stats_one, &cmd_show_port_info,
        NULL,
};
