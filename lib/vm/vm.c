/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VM adapter model: paths, the VF pool and its priorities (include/vsw/vm.h).
 */
#include "vsw/vm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct vsw_vm_adapter *
adapter_of(struct vsw_vm_pool *pool, uint16_t idx)
{
	if (idx >= VSW_VM_ADAPTERS_MAX || !pool->adapters[idx].is_used)
		return NULL;
	return &pool->adapters[idx];
}

void
vsw_vm_pool_init(struct vsw_vm_pool *pool, uint16_t num_vfs)
{
	memset(pool, 0, sizeof(*pool));
	pool->num_vfs = num_vfs < VSW_VM_VFS_MAX ? num_vfs : VSW_VM_VFS_MAX;
	for (uint16_t v = 0; v < VSW_VM_VFS_MAX; v++)
		pool->owner[v] = VSW_VM_VF_NONE;
}

int
vsw_vm_reserve_vf(struct vsw_vm_pool *pool, uint16_t vf)
{
	if (vf >= pool->num_vfs)
		return -EINVAL;
	if (pool->owner[vf] != VSW_VM_VF_NONE && pool->owner[vf] != VSW_VM_VF_RESERVED)
		return -EBUSY;
	pool->owner[vf] = VSW_VM_VF_RESERVED;
	return 0;
}

int
vsw_vm_add(struct vsw_vm_pool *pool, uint16_t idx, const char *name, uint16_t priority,
           struct vsw_errmsg *em)
{
	struct vsw_vm_adapter *a;

	if (idx >= VSW_VM_ADAPTERS_MAX || name == NULL || name[0] == '\0' ||
	    priority > VSW_VM_PRIORITY_MAX) {
		vsw_errmsg_set(em, "vm adapter: index, name or priority (0..%u) out of range",
		               VSW_VM_PRIORITY_MAX);
		return -EINVAL;
	}
	a = &pool->adapters[idx];
	if (a->is_used) {
		vsw_errmsg_set(em, "vm adapter %s: port already has one (%s)", name, a->name);
		return -EEXIST;
	}
	memset(a, 0, sizeof(*a));
	a->is_used = true;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->priority = priority;
	a->path = VSW_VM_PATH_SYNTHETIC;
	a->vf = VSW_VM_VF_NONE;
	a->waiting_vf = VSW_VM_VF_NONE;
	return 0;
}

/* A change ends: timed and counted. */
static void
settle(struct vsw_vm_adapter *a, enum vsw_vm_path path, enum vsw_vm_change kind, uint64_t now_ns)
{
	a->path = path;
	a->stats.last_change = kind;
	a->stats.last_change_ns = now_ns - a->change_started_ns;
	a->stats.last_change_lost = 0;
	a->change = VSW_VM_CHANGE_NONE;
	switch (kind) {
	case VSW_VM_CHANGE_ATTACH:
		a->stats.attaches++;
		break;
	case VSW_VM_CHANGE_DETACH:
		a->stats.detaches++;
		break;
	case VSW_VM_CHANGE_FAILOVER:
		a->stats.failovers++;
		break;
	case VSW_VM_CHANGE_NONE:
		break;
	}
}

static void
begin(struct vsw_vm_adapter *a, enum vsw_vm_path path, enum vsw_vm_change kind, uint64_t now_ns)
{
	a->path = path;
	a->change = kind;
	a->change_started_ns = now_ns;
}

/* VF @p vf is free: the adapter promised it, if any, starts attaching. */
static void
release_vf(struct vsw_vm_pool *pool, uint16_t vf, uint64_t now_ns)
{
	pool->owner[vf] = VSW_VM_VF_NONE;
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		struct vsw_vm_adapter *a = &pool->adapters[i];

		if (a->is_used && a->waiting_vf == vf) {
			a->waiting_vf = VSW_VM_VF_NONE;
			pool->owner[vf] = i;
			a->vf = vf;
			begin(a, VSW_VM_PATH_ATTACHING, VSW_VM_CHANGE_ATTACH, now_ns);
			return;
		}
	}
}

/* Back on the synthetic path: the VF goes to whoever waits for it. */
static void
to_synthetic(struct vsw_vm_pool *pool, struct vsw_vm_adapter *a, enum vsw_vm_change kind,
             uint64_t now_ns)
{
	const uint16_t vf = a->vf;

	if (a->change == VSW_VM_CHANGE_NONE)
		a->change_started_ns = now_ns; /* a surprise starts when it is seen */
	settle(a, VSW_VM_PATH_SYNTHETIC, kind, now_ns);
	a->vf = VSW_VM_VF_NONE;
	if (vf < pool->num_vfs)
		release_vf(pool, vf, now_ns);
}

void
vsw_vm_remove(struct vsw_vm_pool *pool, uint16_t idx, uint64_t now_ns)
{
	struct vsw_vm_adapter *a = adapter_of(pool, idx);
	uint16_t vf;

	if (a == NULL)
		return;
	vf = a->vf;
	memset(a, 0, sizeof(*a));
	if (vf < pool->num_vfs)
		release_vf(pool, vf, now_ns);
}

int
vsw_vm_set_priority(struct vsw_vm_pool *pool, uint16_t idx, uint16_t priority,
                    struct vsw_errmsg *em)
{
	struct vsw_vm_adapter *a = adapter_of(pool, idx);

	if (a == NULL || priority > VSW_VM_PRIORITY_MAX) {
		vsw_errmsg_set(em, "vm adapter: no such adapter, or priority above %u",
		               VSW_VM_PRIORITY_MAX);
		return -EINVAL;
	}
	a->priority = priority;
	return 0;
}

/* The VF a request for @p want from @p a gets (free or to take), or a refusal. */
static int
choose_vf(const struct vsw_vm_pool *pool, const struct vsw_vm_adapter *a, uint16_t want,
          uint16_t *vf, struct vsw_errmsg *em)
{
	uint16_t victim = VSW_VM_VF_NONE;

	if (want != VSW_VM_VF_ANY) {
		const uint16_t holder = pool->owner[want];

		if (holder == VSW_VM_VF_RESERVED) {
			vsw_errmsg_set(em, "vm %s: vf %u has a VPort of its own in the topology",
			               a->name, want);
			return -EBUSY;
		}
		if (holder != VSW_VM_VF_NONE && pool->adapters[holder].priority >= a->priority) {
			vsw_errmsg_set(em, "vm %s: vf %u is held by %s, priority %u >= %u", a->name,
			               want, pool->adapters[holder].name,
			               pool->adapters[holder].priority, a->priority);
			return -EBUSY;
		}
		*vf = want;
		return 0;
	}
	for (uint16_t v = 0; v < pool->num_vfs; v++) {
		const uint16_t holder = pool->owner[v];

		if (holder == VSW_VM_VF_NONE) {
			*vf = v;
			return 0;
		}
		if (holder == VSW_VM_VF_RESERVED)
			continue;
		if (pool->adapters[holder].priority < a->priority &&
		    (victim == VSW_VM_VF_NONE ||
		     pool->adapters[holder].priority <
		             pool->adapters[pool->owner[victim]].priority))
			victim = v;
	}
	if (victim == VSW_VM_VF_NONE) {
		vsw_errmsg_set(em, "vm %s: no VF free and none held below priority %u", a->name,
		               a->priority);
		return -ENOSPC;
	}
	*vf = victim;
	return 0;
}

int
vsw_vm_attach(struct vsw_vm_pool *pool, uint16_t idx, uint16_t vf, uint64_t now_ns,
              struct vsw_errmsg *em)
{
	struct vsw_vm_adapter *a = adapter_of(pool, idx);
	struct vsw_vm_adapter *holder;
	uint16_t chosen;
	int rc;

	if (a == NULL) {
		vsw_errmsg_set(em, "vm adapter: no such adapter");
		return -EINVAL;
	}
	if (pool->num_vfs == 0) {
		vsw_errmsg_set(em, "vm %s: its NIC switch has no VF", a->name);
		return -ENODEV;
	}
	if (vf != VSW_VM_VF_ANY && vf >= pool->num_vfs) {
		vsw_errmsg_set(em, "vm %s: vf %u: the NIC switch has VFs 0..%u", a->name, vf,
		               pool->num_vfs - 1);
		return -EINVAL;
	}
	if (a->path != VSW_VM_PATH_SYNTHETIC || a->waiting_vf != VSW_VM_VF_NONE) {
		vsw_errmsg_set(em, "vm %s: already %s%s", a->name, vsw_vm_path_name(a->path),
		               a->waiting_vf != VSW_VM_VF_NONE ? ", waiting for a VF" : "");
		return -EALREADY;
	}
	rc = choose_vf(pool, a, vf, &chosen, em);
	if (rc < 0)
		return rc;
	if (pool->owner[chosen] == VSW_VM_VF_NONE) {
		pool->owner[chosen] = idx;
		a->vf = chosen;
		begin(a, VSW_VM_PATH_ATTACHING, VSW_VM_CHANGE_ATTACH, now_ns);
		return 0;
	}
	/* Taken from a lower priority: that guest moves back first, losslessly. */
	holder = &pool->adapters[pool->owner[chosen]];
	a->waiting_vf = chosen;
	if (holder->path == VSW_VM_PATH_VF || holder->path == VSW_VM_PATH_ATTACHING)
		begin(holder, VSW_VM_PATH_DETACHING, VSW_VM_CHANGE_DETACH, now_ns);
	return 0;
}

int
vsw_vm_detach(struct vsw_vm_pool *pool, uint16_t idx, uint64_t now_ns, struct vsw_errmsg *em)
{
	struct vsw_vm_adapter *a = adapter_of(pool, idx);

	if (a == NULL) {
		vsw_errmsg_set(em, "vm adapter: no such adapter");
		return -EINVAL;
	}
	if (a->waiting_vf != VSW_VM_VF_NONE) {
		a->waiting_vf = VSW_VM_VF_NONE;
		return 0;
	}
	if (a->path == VSW_VM_PATH_SYNTHETIC || a->path == VSW_VM_PATH_DETACHING) {
		vsw_errmsg_set(em, "vm %s: already %s", a->name, vsw_vm_path_name(a->path));
		return -EALREADY;
	}
	begin(a, VSW_VM_PATH_DETACHING, VSW_VM_CHANGE_DETACH, now_ns);
	return 0;
}

void
vsw_vm_guest_sent(struct vsw_vm_pool *pool, uint16_t idx, bool is_vf, uint64_t now_ns)
{
	struct vsw_vm_adapter *a = adapter_of(pool, idx);

	if (a == NULL)
		return;
	switch (a->path) {
	case VSW_VM_PATH_ATTACHING:
		if (is_vf)
			settle(a, VSW_VM_PATH_VF, VSW_VM_CHANGE_ATTACH, now_ns);
		break;
	case VSW_VM_PATH_DETACHING:
		if (!is_vf)
			to_synthetic(pool, a, VSW_VM_CHANGE_DETACH, now_ns);
		break;
	case VSW_VM_PATH_VF:
		if (!is_vf)
			to_synthetic(pool, a, VSW_VM_CHANGE_FAILOVER, now_ns);
		break;
	case VSW_VM_PATH_SYNTHETIC:
		break;
	}
}

void
vsw_vm_vf_lost(struct vsw_vm_pool *pool, uint16_t idx, uint64_t now_ns)
{
	struct vsw_vm_adapter *a = adapter_of(pool, idx);

	/* Attaching, the VF's device is still being plugged into the VM: its link may come and
	 * go, and the synthetic path carries the guest's frames meanwhile anyway. */
	if (a == NULL || a->path == VSW_VM_PATH_SYNTHETIC || a->path == VSW_VM_PATH_ATTACHING)
		return;
	/* A planned detach whose VF goes is simply done; anything else is a surprise. */
	to_synthetic(pool, a,
	             a->path == VSW_VM_PATH_DETACHING ? VSW_VM_CHANGE_DETACH
	                                              : VSW_VM_CHANGE_FAILOVER,
	             now_ns);
}

void
vsw_vm_tick(struct vsw_vm_pool *pool, uint64_t now_ns)
{
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		struct vsw_vm_adapter *a = &pool->adapters[i];

		if (a->is_used && a->path == VSW_VM_PATH_DETACHING &&
		    now_ns - a->change_started_ns >= VSW_VM_DETACH_TIMEOUT_NS) {
			a->stats.forced++;
			to_synthetic(pool, a, VSW_VM_CHANGE_DETACH, now_ns);
		}
	}
}

const char *
vsw_vm_path_name(enum vsw_vm_path path)
{
	switch (path) {
	case VSW_VM_PATH_SYNTHETIC:
		return "synthetic";
	case VSW_VM_PATH_ATTACHING:
		return "attaching";
	case VSW_VM_PATH_VF:
		return "vf";
	case VSW_VM_PATH_DETACHING:
		return "detaching";
	}
	return "?";
}

const char *
vsw_vm_change_name(enum vsw_vm_change change)
{
	switch (change) {
	case VSW_VM_CHANGE_NONE:
		return "none";
	case VSW_VM_CHANGE_ATTACH:
		return "attach";
	case VSW_VM_CHANGE_DETACH:
		return "detach";
	case VSW_VM_CHANGE_FAILOVER:
		return "failover";
	}
	return "?";
}
