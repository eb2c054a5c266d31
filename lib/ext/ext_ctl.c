/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The extension stack, control side (include/vsw/ext.h, R-NIC-5): registration in order,
 * lifecycle notification with veto and undo of creates, listing for the CLI.
 *
 * Control thread only; the stack is a plain array it alone writes. Workers will never read
 * it: the datapath hooks are published separately (lib/datapath). Pure C, no DPDK. lib/ext
 * uses only the vocabulary of include/vsw/lifecycle.h (an enum and an inline), never lib/port
 * code, so that lib/port can call vsw_ext_notify() and dependencies point one way.
 */
#include <errno.h>
#include <string.h>

#include "vsw/ext.h"

struct ext_entry {
	const struct vsw_ext_ops *ops;
	void *ctx;
	struct vsw_ext_stats stats;
};

/*
 * The stack, top first. is_walking is set while callbacks run: an extension that registers,
 * unregisters or notifies from its callback would shift the array under the walk, so those
 * calls are refused with -EBUSY instead.
 */
static struct {
	struct ext_entry entries[VSW_EXT_MAX];
	unsigned int n_entries;
	bool is_walking;
} stack;

static bool
ev_can_veto(enum vsw_nic_ev ev)
{
	return ev == VSW_NIC_EV_PORT_CREATE || ev == VSW_NIC_EV_NIC_CREATE;
}

/* What the extensions that accepted a vetoed create receive so that it never happened. */
static enum vsw_nic_ev
ev_undo(enum vsw_nic_ev ev)
{
	return ev == VSW_NIC_EV_PORT_CREATE ? VSW_NIC_EV_PORT_DELETE : VSW_NIC_EV_NIC_DELETE;
}

static int
refuse_busy(const char *what, struct vsw_errmsg *em)
{
	vsw_errmsg_set(em, "extension stack: %s refused: called from an extension callback", what);
	return -EBUSY;
}

int
vsw_ext_find(const char *name)
{
	if (name == NULL)
		return -ENOENT;
	for (unsigned int i = 0; i < stack.n_entries; i++) {
		if (strcmp(stack.entries[i].ops->name, name) == 0)
			return (int)i;
	}
	return -ENOENT;
}

static int
check_register(const struct vsw_ext_ops *ops, int position, struct vsw_errmsg *em)
{
	if (stack.is_walking)
		return refuse_busy("register", em);
	if (ops == NULL || ops->name == NULL || ops->name[0] == '\0' ||
	    strnlen(ops->name, VSW_NAME_SIZE) >= VSW_NAME_SIZE) {
		vsw_errmsg_set(em, "extension: register refused: name must be 1..%d bytes",
		               VSW_NAME_SIZE - 1);
		return -EINVAL;
	}
	if (vsw_ext_find(ops->name) >= 0) {
		vsw_errmsg_set(em, "extension %s: register refused: already registered", ops->name);
		return -EEXIST;
	}
	if (stack.n_entries == VSW_EXT_MAX) {
		vsw_errmsg_set(em, "extension %s: register refused: %d extensions already",
		               ops->name, VSW_EXT_MAX);
		return -ENOSPC;
	}
	if (position < -1 || position > (int)stack.n_entries) {
		vsw_errmsg_set(em, "extension %s: register refused: position %d not in -1..%u",
		               ops->name, position, stack.n_entries);
		return -EINVAL;
	}
	return 0;
}

int
vsw_ext_register(const struct vsw_ext_ops *ops, void *ctx, int position, struct vsw_errmsg *em)
{
	unsigned int pos;
	int rc;

	rc = check_register(ops, position, em);
	if (rc < 0)
		return rc;
	pos = position < 0 ? stack.n_entries : (unsigned int)position;
	memmove(&stack.entries[pos + 1], &stack.entries[pos],
	        (stack.n_entries - pos) * sizeof(stack.entries[0]));
	stack.entries[pos] = (struct ext_entry){.ops = ops, .ctx = ctx};
	stack.n_entries++;
	return 0;
}

int
vsw_ext_unregister(const char *name, struct vsw_errmsg *em)
{
	int pos;

	if (stack.is_walking)
		return refuse_busy("unregister", em);
	if (name == NULL) {
		vsw_errmsg_set(em, "extension: unregister refused: no name");
		return -EINVAL;
	}
	pos = vsw_ext_find(name);
	if (pos < 0) {
		vsw_errmsg_set(em, "extension %s: unregister refused: not registered", name);
		return -ENOENT;
	}
	stack.n_entries--;
	memmove(&stack.entries[pos], &stack.entries[pos + 1],
	        (stack.n_entries - (unsigned int)pos) * sizeof(stack.entries[0]));
	memset(&stack.entries[stack.n_entries], 0, sizeof(stack.entries[0]));
	return 0;
}

void
vsw_ext_unregister_all(void)
{
	if (stack.is_walking)
		return; /* a callback cannot empty the stack it is called from */
	memset(&stack, 0, sizeof(stack));
}

unsigned int
vsw_ext_count(void)
{
	return stack.n_entries;
}

const struct vsw_ext_ops *
vsw_ext_get(unsigned int position, struct vsw_ext_stats *stats)
{
	if (position >= stack.n_entries)
		return NULL;
	if (stats != NULL)
		*stats = stack.entries[position].stats;
	return stack.entries[position].ops;
}

void *
vsw_ext_ctx(unsigned int position)
{
	return position < stack.n_entries ? stack.entries[position].ctx : NULL;
}

/* One callback. @p reason is cleared first so that an empty one means "no reason given". */
static int
deliver(struct ext_entry *e, enum vsw_nic_ev ev, const struct vsw_ext_port_info *port,
        struct vsw_errmsg *reason)
{
	int rc;

	vsw_errmsg_clear(reason);
	e->stats.n_events++;
	if (e->ops->on_event == NULL)
		return 0;
	rc = e->ops->on_event(e->ctx, ev, port, reason);
	/* A positive return is a bug in the extension; it still means "no". */
	return rc > 0 ? -EPERM : rc;
}

static const char *
reason_or_errno(const struct vsw_errmsg *reason, int rc)
{
	return reason->msg[0] != '\0' ? reason->msg : strerror(-rc);
}

/* Creates: stop at the first veto and undo, bottom to top, what the ones above accepted. */
static int
notify_create(enum vsw_nic_ev ev, const struct vsw_ext_port_info *port, struct vsw_errmsg *em)
{
	struct vsw_errmsg reason;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < stack.n_entries; i++) {
		rc = deliver(&stack.entries[i], ev, port, &reason);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		return 0;
	stack.entries[i].stats.n_vetoes++;
	vsw_errmsg_set(em, "port %s: %s vetoed by extension %s: %s", port->name,
	               vsw_nic_ev_name(ev), stack.entries[i].ops->name,
	               reason_or_errno(&reason, rc));
	while (i-- > 0) {
		/* The undo cannot be refused either: a complaint is only counted. */
		if (deliver(&stack.entries[i], ev_undo(ev), port, &reason) != 0)
			stack.entries[i].stats.n_ignored++;
	}
	return rc;
}

/* Everything else: every extension hears it; complaints are counted, the first reported. */
static void
notify_all(enum vsw_nic_ev ev, const struct vsw_ext_port_info *port, struct vsw_errmsg *em)
{
	struct vsw_errmsg reason;
	bool is_reported = false;

	for (unsigned int i = 0; i < stack.n_entries; i++) {
		struct ext_entry *e = &stack.entries[i];
		const int rc = deliver(e, ev, port, &reason);

		if (rc == 0)
			continue;
		e->stats.n_ignored++;
		if (is_reported)
			continue;
		is_reported = true;
		vsw_errmsg_set(em, "port %s: %s: extension %s returned %d, ignored: %s", port->name,
		               vsw_nic_ev_name(ev), e->ops->name, rc, reason_or_errno(&reason, rc));
	}
}

int
vsw_ext_notify(enum vsw_nic_ev ev, const struct vsw_ext_port_info *port, struct vsw_errmsg *em)
{
	int rc = 0;

	if (stack.is_walking)
		return refuse_busy("notify", em);
	if ((unsigned int)ev >= VSW_NIC_EV_COUNT || port == NULL || port->name == NULL) {
		vsw_errmsg_set(em, "extension stack: notify refused: bad event %d or no port",
		               (int)ev);
		return -EINVAL;
	}
	vsw_errmsg_clear(em);
	stack.is_walking = true;
	if (ev_can_veto(ev))
		rc = notify_create(ev, port, em);
	else
		notify_all(ev, port, em);
	stack.is_walking = false;
	return rc;
}
