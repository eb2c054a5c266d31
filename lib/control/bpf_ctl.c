/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eBPF extensions, control side (include/vsw/bpf_ext.h): load an ELF object with librte_bpf
 * (its verifier and x86-64 JIT), once per worker so that each worker's instance is bound to
 * its own context and counters; insert it into the extension stack and publish; and the
 * reverse, freeing only after a QSBR grace period. Control thread only.
 *
 * librte_bpf explains a refusal (a bad ELF, a verifier rejection) only in the DPDK log. Its
 * log lines are captured while it loads, passed on to the log as usual, and the last of them
 * becomes the reason the caller sees.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bpf.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ctl_priv.h"
#include "vsw/bpf_ext.h"
#include "vsw/ext.h"

/* ELF: magic, 64-bit, and EM_BPF (247) in e_machine at byte 18 (little endian). */
#define ELF_MACHINE_OFF 18
#define ELF_EM_BPF 247
#define ELF_HDR_SIZE 64

/* Loaded eBPF extensions; their order in the stack is the stack's business. */
static struct vsw_bpf_ext *loaded[VSW_EXT_MAX];

static int
loaded_index(const char *name)
{
	for (int i = 0; i < VSW_EXT_MAX; i++)
		if (loaded[i] != NULL && strcmp(loaded[i]->name, name) == 0)
			return i;
	return -ENOENT;
}

const struct vsw_bpf_ext *
vsw_bpf_ext_find(const char *name)
{
	const int i = name != NULL ? loaded_index(name) : -ENOENT;

	return i < 0 ? NULL : loaded[i];
}

/* An object librte_bpf could take: readable, ELF64, for the BPF machine. */
static int
check_object(const char *file, struct vsw_errmsg *em)
{
	uint8_t hdr[ELF_HDR_SIZE];
	FILE *f = fopen(file, "rb");
	size_t n;

	if (f == NULL) {
		const int rc = -errno;

		vsw_errmsg_set(em, "cannot open %s: %s", file, strerror(errno));
		return rc;
	}
	n = fread(hdr, 1, sizeof(hdr), f);
	(void)fclose(f);
	if (n < sizeof(hdr) || memcmp(hdr, "\177ELF", 4) != 0 || hdr[4] != 2 /* ELFCLASS64 */) {
		vsw_errmsg_set(em, "%s is not a 64-bit ELF object", file);
		return -EINVAL;
	}
	if ((hdr[ELF_MACHINE_OFF] | hdr[ELF_MACHINE_OFF + 1] << 8) != ELF_EM_BPF) {
		vsw_errmsg_set(em,
		               "%s is not an eBPF object (e_machine %u; build it with clang "
		               "-target bpf)",
		               file, hdr[ELF_MACHINE_OFF] | hdr[ELF_MACHINE_OFF + 1] << 8);
		return -EINVAL;
	}
	return 0;
}

/*
 * The reason in librte_bpf's log lines @p log: every line but its closing "rte_bpf_elf_load(...)
 * failed" (which names the file, already in the message), joined with "; ".
 */
static void
reason_of(const char *log, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *line = log; *line != '\0' && used + 1 < size;) {
		const size_t len = strcspn(line, "\n");

		if (len != 0 && strncmp(line, "rte_bpf_elf_load(", 17) != 0) {
			const int n = snprintf(out + used, size - used, "%s%.*s",
			                       used != 0 ? "; " : "", (int)len, line);

			used = n < 0 ? used : RTE_MIN(size - 1, used + (size_t)n);
		}
		line += len + (line[len] == '\n');
	}
}

/*
 * rte_bpf_elf_load() with its log captured. Another thread logging meanwhile lands in the
 * capture too and is passed on with it: nothing is lost, only the reason may be imprecise.
 */
static struct rte_bpf *
load_captured(const struct rte_bpf_prm *prm, const struct vsw_bpf_ext *e, char *reason, size_t size)
{
	FILE *prev = rte_log_get_stream();
	char *log = NULL;
	size_t log_size = 0;
	FILE *capture = open_memstream(&log, &log_size);
	struct rte_bpf *bpf;
	int err;

	if (capture != NULL)
		(void)rte_openlog_stream(capture);
	bpf = rte_bpf_elf_load(prm, e->file, e->section);
	err = rte_errno;
	if (capture != NULL) {
		(void)rte_openlog_stream(prev);
		(void)fclose(capture);
		if (log != NULL && log[0] != '\0') {
			fputs(log, prev);
			reason_of(log, reason, size);
		}
		free(log);
	}
	rte_errno = err;
	return bpf;
}

static void
ext_free(struct vsw_bpf_ext *e)
{
	for (unsigned int w = 0; w < e->n_workers; w++) {
		if (e->workers[w].bpf != NULL)
			rte_bpf_destroy(e->workers[w].bpf);
		rte_free(e->workers[w].counters);
	}
	rte_free(e);
}

/* Worker @p w's instance: its program bound to its own vsw_ctx and vsw_counters. */
static int
load_instance(struct vsw_bpf_ext *e, unsigned int w, struct vsw_errmsg *em)
{
	struct vsw_bpf_worker *wk = &e->workers[w];
	const struct rte_bpf_xsym xsyms[] = {
	        {.name = "vsw_ctx",
	         .type = RTE_BPF_XTYPE_VAR,
	         .var = {.val = &wk->ctx,
	                 .desc = {.type = RTE_BPF_ARG_PTR, .size = sizeof(wk->ctx)}}},
	        {.name = "vsw_params",
	         .type = RTE_BPF_XTYPE_VAR,
	         .var = {.val = e->params,
	                 .desc = {.type = RTE_BPF_ARG_PTR, .size = sizeof(e->params)}}},
	        {.name = "vsw_counters",
	         .type = RTE_BPF_XTYPE_VAR,
	         .var = {.val = NULL,
	                 .desc = {.type = RTE_BPF_ARG_PTR,
	                          .size = VSW_BPF_COUNTERS * sizeof(uint64_t)}}},
	};
	struct rte_bpf_prm prm = {
	        .xsym = xsyms,
	        .nb_xsym = RTE_DIM(xsyms),
	        /* The frame window the verifier allows, counted from its assumed headroom. */
	        .prog_arg = {.type = RTE_BPF_ARG_PTR_MBUF,
	                     .size = sizeof(struct rte_mbuf),
	                     .buf_size = RTE_PKTMBUF_HEADROOM + VSW_BPF_WINDOW},
	};
	struct rte_bpf_xsym *counters = (struct rte_bpf_xsym *)(uintptr_t)&xsyms[2];
	char reason[VSW_ERRMSG_SIZE / 2] = "";
	struct rte_bpf_jit jit = {0};

	wk->counters = rte_zmalloc("vsw_bpf_counters", VSW_BPF_COUNTERS * sizeof(uint64_t),
	                           RTE_CACHE_LINE_SIZE);
	if (wk->counters == NULL) {
		vsw_errmsg_set(em, "extension %s: out of memory", e->name);
		return -ENOMEM;
	}
	counters->var.val = wk->counters;
	wk->ctx = (struct vsw_bpf_ctx){
	        .stage = e->is_egress ? VSW_BPF_STAGE_EGRESS : VSW_BPF_STAGE_INGRESS, .worker = w};
	wk->bpf = load_captured(&prm, e, reason, sizeof(reason));
	if (wk->bpf == NULL) {
		const int rc = rte_errno == ENOMEM ? -ENOMEM : -EINVAL;

		vsw_errmsg_set(em, "extension %s: %s section %s refused by librte_bpf: %s", e->name,
		               e->file, e->section,
		               reason[0] != '\0' ? reason : rte_strerror(rte_errno));
		return rc;
	}
	if (rte_bpf_get_jit(wk->bpf, &jit) == 0)
		wk->jit = jit.func;
	return 0;
}

static int
check_params(const struct vsw_bpf_ext_params *p, uint16_t *port, struct vsw_errmsg *em)
{
	const struct vsw_port *sp;

	if (p->name[0] == '\0' || strnlen(p->name, VSW_NAME_SIZE) >= VSW_NAME_SIZE) {
		vsw_errmsg_set(em, "extension: name must be 1..%d bytes", VSW_NAME_SIZE - 1);
		return -EINVAL;
	}
	if (vsw_ext_find(p->name) >= 0) {
		vsw_errmsg_set(em, "extension %s: name already used in the stack", p->name);
		return -EEXIST;
	}
	if (p->position < -1 || p->position > (int)vsw_ext_count()) {
		vsw_errmsg_set(em, "extension %s: position %d not in -1..%u", p->name, p->position,
		               vsw_ext_count());
		return -EINVAL;
	}
	if (p->n_params > VSW_BPF_PARAMS) {
		vsw_errmsg_set(em, "extension %s: %u params, at most %d", p->name, p->n_params,
		               VSW_BPF_PARAMS);
		return -EINVAL;
	}
	if (strcmp(p->port, "all") == 0) {
		*port = VSW_BPF_PORT_ALL;
		return 0;
	}
	sp = vsw_ctl_port_find(p->port);
	if (sp == NULL) {
		vsw_errmsg_set(em, "extension %s: no port %s", p->name, p->port);
		return -ENOENT;
	}
	*port = sp->index;
	return 0;
}

/*
 * An extension bound to one port hears that port go away: from then on it matches no port,
 * so that a port created later with the same id does not inherit it. Workers no longer see
 * the port when PORT_DELETE is delivered, so no burst of it is in a hook: the store is safe.
 */
static int
on_event(void *ctx, enum vsw_nic_ev ev, const struct vsw_ext_port_info *port, struct vsw_errmsg *em)
{
	struct vsw_bpf_ext *e = ctx;

	RTE_SET_USED(em);
	if (ev == VSW_NIC_EV_PORT_DELETE && e->port == port->index) {
		__atomic_store_n(&e->port, VSW_BPF_PORT_DETACHED, __ATOMIC_RELAXED);
		CTL_LOG(WARNING, "extension %s: port %s deleted: the program runs on no port now",
		        e->name, port->name);
	}
	return 0;
}

static struct vsw_bpf_ext *
ext_alloc(const struct vsw_bpf_ext_params *p, uint16_t port)
{
	const unsigned int n_workers = vsw_dp_n_workers();
	struct vsw_bpf_ext *e = rte_zmalloc(
	        "vsw_bpf_ext", sizeof(*e) + n_workers * sizeof(e->workers[0]), RTE_CACHE_LINE_SIZE);

	if (e == NULL)
		return NULL;
	e->n_workers = n_workers;
	snprintf(e->name, sizeof(e->name), "%s", p->name);
	snprintf(e->file, sizeof(e->file), "%s", p->file);
	snprintf(e->section, sizeof(e->section), "%s",
	         p->section[0] != '\0' ? p->section : VSW_BPF_SECTION_DEFAULT);
	snprintf(e->port_name, sizeof(e->port_name), "%s", p->port);
	e->port = port;
	e->is_egress = p->is_egress;
	memcpy(e->params, p->params, p->n_params * sizeof(p->params[0]));
	e->ops.name = e->name;
	e->ops.on_event = on_event;
	if (p->is_egress)
		e->ops.egress = vsw_bpf_ext_run;
	else
		e->ops.ingress = vsw_bpf_ext_run;
	return e;
}

static int
free_slot(void)
{
	for (int i = 0; i < VSW_EXT_MAX; i++)
		if (loaded[i] == NULL)
			return i;
	return -ENOSPC;
}

int
vsw_bpf_ext_load(const struct vsw_bpf_ext_params *p, struct vsw_errmsg *em)
{
	struct vsw_bpf_ext *e;
	struct vsw_dp_cfg *cfg;
	uint16_t port;
	int rc, slot;

	rc = check_params(p, &port, em);
	if (rc == 0)
		rc = check_object(p->file, em);
	if (rc < 0)
		goto err_log;
	slot = free_slot();
	if (slot < 0) {
		vsw_errmsg_set(em, "extension %s: %d extensions already", p->name, VSW_EXT_MAX);
		rc = slot;
		goto err_log;
	}
	cfg = vsw_ctl_cfg_reserve(em);
	e = cfg != NULL ? ext_alloc(p, port) : NULL;
	if (e == NULL) {
		vsw_errmsg_set(em, "extension %s: out of memory", p->name);
		rc = -ENOMEM;
		goto err_cfg;
	}
	e->is_jit = true;
	for (unsigned int w = 0; w < e->n_workers && rc == 0; w++) {
		rc = load_instance(e, w, em);
		e->is_jit = e->is_jit && e->workers[w].jit != NULL;
	}
	if (rc == 0)
		rc = vsw_ext_register(&e->ops, e, p->position, em);
	if (rc < 0)
		goto err_free;
	loaded[slot] = e;
	vsw_ctl_cfg_publish(cfg);
	CTL_LOG(NOTICE, "extension %s: loaded %s section %s on %s %s%s", e->name, e->file,
	        e->section, e->port_name, e->is_egress ? "egress" : "ingress",
	        e->is_jit ? " (jit)" : " (interpreted)");
	return 0;

err_free:
	ext_free(e);
err_cfg:
	vsw_dp_cfg_free(cfg);
err_log:
	CTL_LOG(ERR, "%s", em != NULL ? em->msg : "extension load refused");
	return rc;
}

int
vsw_bpf_ext_unload(const char *name, struct vsw_errmsg *em)
{
	const int slot = name != NULL ? loaded_index(name) : -ENOENT;
	struct vsw_bpf_ext *e;
	struct vsw_dp_cfg *cfg;
	int rc;

	if (slot < 0) {
		vsw_errmsg_set(em, "extension %s: no eBPF extension of that name",
		               name != NULL ? name : "");
		return -ENOENT;
	}
	/* Reserved first: out of memory must refuse the unload, not leave it half done. */
	cfg = vsw_ctl_cfg_reserve(em);
	if (cfg == NULL)
		return -ENOMEM;
	e = loaded[slot];
	rc = vsw_ext_unregister(e->name, em);
	if (rc < 0) {
		vsw_dp_cfg_free(cfg);
		return rc;
	}
	loaded[slot] = NULL;
	/* Returns after a grace period: no worker runs the program or holds a pointer to it. */
	vsw_ctl_cfg_publish(cfg);
	CTL_LOG(NOTICE, "extension %s: unloaded", e->name);
	ext_free(e);
	return 0;
}

void
vsw_bpf_ext_unload_all(void)
{
	for (int i = 0; i < VSW_EXT_MAX; i++)
		if (loaded[i] != NULL)
			(void)vsw_bpf_ext_unload(loaded[i]->name, NULL);
}

int
vsw_bpf_ext_set_param(const char *name, unsigned int index, uint64_t value, struct vsw_errmsg *em)
{
	const int slot = name != NULL ? loaded_index(name) : -ENOENT;

	if (slot < 0) {
		vsw_errmsg_set(em, "extension %s: no eBPF extension of that name",
		               name != NULL ? name : "");
		return -ENOENT;
	}
	if (index >= VSW_BPF_PARAMS) {
		vsw_errmsg_set(em, "extension %s: param %u not in 0..%d", name, index,
		               VSW_BPF_PARAMS - 1);
		return -EINVAL;
	}
	/* One aligned 64-bit store: programs see the old or the new value, never a mix. */
	__atomic_store_n(&loaded[slot]->params[index], value, __ATOMIC_RELAXED);
	CTL_LOG(INFO, "extension %s: param %u = %" PRIu64, name, index, value);
	return 0;
}

void
vsw_bpf_ext_stats(const struct vsw_bpf_ext *e, struct vsw_bpf_ext_stats *out)
{
	uint64_t *sum = (uint64_t *)out;

	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < e->n_workers; w++) {
		const uint64_t *c = (const uint64_t *)&e->workers[w].stats;

		for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
			sum[i] += __atomic_load_n(&c[i], __ATOMIC_RELAXED);
	}
}

uint64_t
vsw_bpf_ext_counter(const struct vsw_bpf_ext *e, unsigned int index)
{
	uint64_t sum = 0;

	if (index >= VSW_BPF_COUNTERS)
		return 0;
	for (unsigned int w = 0; w < e->n_workers; w++)
		sum += __atomic_load_n(&e->workers[w].counters[index], __ATOMIC_RELAXED);
	return sum;
}

static_assert(VSW_TOPO_EXT_PARAMS_MAX == VSW_BPF_PARAMS, "topology params are vsw_params");

int
vsw_ctl_bpf_load_topo_ext(const struct vsw_topo_ext *te, struct vsw_errmsg *em)
{
	struct vsw_bpf_ext_params p = {
	        .is_egress = te->is_egress, .position = te->position, .n_params = te->n_params};

	memcpy(p.name, te->name, sizeof(p.name));
	memcpy(p.file, te->file, sizeof(p.file));
	memcpy(p.section, te->section, sizeof(p.section));
	memcpy(p.port, te->port, sizeof(p.port));
	memcpy(p.params, te->params, sizeof(p.params));
	return vsw_bpf_ext_load(&p, em);
}

int
vsw_ctl_bpf_apply_topo(const struct vsw_topo *topo, struct vsw_errmsg *em)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < topo->n_exts && rc == 0; i++)
		rc = vsw_ctl_bpf_load_topo_ext(&topo->exts[i], em);
	if (rc == 0)
		return 0;
	/* All or nothing: the ones loaded before the refused one go again. */
	for (i--; i-- > 0;)
		(void)vsw_bpf_ext_unload(topo->exts[i].name, NULL);
	return rc;
}
