/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hardware NIC switch (`backend: flow`) on the control thread: what of it needs a real
 * NIC, kept thin. The PF is the uplink port, opened like any PCI uplink with the default
 * VPort's queues and RSS (vsw_ctl_nicsw_flow_rxqs()); here the embedded-switch model is told
 * from the driver, the VF representors are probed, and rte_flow carries out what the rule
 * manager (lib/nicsw/flow_mgr.c, unit-tested against a fake NIC) decides. Not run on
 * hardware: see README.md, "Hardware NIC switch".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#include "ctl_priv.h"

/* The driver's words for a refusal, or its errno when it gives none. */
static void
flow_why(const struct rte_flow_error *err, int rc, char *why, size_t size)
{
	(void)snprintf(why, size, "%s", err->message != NULL ? err->message : strerror(-rc));
}

static int
flow_validate(void *ctx, uint16_t eth_port_id, const struct vsw_flow_rule *r, char *why,
              size_t why_size)
{
	struct rte_flow_error err = {0};
	int rc;

	(void)ctx;
	rc = rte_flow_validate(eth_port_id, &r->attr, r->pattern, r->actions, &err);
	if (rc < 0)
		flow_why(&err, rc, why, why_size);
	return rc;
}

static int
flow_create(void *ctx, uint16_t eth_port_id, const struct vsw_flow_rule *r, void **handle,
            char *why, size_t why_size)
{
	struct rte_flow_error err = {0};
	struct rte_flow *flow;

	(void)ctx;
	flow = rte_flow_create(eth_port_id, &r->attr, r->pattern, r->actions, &err);
	if (flow == NULL) {
		flow_why(&err, -rte_errno, why, why_size);
		return rte_errno != 0 ? -rte_errno : -EIO;
	}
	*handle = flow;
	return 0;
}

static int
flow_destroy(void *ctx, uint16_t eth_port_id, void *handle, char *why, size_t why_size)
{
	struct rte_flow_error err = {0};
	int rc;

	(void)ctx;
	rc = rte_flow_destroy(eth_port_id, handle, &err);
	if (rc < 0)
		flow_why(&err, rc, why, why_size);
	return rc;
}

static const struct vsw_flow_ops flow_ops = {
        .validate = flow_validate, .create = flow_create, .destroy = flow_destroy};

/* Under DCF the PF's devargs are VF 0's address with cap=dcf (nicsw_flow.h). */
static enum vsw_flow_eswitch
eswitch_of(const char *pf)
{
	return strstr(pf, "cap=dcf") != NULL ? VSW_FLOW_ESWITCH_DCF : VSW_FLOW_ESWITCH_TRANSFER;
}

uint16_t
vsw_ctl_nicsw_flow_rxqs(const struct vsw_topo_nicsw *t)
{
	/* TRANSFER: PF VPorts' queues follow the default VPort's on the PF; DCF: one RSS. */
	return eswitch_of(t->pf) == VSW_FLOW_ESWITCH_DCF ? t->qp_default : t->qp_total;
}

/* What the driver of the PF tells of its embedded switch; refused with the NIC named. */
static int
check_driver(const struct vsw_topo_nicsw *t, uint16_t pf, enum vsw_flow_eswitch eswitch,
             struct rte_eth_dev_info *info, struct vsw_errmsg *em)
{
	const char *want = eswitch == VSW_FLOW_ESWITCH_DCF ? "net_ice_dcf" : "mlx5_pci";
	int rc = rte_eth_dev_info_get(pf, info);

	if (rc != 0) {
		vsw_errmsg_set(em, "nic switch %s: ethdev %u: %s", t->name, pf, strerror(-rc));
		return rc;
	}
	if (info->driver_name == NULL || strcmp(info->driver_name, want) != 0) {
		vsw_errmsg_set(em,
		               "nic switch %s: %s is driven by %s; backend flow targets %s here "
		               "(mlx5 in switchdev mode, or ice through DCF; i40e: use emulated)",
		               t->name, t->pf, info->driver_name != NULL ? info->driver_name : "?",
		               want);
		return -ENOTSUP;
	}
	if (info->switch_info.domain_id == RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID) {
		vsw_errmsg_set(em, "nic switch %s: %s reports no embedded switch (switchdev mode?)",
		               t->name, t->pf);
		return -ENOTSUP;
	}
	return 0;
}

/* The PCI address at the head of the PF's devargs. */
static void
pci_of(const char *pf, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%.*s", (int)strcspn(pf, ","), pf);
}

/* Probe the representors and find each VF's ethdev in the PF's switch domain. */
static int
probe_representors(const struct vsw_topo_nicsw *t, const struct rte_eth_dev_info *pf_info,
                   struct vsw_flow_switch *fsw, struct vsw_errmsg *em)
{
	char pci[sizeof("dddd:bb:dd.f")], devargs[VSW_DEVARGS_SIZE];
	int rc;

	pci_of(t->pf, pci, sizeof(pci));
	rc = vsw_flow_representor_devargs(fsw->eswitch, pci, t->num_vfs, devargs, sizeof(devargs));
	if (rc == 0)
		rc = rte_dev_probe(devargs); /* an already probed PF gets its representors added */
	if (rc < 0) {
		vsw_errmsg_set(em, "nic switch %s: cannot probe representors %s: %s", t->name,
		               devargs, strerror(-rc));
		return rc;
	}
	for (uint16_t vf = fsw->eswitch == VSW_FLOW_ESWITCH_DCF ? 1 : 0; vf < t->num_vfs; vf++) {
		struct rte_dev_iterator it;
		struct rte_eth_dev_info info;
		uint16_t id = RTE_MAX_ETHPORTS;

		(void)snprintf(devargs, sizeof(devargs), "%s,representor=vf[%u]", pci, vf);
		if (rte_eth_iterator_init(&it, devargs) == 0) {
			id = rte_eth_iterator_next(&it);
			rte_eth_iterator_cleanup(&it);
		}
		if (id == RTE_MAX_ETHPORTS || rte_eth_dev_info_get(id, &info) != 0 ||
		    info.switch_info.domain_id != pf_info->switch_info.domain_id) {
			vsw_errmsg_set(em,
			               "nic switch %s: no representor of vf %u in the pf's switch",
			               t->name, vf);
			return -ENODEV;
		}
		fsw->vf_eth_port_ids[vf] = id;
	}
	return 0;
}

/* Close the representors probe_representors() found; the PF stays the uplink's. */
static void
close_representors(const struct vsw_flow_switch *fsw)
{
	for (uint16_t vf = 0; vf < fsw->num_vfs; vf++)
		if (fsw->vf_eth_port_ids[vf] != VSW_FLOW_ETH_PORT_NONE)
			(void)rte_eth_dev_close(fsw->vf_eth_port_ids[vf]);
}

int
vsw_ctl_nicsw_flow_start(const struct vsw_topo_nicsw *t, const struct vsw_port *uplink,
                         const struct vsw_nicsw *sw, struct vsw_flow_mgr **out,
                         struct vsw_errmsg *em)
{
	struct vsw_flow_switch fsw = {.eswitch = eswitch_of(t->pf),
	                              .eth_port_id = uplink->eth_port_id,
	                              .num_vfs = t->num_vfs};
	struct rte_eth_dev_info info;
	struct vsw_flow_mgr *m;
	int rc;

	for (uint16_t vf = 0; vf < VSW_NICSW_VFS_MAX; vf++)
		fsw.vf_eth_port_ids[vf] = VSW_FLOW_ETH_PORT_NONE;
	rc = check_driver(t, uplink->eth_port_id, fsw.eswitch, &info, em);
	if (rc == 0 && uplink->n_rxqs < vsw_ctl_nicsw_flow_rxqs(t)) {
		vsw_errmsg_set(em, "nic switch %s: %s has %u rx queues, the pool needs %u", t->name,
		               t->pf, uplink->n_rxqs, vsw_ctl_nicsw_flow_rxqs(t));
		rc = -ENOSPC;
	}
	if (rc == 0)
		rc = probe_representors(t, &info, &fsw, em);
	if (rc < 0) {
		close_representors(&fsw);
		return rc;
	}
	m = vsw_flow_mgr_create(t->name, &fsw, uplink->n_rxqs, &flow_ops, NULL);
	if (m == NULL) {
		vsw_errmsg_set(em, "nic switch %s: %s", t->name, strerror(errno));
		close_representors(&fsw);
		return -errno;
	}
	rc = vsw_flow_mgr_sync(m, sw, em);
	if (rc < 0) {
		vsw_flow_mgr_destroy(m);
		close_representors(&fsw);
		return rc;
	}
	CTL_LOG(INFO, "nic switch %s: %u rules on ethdev %u, %u representors", t->name,
	        vsw_flow_mgr_n_rules(m), uplink->eth_port_id, t->num_vfs);
	*out = m;
	return 0;
}

void
vsw_ctl_nicsw_flow_stop(struct vsw_flow_mgr *m)
{
	struct vsw_flow_switch fsw;

	if (m == NULL)
		return;
	fsw = *vsw_flow_mgr_switch(m);
	vsw_flow_mgr_destroy(m); /* rules first: they point at the representors */
	close_representors(&fsw);
}
