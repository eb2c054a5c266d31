/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM adapters and their data path (R-DP-2..5):
 *   vm attach-vf <port> [vf <n>]      give the VM a VF (any free one, or VF n)
 *   vm detach-vf <port>               planned move back to the synthetic path
 *   vm set <port> vf-priority <n>     who keeps a VF when there are too few
 *   vm announce <port>                a RARP from each of its MACs (after a migration)
 *   show vm datapath                  each VM port's path, VF, counters and last change
 * Replies as text or (vswctl --json) JSON. Control thread only.
 */
#include "vsw/vm.h"

#include <errno.h>
#include <inttypes.h>

#include <cmdline_parse_num.h>

#include "cli_priv.h"
#include "vsw/control.h"

struct vm_result {
	cmdline_fixed_string_t vm;
	cmdline_fixed_string_t verb;
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t what;
	uint16_t n;
};

struct show_vm_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t vm;
	cmdline_fixed_string_t datapath;
};

#define VM_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct vm_result, field, str)

static cmdline_parse_token_string_t tok_vm = VM_TOKEN(vm, "vm");
static cmdline_parse_token_string_t tok_attach = VM_TOKEN(verb, "attach-vf");
static cmdline_parse_token_string_t tok_detach = VM_TOKEN(verb, "detach-vf");
static cmdline_parse_token_string_t tok_set = VM_TOKEN(verb, "set");
static cmdline_parse_token_string_t tok_announce = VM_TOKEN(verb, "announce");
static cmdline_parse_token_string_t tok_port = VM_TOKEN(port, NULL);
static cmdline_parse_token_string_t tok_vf = VM_TOKEN(what, "vf");
static cmdline_parse_token_string_t tok_priority = VM_TOKEN(what, "vf-priority");
static cmdline_parse_token_num_t tok_n = TOKEN_NUM_INITIALIZER(struct vm_result, n, RTE_UINT16);
static cmdline_parse_token_string_t tok_show =
        TOKEN_STRING_INITIALIZER(struct show_vm_result, show, "show");
static cmdline_parse_token_string_t tok_show_vm =
        TOKEN_STRING_INITIALIZER(struct show_vm_result, vm, "vm");
static cmdline_parse_token_string_t tok_datapath =
        TOKEN_STRING_INITIALIZER(struct show_vm_result, datapath, "datapath");

static void
answer(struct cmdline *cl, int rc, const struct vsw_errmsg *em, const char *port, const char *ok)
{
	if (rc < 0) {
		vsw_cli_error(cl, rc, "%s", em->msg);
		return;
	}
	vsw_cli_done(cl, "vm %s: %s", port, ok);
}

/* Where an attach stands right after the command: started, or waiting for a holder. */
static const char *
attach_outcome(const char *port)
{
	const struct vsw_port *p = vsw_ctl_port_find(port);
	const struct vsw_vm_adapter *a = p != NULL ? vsw_ctl_vm_get(p->index, NULL) : NULL;

	if (a != NULL && a->waiting_vf != VSW_VM_VF_NONE)
		return "waiting for a lower-priority VM to release its VF";
	return "attaching, the VF path starts when the guest uses it";
}

static void
attach_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vm_result *res = parsed;
	struct vsw_errmsg em = {0};
	int rc;

	rc = vsw_ctl_vm_attach(res->port, data != NULL ? res->n : VSW_VM_VF_ANY, &em);
	answer(cl, rc, &em, res->port, rc == 0 ? attach_outcome(res->port) : "");
}

static void
detach_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vm_result *res = parsed;
	struct vsw_errmsg em = {0};

	RTE_SET_USED(data);
	answer(cl, vsw_ctl_vm_detach(res->port, &em), &em, res->port,
	       "detaching, the VF goes when the guest is back on the synthetic path");
}

static void
set_priority_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vm_result *res = parsed;
	struct vsw_errmsg em = {0};

	RTE_SET_USED(data);
	answer(cl, vsw_ctl_vm_set_priority(res->port, res->n, &em), &em, res->port,
	       "vf priority set");
}

static void
announce_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct vm_result *res = parsed;
	struct vsw_errmsg em = {0};

	RTE_SET_USED(data);
	answer(cl, vsw_ctl_vm_announce(res->port, &em), &em, res->port, "announced");
}

/* One adapter as `show vm datapath` prints it; absent VFs and VPorts are null in JSON. */
static void
datapath_json(struct vsw_json *j, const struct vsw_port *p, const struct vsw_vm_adapter *a,
              uint16_t vport_id)
{
	vsw_json_obj(j, NULL);
	vsw_json_str(j, "port", p->name);
	vsw_json_str(j, "path", vsw_vm_path_name(a->path));
	if (a->vf != VSW_VM_VF_NONE)
		vsw_json_u64(j, "vf", a->vf);
	else
		vsw_json_null(j, "vf");
	if (vport_id != VSW_VPORT_NONE)
		vsw_json_u64(j, "vport", vport_id);
	else
		vsw_json_null(j, "vport");
	vsw_json_u64(j, "priority", a->priority);
	vsw_json_u64(j, "attaches", a->stats.attaches);
	vsw_json_u64(j, "detaches", a->stats.detaches);
	vsw_json_u64(j, "failovers", a->stats.failovers);
	vsw_json_u64(j, "forced", a->stats.forced);
	vsw_json_str(j, "last_change", vsw_vm_change_name(a->stats.last_change));
	vsw_json_u64(j, "last_change_us", a->stats.last_change_ns / 1000);
	vsw_json_u64(j, "last_change_lost", a->stats.last_change_lost);
	if (a->waiting_vf != VSW_VM_VF_NONE)
		vsw_json_u64(j, "waiting_vf", a->waiting_vf);
	else
		vsw_json_null(j, "waiting_vf");
	vsw_json_close(j, '}');
}

static void
datapath_text(struct cmdline *cl, const struct vsw_port *p, const struct vsw_vm_adapter *a,
              uint16_t vport_id)
{
	char vf[8] = "-", vport[8] = "-", waiting[8] = "-";

	if (a->vf != VSW_VM_VF_NONE)
		snprintf(vf, sizeof(vf), "%u", a->vf);
	if (vport_id != VSW_VPORT_NONE)
		snprintf(vport, sizeof(vport), "%u", vport_id);
	if (a->waiting_vf != VSW_VM_VF_NONE)
		snprintf(waiting, sizeof(waiting), "%u", a->waiting_vf);
	cmdline_printf(cl,
	               "%-12s %-9s %3s %5s %4u %8" PRIu64 " %8" PRIu64 " %9" PRIu64 " %6" PRIu64
	               " %-8s %9.1f %5" PRIu64 " %s\n",
	               p->name, vsw_vm_path_name(a->path), vf, vport, a->priority,
	               a->stats.attaches, a->stats.detaches, a->stats.failovers, a->stats.forced,
	               vsw_vm_change_name(a->stats.last_change), a->stats.last_change_ns / 1e6,
	               a->stats.last_change_lost, waiting);
}

static void
show_datapath_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const bool is_json = vsw_cli_is_json();
	struct vsw_json j;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (is_json) {
		vsw_json_begin(&j, cl);
		vsw_json_arr(&j, "vms");
	} else {
		cmdline_printf(cl, "%-12s %-9s %3s %5s %4s %8s %8s %9s %6s %-8s %9s %5s %s\n",
		               "port", "path", "vf", "vport", "prio", "attaches", "detaches",
		               "failovers", "forced", "last", "last_ms", "lost", "waiting_vf");
	}
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);
		uint16_t vport_id;
		const struct vsw_vm_adapter *a = p != NULL ? vsw_ctl_vm_get(i, &vport_id) : NULL;

		if (a == NULL)
			continue;
		if (is_json)
			datapath_json(&j, p, a, vport_id);
		else
			datapath_text(cl, p, a, vport_id);
	}
	if (is_json) {
		vsw_json_close(&j, ']');
		vsw_json_end(&j);
	}
}

static int attach_with_vf = 1;

static cmdline_parse_inst_t cmd_attach_any = {
        .f = attach_parsed,
        .help_str = "vm attach-vf <port>: give the VM a free VF, or a lower priority's",
        .tokens = {(void *)&tok_vm, (void *)&tok_attach, (void *)&tok_port, NULL},
};

static cmdline_parse_inst_t cmd_attach_vf = {
        .f = attach_parsed,
        .data = &attach_with_vf,
        .help_str = "vm attach-vf <port> vf <n>: give the VM VF n",
        .tokens = {(void *)&tok_vm, (void *)&tok_attach, (void *)&tok_port, (void *)&tok_vf,
                   (void *)&tok_n, NULL},
};

static cmdline_parse_inst_t cmd_detach = {
        .f = detach_parsed,
        .help_str = "vm detach-vf <port>: move the VM back to the synthetic path, losslessly",
        .tokens = {(void *)&tok_vm, (void *)&tok_detach, (void *)&tok_port, NULL},
};

static cmdline_parse_inst_t cmd_set_priority = {
        .f = set_priority_parsed,
        .help_str = "vm set <port> vf-priority <0..1000>: a higher one takes a lower's VF",
        .tokens = {(void *)&tok_vm, (void *)&tok_set, (void *)&tok_port, (void *)&tok_priority,
                   (void *)&tok_n, NULL},
};

static cmdline_parse_inst_t cmd_announce = {
        .f = announce_parsed,
        .help_str = "vm announce <port>: a RARP from each of its MACs, out of every port",
        .tokens = {(void *)&tok_vm, (void *)&tok_announce, (void *)&tok_port, NULL},
};

static cmdline_parse_inst_t cmd_show_datapath = {
        .f = show_datapath_parsed,
        .help_str = "show vm datapath: each VM's path (synthetic or VF) and its changes",
        .tokens = {(void *)&tok_show, (void *)&tok_show_vm, (void *)&tok_datapath, NULL},
};

cmdline_parse_inst_t *vsw_cli_vm_cmds[] = {
        &cmd_attach_any, &cmd_attach_vf,     &cmd_detach, &cmd_set_priority,
        &cmd_announce,   &cmd_show_datapath, NULL,
};
