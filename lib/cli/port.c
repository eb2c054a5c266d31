/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `port create` and `port delete`: switch ports at run time, while the other ports forward.
 *   port create <name> synthetic <mac> <socket path> server|client
 *   port create <name> external <devargs>
 *   port delete <name>
 * Control thread only; each maps to one control API call.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cmdline_parse_etheraddr.h>
#include <rte_ether.h>

#include "cli_priv.h"
#include "vsw/control.h"

struct port_create_vm_result {
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t create;
	cmdline_fixed_string_t name;
	cmdline_fixed_string_t type;
	struct rte_ether_addr mac;
	cmdline_fixed_string_t path;
	cmdline_fixed_string_t mode;
};

struct port_create_ext_result {
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t create;
	cmdline_fixed_string_t name;
	cmdline_fixed_string_t type;
	cmdline_fixed_string_t device;
};

struct port_delete_result {
	cmdline_fixed_string_t port;
	cmdline_fixed_string_t delete;
	cmdline_fixed_string_t name;
};

#define VM_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct port_create_vm_result, field, str)
#define EXT_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct port_create_ext_result, field, str)
#define DEL_TOKEN(field, str) TOKEN_STRING_INITIALIZER(struct port_delete_result, field, str)

static cmdline_parse_token_string_t tok_vm_port = VM_TOKEN(port, "port");
static cmdline_parse_token_string_t tok_vm_create = VM_TOKEN(create, "create");
static cmdline_parse_token_string_t tok_vm_name = VM_TOKEN(name, NULL);
static cmdline_parse_token_string_t tok_vm_type = VM_TOKEN(type, "synthetic");
static cmdline_parse_token_etheraddr_t tok_vm_mac =
        TOKEN_ETHERADDR_INITIALIZER(struct port_create_vm_result, mac);
static cmdline_parse_token_string_t tok_vm_path = VM_TOKEN(path, NULL);
static cmdline_parse_token_string_t tok_vm_mode = VM_TOKEN(mode, "server#client");
static cmdline_parse_token_string_t tok_ext_port = EXT_TOKEN(port, "port");
static cmdline_parse_token_string_t tok_ext_create = EXT_TOKEN(create, "create");
static cmdline_parse_token_string_t tok_ext_name = EXT_TOKEN(name, NULL);
static cmdline_parse_token_string_t tok_ext_type = EXT_TOKEN(type, "external");
static cmdline_parse_token_string_t tok_ext_device = EXT_TOKEN(device, NULL);
static cmdline_parse_token_string_t tok_del_port = DEL_TOKEN(port, "port");
static cmdline_parse_token_string_t tok_del_delete = DEL_TOKEN(delete, "delete");
static cmdline_parse_token_string_t tok_del_name = DEL_TOKEN(name, NULL);

/* Copy @p src into @p dst of @p size bytes; false (and an error printed) when it is too long. */
static bool
copy_word(struct cmdline *cl, char *dst, size_t size, const char *src, const char *what)
{
	if (strlen(src) >= size) {
		vsw_cli_error(cl, -ENAMETOOLONG, "%s too long: %zu bytes at most", what, size - 1);
		return false;
	}
	memcpy(dst, src, strlen(src) + 1);
	return true;
}

static void
create_port(struct cmdline *cl, const struct vsw_topo_port *tp)
{
	struct vsw_errmsg em = {0};
	int rc = vsw_ctl_port_add(tp, &em);

	if (rc < 0) {
		vsw_cli_error(cl, rc, "%s", em.msg);
		return;
	}
	vsw_cli_done(cl, "port %s created", tp->name);
}

static void
port_create_vm_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct port_create_vm_result *res = parsed;
	struct vsw_topo_port tp;

	RTE_SET_USED(data);
	vsw_topo_port_init(&tp, "", VSW_PORT_SYNTHETIC, res->mac.addr_bytes);
	if (!copy_word(cl, tp.name, sizeof(tp.name), res->name, "port name") ||
	    !copy_word(cl, tp.vhost_path, sizeof(tp.vhost_path), res->path, "socket path"))
		return;
	if (res->path[0] != '/' || rte_is_multicast_ether_addr(&res->mac) ||
	    rte_is_zero_ether_addr(&res->mac)) {
		vsw_cli_error(cl, -EINVAL, "port %s: %s", tp.name,
		              res->path[0] != '/' ? "socket path must be absolute"
		                                  : "mac must be a unicast address");
		return;
	}
	tp.vhost_mode = strcmp(res->mode, "client") == 0 ? VSW_VHOST_CLIENT : VSW_VHOST_SERVER;
	create_port(cl, &tp);
}

static void
port_create_ext_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct port_create_ext_result *res = parsed;
	struct vsw_topo_port tp;

	RTE_SET_USED(data);
	vsw_topo_port_init(&tp, "", VSW_PORT_EXTERNAL, NULL);
	if (copy_word(cl, tp.name, sizeof(tp.name), res->name, "port name") &&
	    copy_word(cl, tp.device, sizeof(tp.device), res->device, "device"))
		create_port(cl, &tp);
}

static void
port_delete_parsed(void *parsed, struct cmdline *cl, void *data)
{
	const struct port_delete_result *res = parsed;
	struct vsw_errmsg em = {0};
	int rc;

	RTE_SET_USED(data);
	rc = vsw_ctl_port_del(res->name, &em);
	if (rc < 0) {
		vsw_cli_error(cl, rc, "%s", em.msg);
		return;
	}
	vsw_cli_done(cl, "port %s deleted", res->name);
}

static cmdline_parse_inst_t cmd_port_create_vm = {
        .f = port_create_vm_parsed,
        .help_str = "port create <name> synthetic <mac> <socket> server|client: a VM port",
        .tokens = {(void *)&tok_vm_port, (void *)&tok_vm_create, (void *)&tok_vm_name,
                   (void *)&tok_vm_type, (void *)&tok_vm_mac, (void *)&tok_vm_path,
                   (void *)&tok_vm_mode, NULL},
};

static cmdline_parse_inst_t cmd_port_create_ext = {
        .f = port_create_ext_parsed,
        .help_str = "port create <name> external <devargs>: the uplink",
        .tokens = {(void *)&tok_ext_port, (void *)&tok_ext_create, (void *)&tok_ext_name,
                   (void *)&tok_ext_type, (void *)&tok_ext_device, NULL},
};

static cmdline_parse_inst_t cmd_port_delete = {
        .f = port_delete_parsed,
        .help_str = "port delete <name>: stop forwarding to it, then remove it",
        .tokens = {(void *)&tok_del_port, (void *)&tok_del_delete, (void *)&tok_del_name, NULL},
};

cmdline_parse_inst_t *vsw_cli_port_cmds[] = {
        &cmd_port_create_vm,
        &cmd_port_create_ext,
        &cmd_port_delete,
        NULL,
};
