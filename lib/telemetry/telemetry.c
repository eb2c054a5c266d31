/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The /vsw/ telemetry commands (include/vsw/telemetry.h). Each callback runs on DPDK's
 * telemetry thread under the control lock and reads the control state through the same
 * functions as the CLI. DPDK 22.11 serialises one level of nested containers, so a reply is a
 * dict of scalars and of dicts of scalars; lists (filters, lifecycle events) are strings.
 */
#include "vsw/telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_log.h>
#include <rte_telemetry.h>

#include "vsw/control.h"
#include "vsw/learn.h"
#include "vsw/vm.h"

RTE_LOG_REGISTER_DEFAULT(vsw_telemetry_logtype, INFO);
#define TEL_LOG(lvl, fmt, ...)                                                                     \
	rte_log(RTE_LOG_##lvl, vsw_telemetry_logtype, "telemetry: " fmt "\n", ##__VA_ARGS__)

/* Entries of /vsw/fdb: a telemetry dict holds RTE_TEL_MAX_DICT_ENTRIES, one is the counters. */
#define FDB_ENTRIES_MAX (RTE_TEL_MAX_DICT_ENTRIES - 1)

/* Whether callbacks may read the control state. Under the control lock. */
static bool is_enabled;
static bool is_registered;

typedef int (*fill_fn)(const char *params, struct rte_tel_data *d);

/* A dict to nest in a reply, or NULL when out of memory. */
static struct rte_tel_data *
dict_new(void)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c != NULL)
		rte_tel_data_start_dict(c);
	return c;
}

/* Nest @p c under @p name; the reply owns it from now on, even on failure. */
static int
dict_nest(struct rte_tel_data *d, const char *name, struct rte_tel_data *c)
{
	int rc = rte_tel_data_add_dict_container(d, name, c, 0);

	if (rc < 0)
		rte_tel_data_free(c);
	return rc;
}

static void
port_counters(struct rte_tel_data *d, const struct vsw_port *p)
{
	struct vsw_port_class_stats c;
	struct vsw_port_stats s;

	vsw_ctl_port_stats(p, &s);
	vsw_ctl_port_class_stats(p, &c);
	rte_tel_data_add_dict_u64(d, "drops", vsw_port_stats_drops(&s));
	for (const struct vsw_port_stats_field *f = vsw_port_stats_fields; f->name != NULL; f++)
		rte_tel_data_add_dict_u64(d, f->name, vsw_port_stats_get(&s, f));
	rte_tel_data_add_dict_u64(d, "rx_unicast", c.rx_unicast);
	rte_tel_data_add_dict_u64(d, "rx_multicast", c.rx_multicast);
	rte_tel_data_add_dict_u64(d, "rx_broadcast", c.rx_broadcast);
	rte_tel_data_add_dict_u64(d, "tx_unicast", c.tx_unicast);
	rte_tel_data_add_dict_u64(d, "tx_multicast", c.tx_multicast);
	rte_tel_data_add_dict_u64(d, "tx_broadcast", c.tx_broadcast);
}

static void
port_summary(struct rte_tel_data *d, const struct vsw_port *p)
{
	rte_tel_data_add_dict_u64(d, "id", p->index);
	rte_tel_data_add_dict_string(d, "type", vsw_port_type_name(p->type));
	rte_tel_data_add_dict_string(d, "link", p->is_link_up ? "up" : "down");
}

static int
fill_ports(const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);
		struct rte_tel_data *c;

		if (p == NULL)
			continue;
		c = dict_new();
		if (c == NULL)
			return -ENOMEM;
		port_summary(c, p);
		port_counters(c, p);
		if (dict_nest(d, p->name, c) < 0)
			return -ENOSPC;
	}
	return 0;
}

static void
lifecycle_fields(struct rte_tel_data *d, const struct vsw_port *p)
{
	char history[VSW_LIFECYCLE_HISTORY_SIZE];

	vsw_lifecycle_history(&p->lc, history, sizeof(history));
	rte_tel_data_add_dict_string(d, "port_state", vsw_port_state_name(p->lc.port_state));
	rte_tel_data_add_dict_string(d, "nic_state", vsw_nic_state_name(p->lc.nic_state));
	rte_tel_data_add_dict_u64(d, "transitions", p->lc.n_transitions);
	rte_tel_data_add_dict_string(d, "lifecycle", history);
}

/* /vsw/port,NAME: what `show port info` and `show port stats NAME` say together. */
static int
fill_port(const char *params, struct rte_tel_data *d)
{
	const struct vsw_port *p = params != NULL ? vsw_ctl_port_find(params) : NULL;
	struct rte_tel_data *stats, *queues;

	if (p == NULL)
		return -ENOENT;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->name);
	port_summary(d, p);
	lifecycle_fields(d, p);
	if (p->eth_port_id != VSW_ETH_PORT_NONE)
		rte_tel_data_add_dict_u64(d, "ethdev", p->eth_port_id);
	stats = dict_new();
	if (stats == NULL)
		return -ENOMEM;
	port_counters(stats, p);
	if (dict_nest(d, "stats", stats) < 0)
		return -ENOSPC;
	queues = dict_new();
	if (queues == NULL)
		return -ENOMEM;
	rte_tel_data_add_dict_u64(queues, "worker", p->worker);
	rte_tel_data_add_dict_u64(queues, "rxqs", p->n_rxqs);
	rte_tel_data_add_dict_u64(queues, "txqs", p->n_txqs);
	rte_tel_data_add_dict_u64(queues, "txqs_usable", p->n_txqs_usable);
	return dict_nest(d, "queues", queues) < 0 ? -ENOSPC : 0;
}

static int
fill_lifecycle(const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);
		struct rte_tel_data *c;

		if (p == NULL)
			continue;
		c = dict_new();
		if (c == NULL)
			return -ENOMEM;
		lifecycle_fields(c, p);
		if (dict_nest(d, p->name, c) < 0)
			return -ENOSPC;
	}
	return 0;
}

/* "52:54:00:00:00:01/0 52:54:00:00:00:02/7": a VPort's filters as MAC/VLAN pairs. */
static void
filters_text(const struct vsw_vport_info *v, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (uint16_t i = 0; i < v->n_filters && len < size; i++) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac),
		                      (const struct rte_ether_addr *)v->filters[i].mac);
		len += (size_t)snprintf(buf + len, size - len, "%s%s/%u", i > 0 ? " " : "", mac,
		                        v->filters[i].vlan);
	}
}

static int
fill_vports(const char *params, struct rte_tel_data *d)
{
	const struct vsw_nicsw *sw =
	        vsw_ctl_nicsw(params != NULL && params[0] != '\0' ? params : NULL);
	struct vsw_vport_info v;
	uint32_t iter = 0;

	if (sw == NULL)
		return -ENOENT;
	rte_tel_data_start_dict(d);
	while (vsw_nicsw_vport_next(sw, &iter, &v)) {
		char name[16], filters[RTE_TEL_MAX_STRING_LEN], function[24];
		struct rte_tel_data *c = dict_new();
		struct vsw_vport_stats s;

		if (c == NULL)
			return -ENOMEM;
		vsw_ctl_vport_stats(v.vport_id, &s);
		if (v.function == VSW_VPORT_VF)
			snprintf(function, sizeof(function), "vf%u", v.vf_index);
		else
			snprintf(function, sizeof(function), "pf");
		filters_text(&v, filters, sizeof(filters));
		rte_tel_data_add_dict_string(c, "function", function);
		rte_tel_data_add_dict_u64(c, "queue_pairs", v.n_qps);
		rte_tel_data_add_dict_string(c, "operational", v.is_operational ? "yes" : "no");
		rte_tel_data_add_dict_string(c, "filters", filters);
		rte_tel_data_add_dict_u64(c, "rx_packets", s.rx_packets);
		rte_tel_data_add_dict_u64(c, "rx_bytes", s.rx_bytes);
		rte_tel_data_add_dict_u64(c, "rx_drops", s.rx_drops);
		rte_tel_data_add_dict_u64(c, "tx_packets", s.tx_packets);
		rte_tel_data_add_dict_u64(c, "tx_bytes", s.tx_bytes);
		rte_tel_data_add_dict_u64(c, "tx_drops", s.tx_drops);
		snprintf(name, sizeof(name), "%u", v.vport_id);
		if (dict_nest(d, name, c) < 0)
			return -ENOSPC;
	}
	return 0;
}

static int
fdb_entry(struct rte_tel_data *d, unsigned int n, const uint8_t *mac, int vlan, const char *port,
          const char *type, int64_t idle_s)
{
	char text[RTE_ETHER_ADDR_FMT_SIZE], name[16];
	struct rte_tel_data *c = dict_new();

	if (c == NULL)
		return -ENOMEM;
	rte_ether_format_addr(text, sizeof(text), (const struct rte_ether_addr *)mac);
	rte_tel_data_add_dict_string(c, "mac", text);
	if (vlan >= 0)
		rte_tel_data_add_dict_u64(c, "vlan", (uint64_t)vlan);
	rte_tel_data_add_dict_string(c, "port", port);
	rte_tel_data_add_dict_string(c, "type", type);
	if (idle_s >= 0)
		rte_tel_data_add_dict_u64(c, "idle_s", (uint64_t)idle_s);
	snprintf(name, sizeof(name), "%u", n);
	return dict_nest(d, name, c);
}

/* Entries by position "0", "1", ...: a MAC is not a valid telemetry key. */
static int
fill_fdb(const char *params, struct rte_tel_data *d)
{
	const struct vsw_learn *l = vsw_ctl_learn();
	struct vsw_learn_stats st;
	struct rte_tel_data *c;
	uint32_t iter = 0, idle_s;
	uint16_t vlan, port;
	unsigned int n = 0;
	uint8_t mac[6];

	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);

		for (uint8_t k = 0; p != NULL && k < p->n_macs && n < FDB_ENTRIES_MAX; k++)
			if (fdb_entry(d, n++, p->macs[k], -1, p->name, "static", -1) < 0)
				return -ENOMEM;
	}
	while (n < FDB_ENTRIES_MAX && vsw_learn_next(l, &iter, mac, &vlan, &port, &idle_s) == 0) {
		const struct vsw_port *p = vsw_ctl_port_get(port);

		if (fdb_entry(d, n++, mac, vlan, p != NULL ? p->name : "?", "learned", idle_s) < 0)
			return -ENOMEM;
	}
	vsw_learn_stats_get(l, &st);
	c = dict_new();
	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_add_dict_u64(c, "learned", st.learned);
	rte_tel_data_add_dict_u64(c, "entries", st.n_entries);
	rte_tel_data_add_dict_u64(c, "moved", st.moved);
	rte_tel_data_add_dict_u64(c, "aged", st.aged);
	rte_tel_data_add_dict_u64(c, "flushed", st.flushed);
	rte_tel_data_add_dict_u64(c, "full", st.full);
	return dict_nest(d, "stats", c) < 0 ? -ENOSPC : 0;
}

static int
fill_pmd(const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (unsigned int w = 0; w < vsw_dp_n_workers(); w++) {
		struct rte_tel_data *c = dict_new();
		struct vsw_worker_stats s;
		char name[24];

		if (c == NULL)
			return -ENOMEM;
		vsw_ctl_pmd_stats(w, &s);
		rte_tel_data_add_dict_u64(c, "lcore", vsw_dp_worker_lcore(w));
		rte_tel_data_add_dict_u64(c, "iterations", s.busy_passes + s.idle_passes);
		rte_tel_data_add_dict_u64(c, "busy_iterations", s.busy_passes);
		rte_tel_data_add_dict_u64(c, "idle_iterations", s.idle_passes);
		rte_tel_data_add_dict_u64(c, "rx_packets", s.rx_packets);
		rte_tel_data_add_dict_u64(c, "tx_packets", s.tx_packets);
		rte_tel_data_add_dict_u64(c, "busy_cycles", s.busy_cycles);
		rte_tel_data_add_dict_u64(c, "idle_cycles", s.idle_cycles);
		rte_tel_data_add_dict_u64(c, "busy_cycles_per_packet",
		                          s.rx_packets != 0 ? s.busy_cycles / s.rx_packets : 0);
		rte_tel_data_add_dict_u64(c, "sleeps", s.sleeps);
		rte_tel_data_add_dict_u64(c, "slept_ns", s.slept_ns);
		snprintf(name, sizeof(name), "worker%u", w);
		if (dict_nest(d, name, c) < 0)
			return -ENOSPC;
	}
	return 0;
}

/*
 * /vsw/vms: each VM adapter as `show vm datapath` shows it, by port name. A VF, VPort or
 * awaited VF that does not exist is left out rather than given a sentinel number.
 */
static int
fill_vms(const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);
		uint16_t vport_id;
		const struct vsw_vm_adapter *a = p != NULL ? vsw_ctl_vm_get(i, &vport_id) : NULL;
		struct rte_tel_data *c;

		if (a == NULL)
			continue;
		c = dict_new();
		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_add_dict_u64(c, "id", p->index);
		rte_tel_data_add_dict_string(c, "path", vsw_vm_path_name(a->path));
		if (a->vf != VSW_VM_VF_NONE)
			rte_tel_data_add_dict_u64(c, "vf", a->vf);
		if (vport_id != VSW_VPORT_NONE)
			rte_tel_data_add_dict_u64(c, "vport", vport_id);
		rte_tel_data_add_dict_u64(c, "priority", a->priority);
		rte_tel_data_add_dict_u64(c, "attaches", a->stats.attaches);
		rte_tel_data_add_dict_u64(c, "detaches", a->stats.detaches);
		rte_tel_data_add_dict_u64(c, "failovers", a->stats.failovers);
		rte_tel_data_add_dict_u64(c, "forced", a->stats.forced);
		rte_tel_data_add_dict_string(c, "last_change",
		                             vsw_vm_change_name(a->stats.last_change));
		rte_tel_data_add_dict_u64(c, "last_change_us", a->stats.last_change_ns / 1000);
		rte_tel_data_add_dict_u64(c, "last_change_lost", a->stats.last_change_lost);
		if (a->waiting_vf != VSW_VM_VF_NONE)
			rte_tel_data_add_dict_u64(c, "waiting_vf", a->waiting_vf);
		if (dict_nest(d, p->name, c) < 0)
			return -ENOSPC;
	}
	return 0;
}

/* Run @p fill under the control lock, or refuse while the control state is not there. */
static int
locked(fill_fn fill, const char *params, struct rte_tel_data *d)
{
	int rc = -EAGAIN;

	vsw_ctl_lock();
	if (is_enabled)
		rc = fill(params, d);
	vsw_ctl_unlock();
	return rc;
}

#define CALLBACK(name)                                                                             \
	static int cb_##name(const char *cmd, const char *params, struct rte_tel_data *d)          \
	{                                                                                          \
		RTE_SET_USED(cmd);                                                                 \
		return locked(fill_##name, params, d);                                             \
	}

CALLBACK(ports)
CALLBACK(port)
CALLBACK(vports)
CALLBACK(fdb)
CALLBACK(lifecycle)
CALLBACK(pmd)
CALLBACK(vms)

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} commands[] = {
        {"/vsw/ports", cb_ports, "Every switch port with its counters. Takes no parameters"},
        {"/vsw/port", cb_port,
         "One switch port: type, states, lifecycle, counters, queues. Parameter: port name"},
        {"/vsw/vports", cb_vports,
         "NIC switch VPorts with filters and counters. Parameter: nic switch name (optional)"},
        {"/vsw/fdb", cb_fdb, "Static and learned MACs, learning counters. Takes no parameters"},
        {"/vsw/lifecycle", cb_lifecycle,
         "Port and NIC state and last lifecycle events of every port. Takes no parameters"},
        {"/vsw/pmd", cb_pmd, "Per-worker cycles, iterations and packets. Takes no parameters"},
        {"/vsw/vms", cb_vms,
         "VM adapters: data path, VF, VPort, priority, path changes. Takes no parameters"},
};

int
vsw_telemetry_enable(void)
{
	if (!is_registered) {
		for (unsigned int i = 0; i < RTE_DIM(commands); i++) {
			int rc = rte_telemetry_register_cmd(commands[i].cmd, commands[i].fn,
			                                    commands[i].help);

			if (rc < 0) {
				TEL_LOG(ERR, "cannot register %s: %s", commands[i].cmd,
				        strerror(-rc));
				return rc;
			}
		}
		is_registered = true;
	}
	vsw_ctl_lock();
	is_enabled = true;
	vsw_ctl_unlock();
	TEL_LOG(INFO, "/vsw/ commands registered");
	return 0;
}

void
vsw_telemetry_disable(void)
{
	vsw_ctl_lock();
	is_enabled = false;
	vsw_ctl_unlock();
}
