/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC switch model (include/vsw/nicsw.h): CREATE_SWITCH and DELETE_SWITCH, CREATE_VPORT,
 * VPORT_PARAMETERS and DELETE_VPORT, the queue-pair pool VPorts draw from, queries, and the
 * aggregation of per-worker VPort counters. Control thread only; pure C, no EAL.
 *
 * Every change validates the whole request against the current model first and touches
 * nothing on a refusal, so a refused CLI command or YAML file leaves the switch as it was.
 * Receive filters and the datapath's filter table are in filter.c.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nicsw_priv.h"

/* Names are fixed-size buffers: a name fits when a NUL ends it inside the buffer. */
static bool
name_fits(const char *name)
{
	return memchr(name, '\0', VSW_NAME_SIZE) != NULL;
}

/* Copy a name that fits, zeroing the rest so copies of the model compare equal. */
static void
name_copy(char *dst, const char *src)
{
	memset(dst, 0, VSW_NAME_SIZE);
	memcpy(dst, src, strlen(src) + 1);
}

static int
check_params(const struct vsw_nicsw_params *p, struct vsw_errmsg *em)
{
	if (!name_fits(p->name) || p->name[0] == '\0') {
		vsw_errmsg_set(em, "nicsw: name empty or longer than %d bytes", VSW_NAME_SIZE - 1);
		return -EINVAL;
	}
	if (p->num_vfs > VSW_NICSW_VFS_MAX) {
		vsw_errmsg_set(em, "nicsw %s: %u vfs, expected at most %u", p->name, p->num_vfs,
		               VSW_NICSW_VFS_MAX);
		return -EINVAL;
	}
	if (p->qp_total > VSW_NICSW_QPS_MAX) {
		vsw_errmsg_set(em, "nicsw %s: %u queue pairs, expected at most %u", p->name,
		               p->qp_total, VSW_NICSW_QPS_MAX);
		return -EINVAL;
	}
	if (p->qp_default == 0 || p->qp_default > p->qp_total) {
		vsw_errmsg_set(em, "nicsw %s: the default vport needs 1 to %u queue pairs, not %u",
		               p->name, p->qp_total, p->qp_default);
		return -EINVAL;
	}
	if (p->is_asymmetric && p->qp_per_vport != 0) {
		vsw_errmsg_set(em, "nicsw %s: qp_per_vport is for symmetric allocation only",
		               p->name);
		return -EINVAL;
	}
	if (!p->is_asymmetric && p->qp_per_vport == 0) {
		vsw_errmsg_set(em, "nicsw %s: symmetric allocation needs qp_per_vport >= 1",
		               p->name);
		return -EINVAL;
	}
	return 0;
}

struct vsw_nicsw *
vsw_nicsw_create(const struct vsw_nicsw_params *p, struct vsw_errmsg *em)
{
	struct vsw_vport_info *def;
	struct vsw_nicsw *sw;
	int rc;

	assert(p != NULL);
	rc = check_params(p, em);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	/* The only allocation of the module: fixed arrays inside, so later calls never fail
	 * for memory. */
	sw = calloc(1, sizeof(*sw));
	if (sw == NULL) {
		vsw_errmsg_set(em, "nicsw %s: out of memory", p->name);
		errno = ENOMEM;
		return NULL;
	}
	sw->params = *p;
	name_copy(sw->params.name, p->name);
	for (uint16_t vf = 0; vf < VSW_NICSW_VFS_MAX; vf++)
		sw->vport_of_vf[vf] = VSW_VPORT_NONE;
	/* R-VP-2: the default VPort comes with the switch, on the PF, always operational. */
	sw->vports[VSW_VPORT_DEFAULT].is_used = true;
	def = &sw->vports[VSW_VPORT_DEFAULT].info;
	def->vport_id = VSW_VPORT_DEFAULT;
	def->is_default = true;
	def->is_operational = true;
	def->function = VSW_VPORT_PF;
	def->n_qps = p->qp_default;
	def->moderation.mode = VSW_VPORT_MOD_ADAPTIVE;
	name_copy(def->name, "default");
	sw->n_vports = 1;
	return sw;
}

/* Give back what VPort @p vport_id holds: queue pairs, its VF, its filters, its id. */
static void
vport_remove(struct vsw_nicsw *sw, uint16_t vport_id)
{
	struct nicsw_vport *v = &sw->vports[vport_id];

	assert(v->is_used);
	if (vport_id != VSW_VPORT_DEFAULT) {
		assert(sw->qp_used >= v->info.n_qps);
		sw->qp_used -= v->info.n_qps;
	}
	if (v->info.function == VSW_VPORT_VF) {
		assert(sw->vport_of_vf[v->info.vf_index] == vport_id);
		sw->vport_of_vf[v->info.vf_index] = VSW_VPORT_NONE;
	}
	sw->n_vports--;
	memset(v, 0, sizeof(*v));
}

void
vsw_nicsw_destroy(struct vsw_nicsw *sw, vsw_nicsw_vport_fn on_delete, void *arg)
{
	if (sw == NULL)
		return;
	/* R-VP-2: DELETE_SWITCH deletes the non-default VPorts first, the default one last. */
	for (uint16_t id = VSW_VPORT_DEFAULT + 1; id < VSW_NICSW_VPORTS_MAX; id++) {
		if (!sw->vports[id].is_used)
			continue;
		if (on_delete != NULL)
			on_delete(arg, &sw->vports[id].info);
		vport_remove(sw, id);
	}
	if (on_delete != NULL)
		on_delete(arg, &sw->vports[VSW_VPORT_DEFAULT].info);
	vport_remove(sw, VSW_VPORT_DEFAULT);
	assert(sw->n_vports == 0 && sw->qp_used == 0);
	free(sw);
}

void
vsw_nicsw_params_get(const struct vsw_nicsw *sw, struct vsw_nicsw_params *out)
{
	*out = sw->params;
}

/* NULL when @p m is valid, else why not. */
static const char *
moderation_error(const struct vsw_vport_moderation *m)
{
	switch (m->mode) {
	case VSW_VPORT_MOD_ADAPTIVE:
	case VSW_VPORT_MOD_OFF:
		return m->rate_per_s == 0 ? NULL : "a rate needs the rate moderation mode";
	case VSW_VPORT_MOD_RATE:
		if (m->rate_per_s == 0 || m->rate_per_s > VSW_NICSW_INTR_RATE_MAX)
			return "moderation rate out of 1.." NICSW_STR(
			        VSW_NICSW_INTR_RATE_MAX) " interrupts/s";
		return NULL;
	}
	return "unknown moderation mode";
}

static int
check_function(const struct vsw_nicsw *sw, const struct vsw_vport_params *p, struct vsw_errmsg *em)
{
	const char *sw_name = sw->params.name;

	if (p->function == VSW_VPORT_PF) {
		if (p->vf_index == 0)
			return 0;
		vsw_errmsg_set(em, "nicsw %s: create vport: a pf vport has no vf index (%u)",
		               sw_name, p->vf_index);
		return -EINVAL;
	}
	if (p->function != VSW_VPORT_VF) {
		vsw_errmsg_set(em, "nicsw %s: create vport: unknown function %d", sw_name,
		               (int)p->function);
		return -EINVAL;
	}
	if (p->vf_index >= sw->params.num_vfs) {
		vsw_errmsg_set(em, "nicsw %s: create vport: no vf%u, the pf has %u vfs", sw_name,
		               p->vf_index, sw->params.num_vfs);
		return -EINVAL;
	}
	/* R-VP-3: at most one non-default VPort per VF. */
	if (sw->vport_of_vf[p->vf_index] != VSW_VPORT_NONE) {
		vsw_errmsg_set(em,
		               "nicsw %s: create vport: vf%u already has a non-default vport (%u)",
		               sw_name, p->vf_index, sw->vport_of_vf[p->vf_index]);
		return -EEXIST;
	}
	return 0;
}

/* R-VP-5: the count is positive, equal for all when symmetric, and taken from the pool. */
static int
check_qps(const struct vsw_nicsw *sw, uint16_t n_qps, struct vsw_errmsg *em)
{
	const struct vsw_nicsw_params *sp = &sw->params;
	const unsigned int n_free = sp->qp_total - sp->qp_default - sw->qp_used;

	if (n_qps == 0) {
		vsw_errmsg_set(em, "nicsw %s: create vport: a vport needs at least one queue pair",
		               sp->name);
		return -EINVAL;
	}
	if (!sp->is_asymmetric && n_qps != sp->qp_per_vport) {
		vsw_errmsg_set(em,
		               "nicsw %s: create vport: allocation is symmetric, every non-default "
		               "vport has %u queue pairs, not %u",
		               sp->name, sp->qp_per_vport, n_qps);
		return -EINVAL;
	}
	if (n_qps > n_free) {
		vsw_errmsg_set(em,
		               "nicsw %s: create vport: %u queue pairs asked, %u left in the pool",
		               sp->name, n_qps, n_free);
		return -ENOSPC;
	}
	return 0;
}

/* The requested id if free, or the lowest free id >= 1 when @p requested is 0. */
static int
pick_id(const struct vsw_nicsw *sw, uint16_t requested, uint16_t *vport_id, struct vsw_errmsg *em)
{
	if (requested >= VSW_NICSW_VPORTS_MAX) {
		vsw_errmsg_set(em, "nicsw %s: create vport: id %u, expected 1..%u", sw->params.name,
		               requested, VSW_NICSW_VPORTS_MAX - 1);
		return -EINVAL;
	}
	if (requested != 0) {
		if (!sw->vports[requested].is_used) {
			*vport_id = requested;
			return 0;
		}
		vsw_errmsg_set(em, "nicsw %s: create vport: id %u already used", sw->params.name,
		               requested);
		return -EEXIST;
	}
	for (uint16_t id = VSW_VPORT_DEFAULT + 1; id < VSW_NICSW_VPORTS_MAX; id++) {
		if (!sw->vports[id].is_used) {
			*vport_id = id;
			return 0;
		}
	}
	vsw_errmsg_set(em, "nicsw %s: create vport: all %u vport ids are used", sw->params.name,
	               VSW_NICSW_VPORTS_MAX);
	return -ENOSPC;
}

static int
check_vport_params(const struct vsw_nicsw *sw, const struct vsw_vport_params *p, uint16_t *vport_id,
                   struct vsw_errmsg *em)
{
	const char *why;
	int rc;

	if (!name_fits(p->name)) {
		vsw_errmsg_set(em, "nicsw %s: create vport: name longer than %d bytes",
		               sw->params.name, VSW_NAME_SIZE - 1);
		return -EINVAL;
	}
	rc = check_function(sw, p, em);
	if (rc < 0)
		return rc;
	why = moderation_error(&p->moderation);
	if (why != NULL) {
		vsw_errmsg_set(em, "nicsw %s: create vport: %s", sw->params.name, why);
		return -EINVAL;
	}
	rc = check_qps(sw, p->n_qps, em);
	if (rc < 0)
		return rc;
	return pick_id(sw, p->vport_id, vport_id, em);
}

int
vsw_nicsw_vport_create(struct vsw_nicsw *sw, const struct vsw_vport_params *p, uint16_t *vport_id,
                       struct vsw_errmsg *em)
{
	struct nicsw_vport *v;
	uint16_t id;
	int rc;

	assert(sw != NULL && p != NULL && vport_id != NULL);
	rc = check_vport_params(sw, p, &id, em);
	if (rc < 0)
		return rc;
	v = &sw->vports[id];
	memset(v, 0, sizeof(*v));
	v->is_used = true;
	v->info.vport_id = id;
	v->info.function = p->function;
	v->info.vf_index = p->vf_index;
	v->info.n_qps = p->n_qps;
	v->info.moderation = p->moderation;
	name_copy(v->info.name, p->name);
	/* R-VP-3: a VF's VPort is operational once attached; a PF's waits for VPORT_PARAMETERS. */
	v->info.is_operational = p->function == VSW_VPORT_VF;
	if (p->function == VSW_VPORT_VF)
		sw->vport_of_vf[p->vf_index] = id;
	sw->qp_used += p->n_qps;
	sw->n_vports++;
	*vport_id = id;
	return 0;
}

/* R-VP-4 and R-VP-5 allow no change but the operational state's one way, moderation, name. */
static int
check_set(const struct vsw_nicsw *sw, const struct vsw_vport_info *vi,
          const struct vsw_vport_set *set, struct vsw_errmsg *em)
{
	const char *sw_name = sw->params.name;
	const char *why = NULL;

	if (set->fields & ~(uint32_t)VSW_VPORT_SET_ALL) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: unknown fields 0x%x", sw_name, vi->vport_id,
		               set->fields & ~(uint32_t)VSW_VPORT_SET_ALL);
		return -EINVAL;
	}
	if ((set->fields & VSW_VPORT_SET_FUNCTION) &&
	    (set->function != vi->function || set->vf_index != vi->vf_index))
		why = "the pcie function is fixed at creation";
	else if ((set->fields & VSW_VPORT_SET_QPS) && set->n_qps != vi->n_qps)
		why = "the queue-pair count is fixed at creation";
	else if ((set->fields & VSW_VPORT_SET_OPERATIONAL) && !set->is_operational &&
	         vi->is_operational)
		why = "an operational vport stops being operational only when deleted";
	if (why != NULL) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: %s", sw_name, vi->vport_id, why);
		return -EPERM;
	}
	if (set->fields & VSW_VPORT_SET_MODERATION)
		why = moderation_error(&set->moderation);
	if (why == NULL && (set->fields & VSW_VPORT_SET_NAME) && !name_fits(set->name))
		why = "name longer than " NICSW_STR(VSW_NAME_SIZE) " bytes with its nul";
	if (why != NULL) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: %s", sw_name, vi->vport_id, why);
		return -EINVAL;
	}
	return 0;
}

int
vsw_nicsw_vport_set_params(struct vsw_nicsw *sw, uint16_t vport_id, const struct vsw_vport_set *set,
                           struct vsw_errmsg *em)
{
	struct vsw_vport_info *vi;
	int rc;

	assert(sw != NULL && set != NULL);
	if (!nicsw_vport_exists(sw, vport_id)) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: no such vport", sw->params.name, vport_id);
		return -ENOENT;
	}
	vi = &sw->vports[vport_id].info;
	rc = check_set(sw, vi, set, em);
	if (rc < 0)
		return rc;
	if ((set->fields & VSW_VPORT_SET_OPERATIONAL) && set->is_operational)
		vi->is_operational = true;
	if (set->fields & VSW_VPORT_SET_MODERATION)
		vi->moderation = set->moderation;
	if (set->fields & VSW_VPORT_SET_NAME)
		name_copy(vi->name, set->name);
	return 0;
}

int
vsw_nicsw_vport_delete(struct vsw_nicsw *sw, uint16_t vport_id, struct vsw_errmsg *em)
{
	assert(sw != NULL);
	if (vport_id == VSW_VPORT_DEFAULT) {
		vsw_errmsg_set(em,
		               "nicsw %s: vport %u: the default vport goes only with the switch",
		               sw->params.name, vport_id);
		return -EPERM;
	}
	if (!nicsw_vport_exists(sw, vport_id)) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: no such vport", sw->params.name, vport_id);
		return -ENOENT;
	}
	vport_remove(sw, vport_id);
	return 0;
}

int
vsw_nicsw_vport_get(const struct vsw_nicsw *sw, uint16_t vport_id, struct vsw_vport_info *out)
{
	if (!nicsw_vport_exists(sw, vport_id))
		return -ENOENT;
	*out = sw->vports[vport_id].info;
	return 0;
}

bool
vsw_nicsw_vport_next(const struct vsw_nicsw *sw, uint32_t *iter, struct vsw_vport_info *out)
{
	for (uint32_t id = *iter; id < VSW_NICSW_VPORTS_MAX; id++) {
		if (sw->vports[id].is_used) {
			*out = sw->vports[id].info;
			*iter = id + 1;
			return true;
		}
	}
	*iter = VSW_NICSW_VPORTS_MAX;
	return false;
}

uint16_t
vsw_nicsw_n_vports(const struct vsw_nicsw *sw)
{
	return sw->n_vports;
}

void
vsw_nicsw_pool_get(const struct vsw_nicsw *sw, struct vsw_nicsw_pool *out)
{
	memset(out, 0, sizeof(*out));
	out->qp_total = sw->params.qp_total;
	out->qp_default = sw->params.qp_default;
	out->qp_used = sw->qp_used;
	out->qp_free = (uint16_t)(sw->params.qp_total - sw->params.qp_default - sw->qp_used);
}

void
vsw_vport_stats_add(struct vsw_vport_stats *sum, const struct vsw_vport_stats *one)
{
	/* Relaxed loads: the owning worker may be storing; a sum a burst behind is fine. */
	sum->rx_packets += __atomic_load_n(&one->rx_packets, __ATOMIC_RELAXED);
	sum->rx_bytes += __atomic_load_n(&one->rx_bytes, __ATOMIC_RELAXED);
	sum->rx_drops += __atomic_load_n(&one->rx_drops, __ATOMIC_RELAXED);
	sum->tx_packets += __atomic_load_n(&one->tx_packets, __ATOMIC_RELAXED);
	sum->tx_bytes += __atomic_load_n(&one->tx_bytes, __ATOMIC_RELAXED);
	sum->tx_drops += __atomic_load_n(&one->tx_drops, __ATOMIC_RELAXED);
	sum->rx_bursts += __atomic_load_n(&one->rx_bursts, __ATOMIC_RELAXED);
}

void
vsw_vport_stats_sum(struct vsw_vport_stats *out, const struct vsw_vport_stats *const *per_worker,
                    unsigned int n_workers)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < n_workers; w++) {
		if (per_worker[w] != NULL)
			vsw_vport_stats_add(out, per_worker[w]);
	}
}
