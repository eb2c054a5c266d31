/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC switch, read-only: `show nic-switch <nic>` (parameters and queue-pair pool),
 * `show vport <nic>` (every VPort with its counters, R-VP-8) and `show filter <nic> <vport>`
 * (its receive filters, R-VP-7); as tables or (vswctl --json) JSON. Control thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <rte_ether.h>

#include "cli_priv.h"
#include "vsw/control.h"

struct nic_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t what;
	cmdline_fixed_string_t nic;
	cmdline_fixed_string_t vport;
};

static cmdline_parse_token_string_t tok_show =
        TOKEN_STRING_INITIALIZER(struct nic_result, show, "show");
static cmdline_parse_token_string_t tok_nic_switch =
        TOKEN_STRING_INITIALIZER(struct nic_result, what, "nic-switch");
static cmdline_parse_token_string_t tok_vport =
        TOKEN_STRING_INITIALIZER(struct nic_result, what, "vport");
static cmdline_parse_token_string_t tok_filter =
        TOKEN_STRING_INITIALIZER(struct nic_result, what, "filter");
static cmdline_parse_token_string_t tok_nic =
        TOKEN_STRING_INITIALIZER(struct nic_result, nic, NULL);
static cmdline_parse_token_string_t tok_id =
        TOKEN_STRING_INITIALIZER(struct nic_result, vport, NULL);

static const struct vsw_nicsw *
find_nic(struct cmdline *cl, const char *name)
{
	const struct vsw_nicsw *sw = vsw_ctl_nicsw(name);

	if (sw == NULL) {
		vsw_cli_error(cl, -ENOENT, "nic switch %s: no such NIC switch", name);
	}
	return sw;
}

static void
function_name(const struct vsw_vport_info *v, char *buf, size_t size)
{
	if (v->function == VSW_VPORT_VF)
		snprintf(buf, size, "vf%u", v->vf_index);
	else
		snprintf(buf, size, "pf");
}

static void
show_nic_switch_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct nic_result *res = parsed;
	const struct vsw_nicsw *sw = find_nic(cl, res->nic);
	struct vsw_nicsw_params p;
	struct vsw_nicsw_pool pool;

	RTE_SET_USED(data);
	if (sw == NULL)
		return;
	vsw_nicsw_params_get(sw, &p);
	vsw_nicsw_pool_get(sw, &pool);
	if (vsw_cli_is_json()) {
		struct vsw_json j;

		vsw_json_begin(&j, cl);
		vsw_json_str(&j, "name", p.name);
		vsw_json_str(&j, "backend", "emulated");
		vsw_json_u64(&j, "vfs", p.num_vfs);
		vsw_json_u64(&j, "vports", vsw_nicsw_n_vports(sw));
		vsw_json_str(&j, "allocation", p.is_asymmetric ? "asymmetric" : "symmetric");
		vsw_json_obj(&j, "queue_pairs");
		vsw_json_u64(&j, "total", pool.qp_total);
		vsw_json_u64(&j, "default", pool.qp_default);
		vsw_json_u64(&j, "used", pool.qp_used);
		vsw_json_u64(&j, "free", pool.qp_free);
		vsw_json_close(&j, '}');
		vsw_json_end(&j);
		return;
	}
	cmdline_printf(cl,
	               "nic switch %s\n  backend: emulated\n  vfs: %u\n  vports: %u\n"
	               "  allocation: %s\n  queue-pairs: total %u default %u used %u free %u\n",
	               p.name, p.num_vfs, vsw_nicsw_n_vports(sw),
	               p.is_asymmetric ? "asymmetric" : "symmetric", pool.qp_total, pool.qp_default,
	               pool.qp_used, pool.qp_free);
}

static void
filter_json(struct vsw_json *j, const struct vsw_vport_info *v)
{
	for (uint16_t i = 0; i < v->n_filters; i++) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac),
		                      (const struct rte_ether_addr *)v->filters[i].mac);
		vsw_json_obj(j, NULL);
		vsw_json_u64(j, "filter_id", v->filters[i].filter_id);
		vsw_json_str(j, "mac", mac);
		vsw_json_u64(j, "vlan", v->filters[i].vlan);
		vsw_json_close(j, '}');
	}
}

/* One VPort with its filters and counters, as `show vport` and telemetry's /vsw/vports. */
static void
vport_json(struct vsw_json *j, const struct vsw_vport_info *v)
{
	struct vsw_vport_stats s;
	char function[8];

	vsw_ctl_vport_stats(v->vport_id, &s);
	function_name(v, function, sizeof(function));
	vsw_json_obj(j, NULL);
	vsw_json_u64(j, "id", v->vport_id);
	vsw_json_str(j, "function", function);
	vsw_json_u64(j, "queue_pairs", v->n_qps);
	vsw_json_bool(j, "operational", v->is_operational);
	vsw_json_u64(j, "rx_packets", s.rx_packets);
	vsw_json_u64(j, "rx_bytes", s.rx_bytes);
	vsw_json_u64(j, "rx_drops", s.rx_drops);
	vsw_json_u64(j, "tx_packets", s.tx_packets);
	vsw_json_u64(j, "tx_bytes", s.tx_bytes);
	vsw_json_u64(j, "tx_drops", s.tx_drops);
	vsw_json_u64(j, "rx_bursts", s.rx_bursts);
	vsw_json_str(j, "interrupt_moderation",
	             v->moderation.mode == VSW_VPORT_MOD_OFF        ? "off"
	             : v->moderation.mode == VSW_VPORT_MOD_ADAPTIVE ? "adaptive"
	                                                            : "rate");
	if (v->moderation.mode == VSW_VPORT_MOD_RATE)
		vsw_json_u64(j, "interrupt_rate_per_s", v->moderation.rate_per_s);
	vsw_json_arr(j, "filters");
	filter_json(j, v);
	vsw_json_close(j, ']');
	vsw_json_close(j, '}');
}

static void
show_vport_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct nic_result *res = parsed;
	const struct vsw_nicsw *sw = find_nic(cl, res->nic);
	struct vsw_vport_info v;
	uint32_t iter = 0;

	RTE_SET_USED(data);
	if (sw == NULL)
		return;
	if (vsw_cli_is_json()) {
		struct vsw_json j;

		vsw_json_begin(&j, cl);
		vsw_json_str(&j, "nic_switch", res->nic);
		vsw_json_arr(&j, "vports");
		while (vsw_nicsw_vport_next(sw, &iter, &v))
			vport_json(&j, &v);
		vsw_json_close(&j, ']');
		vsw_json_end(&j);
		return;
	}
	cmdline_printf(cl, "%-4s %-8s %-4s %-4s %12s %14s %12s %14s %10s\n", "ID", "FUNCTION",
	               "QPS", "OPER", "RX-PACKETS", "RX-BYTES", "TX-PACKETS", "TX-BYTES", "DROPS");
	while (vsw_nicsw_vport_next(sw, &iter, &v)) {
		struct vsw_vport_stats s;
		char function[8];

		vsw_ctl_vport_stats(v.vport_id, &s);
		function_name(&v, function, sizeof(function));
		cmdline_printf(cl,
		               "%-4u %-8s %-4u %-4s %12" PRIu64 " %14" PRIu64 " %12" PRIu64
		               " %14" PRIu64 " %10" PRIu64 "\n",
		               v.vport_id, function, v.n_qps, v.is_operational ? "yes" : "no",
		               s.rx_packets, s.rx_bytes, s.tx_packets, s.tx_bytes,
		               s.rx_drops + s.tx_drops);
	}
}

static void
show_filter_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct nic_result *res = parsed;
	const struct vsw_nicsw *sw = find_nic(cl, res->nic);
	char *end = NULL;
	unsigned long id = strtoul(res->vport, &end, 10);
	struct vsw_vport_info v;

	RTE_SET_USED(data);
	if (sw == NULL)
		return;
	if (*end != '\0' || id >= VSW_NICSW_VPORTS_MAX ||
	    vsw_nicsw_vport_get(sw, (uint16_t)id, &v) != 0) {
		vsw_cli_error(cl, -ENOENT, "nic switch %s: no vport %s", res->nic, res->vport);
		return;
	}
	if (vsw_cli_is_json()) {
		struct vsw_json j;

		vsw_json_begin(&j, cl);
		vsw_json_str(&j, "nic_switch", res->nic);
		vsw_json_u64(&j, "vport", v.vport_id);
		vsw_json_arr(&j, "filters");
		filter_json(&j, &v);
		vsw_json_close(&j, ']');
		vsw_json_end(&j);
		return;
	}
	cmdline_printf(cl, "%-10s %-17s %s\n", "FILTER-ID", "MAC", "VLAN");
	for (uint16_t i = 0; i < v.n_filters; i++) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac),
		                      (const struct rte_ether_addr *)v.filters[i].mac);
		cmdline_printf(cl, "%-10u %-17s %u\n", v.filters[i].filter_id, mac,
		               v.filters[i].vlan);
	}
}

static cmdline_parse_inst_t cmd_show_nic_switch = {
        .f = show_nic_switch_parsed,
        .help_str = "show nic-switch <nic>: parameters and queue-pair pool of a NIC switch",
        .tokens = {(void *)&tok_show, (void *)&tok_nic_switch, (void *)&tok_nic, NULL},
};

static cmdline_parse_inst_t cmd_show_vport = {
        .f = show_vport_parsed,
        .help_str = "show vport <nic>: the VPorts of a NIC switch with their counters",
        .tokens = {(void *)&tok_show, (void *)&tok_vport, (void *)&tok_nic, NULL},
};

static cmdline_parse_inst_t cmd_show_filter = {
        .f = show_filter_parsed,
        .help_str = "show filter <nic> <vport>: the receive filters of a VPort",
        .tokens = {(void *)&tok_show, (void *)&tok_filter, (void *)&tok_nic, (void *)&tok_id, NULL},
};

cmdline_parse_inst_t *vsw_cli_nicsw_cmds[] = {
        &cmd_show_nic_switch,
        &cmd_show_vport,
        &cmd_show_filter,
        NULL,
};
