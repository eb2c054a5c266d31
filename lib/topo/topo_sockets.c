/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where vswd's unix sockets may be and who may open them: the top-level `socket_dirs` and
 * `vhost_sockets` sections of a topology, and the whole-file check that every socket vswd
 * listens on (the control socket, server-mode vhost-user ports, an emulated NIC switch's VF
 * sockets) lies inside socket_dirs when the file sets it. Owners and groups given by name
 * are looked up here, so a file naming an unknown user is refused before vswd starts.
 * Control thread and tests; no DPDK.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "topo_yaml.h"
#include "vsw/sockpath.h"

enum { VHOST_SOCKETS_OWNER, VHOST_SOCKETS_GROUP, VHOST_SOCKETS_MODE, VHOST_SOCKETS_N };
static const char *const vhost_sockets_keys[VHOST_SOCKETS_N] = {"owner", "group", "mode"};

/* Biggest uid or gid written as a number: below (uid_t)-1, which chown reads as "keep". */
#define ID_NUMBER_MAX 4294967294UL

int
topo_parse_socket_dirs(struct topo_parse *p, const yaml_node_t *node)
{
	struct vsw_topo *t = p->topo;
	unsigned int n;
	int ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "socket_dirs");

	if (ret < 0)
		return ret;
	p->marks.socket_dirs = topo_node_mark(node);
	n = topo_seq_len(node);
	if (n == 0 || n > VSW_SOCKET_DIRS_MAX)
		return topo_node_fail(p, node, "socket_dirs has %u entries, expected 1..%d", n,
		                      VSW_SOCKET_DIRS_MAX);
	for (unsigned int i = 0; i < n && ret == 0; i++)
		ret = topo_copy_path(p, topo_seq_item(p, node, i), "socket_dirs entry",
		                     t->socket_dirs[i]);
	t->n_socket_dirs = ret == 0 ? n : 0;
	return ret;
}

/* A user or group, by name or number; @p is_user picks the database. */
static int
get_id(struct topo_parse *p, const yaml_node_t *node, const char *field, bool is_user, char *name,
       uint32_t *id)
{
	unsigned long num;
	int ret = topo_copy_string(p, node, field, name, VSW_SOCK_ID_NAME_SIZE);

	if (ret < 0)
		return ret;
	if (topo_uint_parse(name, ID_NUMBER_MAX, &num) == 0) {
		*id = (uint32_t)num;
		return 0;
	}
	if (is_user) {
		const struct passwd *pw = getpwnam(name);

		if (pw != NULL) {
			*id = (uint32_t)pw->pw_uid;
			return 0;
		}
	} else {
		const struct group *gr = getgrnam(name);

		if (gr != NULL) {
			*id = (uint32_t)gr->gr_gid;
			return 0;
		}
	}
	return topo_node_fail(p, node,
	                      "%s '%s': no such %s on this host, expected a %s name or "
	                      "number",
	                      field, name, is_user ? "user" : "group", is_user ? "user" : "group");
}

/* Permission bits in octal ("0660", "660"), at most 0777. */
static int
get_mode(struct topo_parse *p, const yaml_node_t *node, uint32_t *mode)
{
	const char *s;
	char *end;
	unsigned long v;
	int ret = topo_get_string(p, node, "vhost_sockets.mode", &s);

	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (s[0] < '0' || s[0] > '7' || *end != '\0' || errno != 0 || v > 0777)
		return topo_node_fail(p, node,
		                      "invalid vhost_sockets.mode '%s', expected octal permission "
		                      "bits 0000..0777",
		                      s);
	*mode = (uint32_t)v;
	return 0;
}

int
topo_parse_vhost_sockets(struct topo_parse *p, const yaml_node_t *node)
{
	struct topo_map m = {.section = " in vhost_sockets",
	                     .names = vhost_sockets_keys,
	                     .n_names = VHOST_SOCKETS_N};
	struct vsw_sock_perms *perms = &p->topo->vhost_sockets;
	const yaml_node_t *const *v = m.values;
	int ret = topo_map_read(p, node, "vhost_sockets", &m);

	if (ret == 0 && v[VHOST_SOCKETS_OWNER] != NULL) {
		perms->has_owner = true;
		ret = get_id(p, v[VHOST_SOCKETS_OWNER], "vhost_sockets.owner", true, perms->owner,
		             &perms->uid);
	}
	if (ret == 0 && v[VHOST_SOCKETS_GROUP] != NULL) {
		perms->has_group = true;
		ret = get_id(p, v[VHOST_SOCKETS_GROUP], "vhost_sockets.group", false, perms->group,
		             &perms->gid);
	}
	if (ret == 0 && v[VHOST_SOCKETS_MODE] != NULL) {
		perms->has_mode = true;
		ret = get_mode(p, v[VHOST_SOCKETS_MODE], &perms->mode);
	}
	return ret;
}

static int
outside(const struct vsw_topo *topo, struct vsw_errmsg *err, struct vsw_topo_mark mark,
        const char *what, const char *path)
{
	char dirs[VSW_SOCKET_DIRS_MAX * (VSW_PATH_SIZE + 2)] = "";

	for (unsigned int i = 0; i < topo->n_socket_dirs; i++) {
		strcat(dirs, i > 0 ? ", " : "");
		strcat(dirs, topo->socket_dirs[i]);
	}
	return topo_fail(topo, err, mark,
	                 "%s %s is outside socket_dirs, expected a path in %s (without '.', '..' "
	                 "or '//')",
	                 what, path, dirs);
}

int
topo_validate_sockets(const struct vsw_topo *topo, const struct topo_marks *marks,
                      struct vsw_errmsg *err)
{
	const char(*dirs)[VSW_PATH_SIZE] = topo->socket_dirs;
	const unsigned int n = topo->n_socket_dirs;
	char what[VSW_NAME_SIZE + 32];

	if (n == 0)
		return 0;
	if (!vsw_sockpath_is_within(topo->control_socket, dirs, n))
		return outside(topo, err,
		               marks->control_socket.line != 0 ? marks->control_socket
		                                               : marks->socket_dirs,
		               marks->control_socket.line != 0 ? "control.socket"
		                                               : "control socket (the default)",
		               topo->control_socket);
	for (unsigned int i = 0; i < topo->n_ports; i++) {
		const struct vsw_topo_port *port = &topo->ports[i];

		/* A client-mode socket is the VM's: QEMU creates it where its own policy says. */
		if (port->type != VSW_PORT_SYNTHETIC || port->vhost_mode != VSW_VHOST_SERVER ||
		    vsw_sockpath_is_within(port->vhost_path, dirs, n))
			continue;
		(void)snprintf(what, sizeof(what), "port '%s': vhost.path", port->name);
		return outside(topo, err, marks->port[i].vhost_path, what, port->vhost_path);
	}
	for (unsigned int i = 0; i < topo->n_nicsws; i++) {
		const struct vsw_topo_nicsw *sw = &topo->nicsws[i];
		char probe[VSW_PATH_SIZE + 2];

		if (sw->backend != VSW_NICSW_BACKEND_EMULATED || sw->num_vfs == 0 ||
		    sw->n_vf_netdevs == sw->num_vfs)
			continue;
		/* VF sockets are files in this directory: it must be one or lie inside one. */
		(void)snprintf(probe, sizeof(probe), "%s%sx", sw->vf_socket_dir,
		               sw->vf_socket_dir[strlen(sw->vf_socket_dir) - 1] == '/' ? "" : "/");
		if (vsw_sockpath_is_within(probe, dirs, n))
			continue;
		(void)snprintf(what, sizeof(what), "nic switch '%s': vf_socket_dir", sw->name);
		return outside(topo, err, marks->nicsw[i].vf_socket_dir, what, sw->vf_socket_dir);
	}
	return 0;
}
