/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology loader, second half: pure checks on values. The value checks (MAC, name, path,
 * integers, enum words) are called by the parser as it reads each node; topo_validate() then
 * checks the topology as a whole, once every value is in struct vsw_topo, and points each
 * refusal at the node recorded in struct topo_marks: lcores, ports (what each type needs and
 * may not have, what ports may not share) and mirrors here, NIC switches and the ports that
 * refer to them in topo_validate_nicsw.c. Nothing here knows YAML or DPDK, so the rules can be
 * tested on plain values. Control thread and tests.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "topo_priv.h"
#include "vsw/errmsg.h"
#include "vsw/topo.h"

/* Longest word topo_edit_distance() compares; keys are at most 7 bytes. */
#define EDIT_WORD_MAX 32

int
topo_fail(const struct vsw_topo *topo, struct vsw_errmsg *err, struct vsw_topo_mark mark,
          const char *fmt, ...)
{
	char reason[VSW_ERRMSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	vsw_errmsg_set(err, "%s:%u:%u: %s", topo->file, mark.line, mark.column, reason);
	return -EINVAL;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return tolower((unsigned char)c) - 'a' + 10;
}

int
topo_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t bytes[6];

	for (unsigned int i = 0; i < 6; i++) {
		const char *b = s + (size_t)3 * i;

		/* Each test stops at a NUL, so b[1] and b[2] are read only inside the string. */
		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]))
			return -EINVAL;
		if (b[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		bytes[i] = (uint8_t)(hex_value(b[0]) << 4 | hex_value(b[1]));
	}
	memcpy(mac, bytes, sizeof(bytes));
	return 0;
}

bool
topo_mac_is_multicast(const uint8_t mac[6])
{
	return (mac[0] & 0x01) != 0;
}

bool
topo_mac_is_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, sizeof(zero)) == 0;
}

void
topo_mac_format(const uint8_t mac[6], char s[TOPO_MAC_STR_SIZE])
{
	(void)snprintf(s, TOPO_MAC_STR_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	               mac[2], mac[3], mac[4], mac[5]);
}

int
topo_name_check(const char *name)
{
	const size_t len = strnlen(name, VSW_NAME_SIZE);

	if (len == VSW_NAME_SIZE)
		return -ENAMETOOLONG;
	if (len == 0)
		return -EINVAL;
	/* Names appear in CLI commands, logs and telemetry paths: no spaces, quotes or slashes. */
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && strchr("_.-", name[i]) == NULL)
			return -EINVAL;
	return 0;
}

int
topo_path_check(const char *path)
{
	/* Relative paths would depend on the daemon's working directory, which nobody sees. */
	if (path[0] != '/')
		return -EINVAL;
	if (strnlen(path, VSW_PATH_SIZE) == VSW_PATH_SIZE)
		return -ENAMETOOLONG;
	return 0;
}

int
topo_netdev_check(const char *name)
{
	const size_t len = strnlen(name, VSW_TOPO_NETDEV_SIZE);

	if (len == VSW_TOPO_NETDEV_SIZE)
		return -ENAMETOOLONG;
	/* Linux's dev_valid_name() refuses these two; the rest keeps names shell-safe. */
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	return topo_name_check(name);
}

int
topo_uint_parse(const char *s, unsigned long max, unsigned long *value)
{
	unsigned long v = 0;
	bool is_too_large = false;

	if (s[0] == '\0')
		return -EINVAL;
	for (size_t i = 0; s[i] != '\0'; i++) {
		const unsigned long digit = (unsigned long)(s[i] - '0');

		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		/* Checked before multiplying, so that no string of digits can overflow. */
		if (v > max / 10 || (v == max / 10 && digit > max % 10))
			is_too_large = true;
		if (!is_too_large)
			v = v * 10 + digit;
	}
	if (is_too_large)
		return -ERANGE;
	*value = v;
	return 0;
}

int
topo_lcore_parse(const char *s, unsigned int *lcore)
{
	unsigned long value;
	const int ret = topo_uint_parse(s, TOPO_LCORE_ID_MAX, &value);

	if (ret == 0)
		*lcore = (unsigned int)value;
	return ret;
}

int
topo_bool_parse(const char *s, bool *value)
{
	static const char *const words[] = {"true", "True", "TRUE", "false", "False", "FALSE"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(s, words[i]) == 0) {
			*value = i < 3;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
vsw_port_type_name(enum vsw_port_type type)
{
	switch (type) {
	case VSW_PORT_EXTERNAL:
		return "external";
	case VSW_PORT_SYNTHETIC:
		return "synthetic";
	case VSW_PORT_INTERNAL:
		return "internal";
	case VSW_PORT_EMULATED:
		return "emulated";
	case VSW_PORT_VF:
		return "vf";
	}
	return "unknown";
}

const char *
vsw_vhost_mode_name(enum vsw_vhost_mode mode)
{
	switch (mode) {
	case VSW_VHOST_SERVER:
		return "server";
	case VSW_VHOST_CLIENT:
		return "client";
	}
	return "unknown";
}

int
topo_port_type_parse(const char *s, enum vsw_port_type *type)
{
	static const enum vsw_port_type types[] = {VSW_PORT_EXTERNAL, VSW_PORT_SYNTHETIC,
	                                           VSW_PORT_INTERNAL, VSW_PORT_EMULATED};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(s, vsw_port_type_name(types[i])) == 0) {
			*type = types[i];
			return 0;
		}
	}
	return -EINVAL;
}

int
topo_vhost_mode_parse(const char *s, enum vsw_vhost_mode *mode)
{
	static const enum vsw_vhost_mode modes[] = {VSW_VHOST_SERVER, VSW_VHOST_CLIENT};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(s, vsw_vhost_mode_name(modes[i])) == 0) {
			*mode = modes[i];
			return 0;
		}
	}
	return -EINVAL;
}

const char *
vsw_mirror_direction_name(enum vsw_mirror_direction direction)
{
	switch (direction) {
	case VSW_MIRROR_RX:
		return "rx";
	case VSW_MIRROR_TX:
		return "tx";
	case VSW_MIRROR_BOTH:
		return "both";
	}
	return "unknown";
}

int
topo_mirror_direction_parse(const char *s, enum vsw_mirror_direction *direction)
{
	static const enum vsw_mirror_direction directions[] = {VSW_MIRROR_RX, VSW_MIRROR_TX,
	                                                       VSW_MIRROR_BOTH};

	for (size_t i = 0; i < sizeof(directions) / sizeof(directions[0]); i++) {
		if (strcmp(s, vsw_mirror_direction_name(directions[i])) == 0) {
			*direction = directions[i];
			return 0;
		}
	}
	return -EINVAL;
}

const char *
vsw_nicsw_backend_name(enum vsw_nicsw_backend backend)
{
	switch (backend) {
	case VSW_NICSW_BACKEND_EMULATED:
		return "emulated";
	case VSW_NICSW_BACKEND_FLOW:
		return "flow";
	}
	return "unknown";
}

int
topo_nicsw_backend_parse(const char *s, enum vsw_nicsw_backend *backend)
{
	static const enum vsw_nicsw_backend backends[] = {VSW_NICSW_BACKEND_EMULATED,
	                                                  VSW_NICSW_BACKEND_FLOW};

	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strcmp(s, vsw_nicsw_backend_name(backends[i])) == 0) {
			*backend = backends[i];
			return 0;
		}
	}
	return -EINVAL;
}

void
topo_join_words(char *buf, size_t size, const char *const *words, unsigned int n_words)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n_words && len < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n_words ? " or " : ", ";
		const int n = snprintf(buf + len, size - len, "%s%s", sep, words[i]);

		if (n < 0)
			return;
		len += (size_t)n;
	}
}

static unsigned int
min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned int
topo_edit_distance(const char *a, const char *b)
{
	/* Three rows of the dynamic-programming table: two back (for swaps), one back, current. */
	unsigned int rows[3][EDIT_WORD_MAX + 1];
	const size_t len_a = strlen(a);
	const size_t len_b = strlen(b);

	if (len_a > EDIT_WORD_MAX || len_b > EDIT_WORD_MAX)
		return UINT_MAX;
	for (size_t j = 0; j <= len_b; j++)
		rows[1][j] = (unsigned int)j;
	for (size_t i = 1; i <= len_a; i++) {
		unsigned int *cur = rows[(i + 1) % 3];
		const unsigned int *prev = rows[i % 3];
		const unsigned int *prev2 = rows[(i + 2) % 3];
		const int ca = tolower((unsigned char)a[i - 1]);

		cur[0] = (unsigned int)i;
		for (size_t j = 1; j <= len_b; j++) {
			const int cb = tolower((unsigned char)b[j - 1]);
			const unsigned int cost = ca == cb ? 0 : 1;

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
	}
	return rows[(len_a + 1) % 3][len_b];
}

const char *
topo_closest(const char *word, const char *const *words, unsigned int n_words)
{
	const char *best = NULL;
	unsigned int best_distance = UINT_MAX;

	for (unsigned int i = 0; i < n_words; i++) {
		const unsigned int d = topo_edit_distance(word, words[i]);
		/* A third of the key may be wrong ("mca" -> "mac", "lcore" -> "lcores"), at
		 * least 1. */
		const size_t max_d = strlen(words[i]) < 6 ? 1 : strlen(words[i]) / 3;

		if (d <= max_d && d < best_distance) {
			best = words[i];
			best_distance = d;
		}
	}
	return best;
}

int
topo_fail_unknown(const struct vsw_topo *topo, struct vsw_errmsg *err, struct vsw_topo_mark mark,
                  const char *prefix, const char *what, const char *name, const char *const *names,
                  unsigned int n_names)
{
	const char *near = topo_closest(name, names, n_names);
	char expected[VSW_ERRMSG_SIZE / 2];

	if (near != NULL)
		return topo_fail(topo, err, mark, "%sunknown %s '%s' (did you mean '%s'?)", prefix,
		                 what, name, near);
	if (n_names == 0)
		return topo_fail(topo, err, mark,
		                 "%sunknown %s '%s', expected a defined one (there is none)",
		                 prefix, what, name);
	topo_join_words(expected, sizeof(expected), names, n_names);
	return topo_fail(topo, err, mark, "%sunknown %s '%s', expected %s", prefix, what, name,
	                 expected);
}

static int
check_lcores(const struct vsw_topo *topo, const struct topo_marks *marks, struct vsw_errmsg *err)
{
	if (topo->n_worker_lcores == 0)
		return topo_fail(topo, err, marks->workers_lcores,
		                 "workers.lcores is empty, expected at least one lcore id");
	for (unsigned int i = 1; i < topo->n_worker_lcores; i++) {
		for (unsigned int j = 0; j < i; j++) {
			if (topo->worker_lcores[i] != topo->worker_lcores[j])
				continue;
			return topo_fail(topo, err, marks->lcores[i],
			                 "duplicate lcore %u in workers.lcores, expected distinct "
			                 "lcore ids",
			                 topo->worker_lcores[i]);
		}
	}
	return 0;
}

/* Keys only some port types take, where the parser recorded them, and who takes them. */
struct type_key {
	const char *key;
	size_t mark_offset; /* in struct topo_port_marks */
	unsigned int types; /* bit t set: type t takes the key */
	const char *takers;
};

#define TYPE_BIT(t) (1u << (t))
static const struct type_key type_keys[] = {
        {"device", offsetof(struct topo_port_marks, device), TYPE_BIT(VSW_PORT_EXTERNAL),
         "external ports"},
        {"vhost", offsetof(struct topo_port_marks, vhost), TYPE_BIT(VSW_PORT_SYNTHETIC),
         "synthetic ports"},
        {"vf", offsetof(struct topo_port_marks, vf), TYPE_BIT(VSW_PORT_SYNTHETIC),
         "synthetic ports"},
        {"vf_priority", offsetof(struct topo_port_marks, vf_priority), TYPE_BIT(VSW_PORT_SYNTHETIC),
         "synthetic ports"},
        {"announce_on_connect", offsetof(struct topo_port_marks, announce_on_connect),
         TYPE_BIT(VSW_PORT_SYNTHETIC), "synthetic ports"},
        {"nic_switch", offsetof(struct topo_port_marks, nicsw), TYPE_BIT(VSW_PORT_EXTERNAL),
         "external ports"},
        {"netdev", offsetof(struct topo_port_marks, netdev),
         TYPE_BIT(VSW_PORT_EXTERNAL) | TYPE_BIT(VSW_PORT_INTERNAL) | TYPE_BIT(VSW_PORT_EMULATED),
         "external, internal or emulated ports"},
};

static const char *
type_article(enum vsw_port_type type)
{
	return type == VSW_PORT_EXTERNAL || type == VSW_PORT_INTERNAL || type == VSW_PORT_EMULATED
	               ? "an"
	               : "a";
}

/* What a port needs given its type; the first missing key is reported at the port. */
static int
check_port_needs(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                 struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const struct topo_port_marks *pm = &marks->port[i];
	const char *type = vsw_port_type_name(port->type);

	if (port->type == VSW_PORT_EXTERNAL && port->device[0] == '\0' && port->nicsw[0] == '\0' &&
	    port->netdev[0] == '\0')
		return topo_fail(topo, err, port->mark,
		                 "port '%s': missing key 'device', expected a dpdk device (or a "
		                 "netdev) for an external port",
		                 port->name);
	if (port->type == VSW_PORT_EXTERNAL && port->netdev[0] != '\0' &&
	    (port->device[0] != '\0' || port->nicsw[0] != '\0'))
		return topo_fail(topo, err, pm->netdev,
		                 "port '%s': netdev given with device or nic_switch, expected one "
		                 "of them",
		                 port->name);
	if (port->type == VSW_PORT_EXTERNAL && pm->device.line != 0 && port->nicsw[0] != '\0')
		return topo_fail(
		        topo, err, pm->device,
		        "port '%s': both device and nic_switch given, expected one of them "
		        "(a nic switch brings its pf)",
		        port->name);
	if ((port->type == VSW_PORT_INTERNAL || port->type == VSW_PORT_EMULATED) &&
	    port->netdev[0] == '\0')
		return topo_fail(
		        topo, err, port->mark,
		        "port '%s': missing key 'netdev', expected a kernel interface name "
		        "for %s %s port",
		        port->name, type_article(port->type), type);
	if ((port->type == VSW_PORT_SYNTHETIC || port->type == VSW_PORT_EMULATED) && !port->has_mac)
		return topo_fail(topo, err, port->mark,
		                 "port '%s': missing key 'mac', expected a mac for %s %s port",
		                 port->name, type_article(port->type), type);
	if (port->type == VSW_PORT_SYNTHETIC && port->vhost_path[0] == '\0')
		return topo_fail(topo, err, port->mark,
		                 "port '%s': missing key 'vhost', expected vhost.path for a "
		                 "synthetic port",
		                 port->name);
	/* The guard passes frames from the port's own macs: with none it would drop them all. */
	if (port->security.has_mac_spoof_guard && !port->has_mac)
		return topo_fail(
		        topo, err, pm->mac_spoof_guard,
		        "port '%s': security.mac_spoof_guard is true, expected a mac or macs "
		        "to guard",
		        port->name);
	return 0;
}

/* What a port needs, and may not have, given its type. */
static int
check_port_type(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const char *pm = (const char *)&marks->port[i];
	int ret = check_port_needs(topo, marks, i, err);

	if (ret < 0)
		return ret;
	for (size_t k = 0; k < sizeof(type_keys) / sizeof(type_keys[0]); k++) {
		const struct type_key *tk = &type_keys[k];
		struct vsw_topo_mark mark;

		memcpy(&mark, pm + tk->mark_offset, sizeof(mark));
		if (mark.line != 0 && (tk->types & TYPE_BIT(port->type)) == 0)
			return topo_fail(topo, err, mark,
			                 "port '%s': unexpected key '%s', expected it only on %s",
			                 port->name, tk->key, tk->takers);
	}
	return 0;
}

/* Port i's macs against its own earlier ones was the parser's job; here, against port j's. */
static int
check_port_macs(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                unsigned int j, struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const struct vsw_topo_port *other = &topo->ports[j];
	char mac[TOPO_MAC_STR_SIZE];

	for (unsigned int a = 0; a < port->n_macs; a++) {
		for (unsigned int b = 0; b < other->n_macs; b++) {
			if (memcmp(port->macs[a], other->macs[b], 6) != 0)
				continue;
			topo_mac_format(port->macs[a], mac);
			return topo_fail(topo, err, marks->port[i].macs[a],
			                 "port '%s': duplicate mac %s, expected unique macs (port "
			                 "'%s' has it)",
			                 port->name, mac, other->name);
		}
	}
	return 0;
}

/* Port i against ports 0..i-1: what two ports may not share. */
static int
check_port_unique(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                  struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const struct topo_port_marks *pm = &marks->port[i];
	int ret;

	for (unsigned int j = 0; j < i; j++) {
		const struct vsw_topo_port *other = &topo->ports[j];

		if (strcmp(port->name, other->name) == 0)
			return topo_fail(topo, err, pm->name,
			                 "duplicate port name '%s', expected unique names (first "
			                 "at line %u)",
			                 port->name, marks->port[j].name.line);
		if (port->type == VSW_PORT_EXTERNAL && other->type == VSW_PORT_EXTERNAL)
			return topo_fail(topo, err, port->mark,
			                 "port '%s': second external port, expected at most one "
			                 "('%s' is external)",
			                 port->name, other->name);
		ret = check_port_macs(topo, marks, i, j, err);
		if (ret < 0)
			return ret;
		if (port->vhost_path[0] != '\0' && strcmp(port->vhost_path, other->vhost_path) == 0)
			return topo_fail(
			        topo, err, pm->vhost_path,
			        "port '%s': duplicate vhost.path '%s', expected unique paths "
			        "(port '%s' has it)",
			        port->name, port->vhost_path, other->name);
		if (port->netdev[0] != '\0' && strcmp(port->netdev, other->netdev) == 0)
			return topo_fail(
			        topo, err, pm->netdev,
			        "port '%s': duplicate netdev '%s', expected unique interfaces "
			        "(port '%s' has it)",
			        port->name, port->netdev, other->name);
	}
	return 0;
}

static int
check_ports(struct vsw_topo *topo, const struct topo_marks *marks, struct vsw_errmsg *err)
{
	int ret;

	if (topo->n_ports == 0)
		return topo_fail(topo, err, marks->ports,
		                 "ports is empty, expected at least one port");
	for (unsigned int i = 0; i < topo->n_ports; i++) {
		const struct vsw_topo_port *port = &topo->ports[i];

		ret = check_port_type(topo, marks, i, err);
		if (ret == 0)
			ret = check_port_unique(topo, marks, i, err);
		if (ret == 0)
			ret = topo_validate_port_nicsw(topo, marks, i, err);
		if (ret < 0)
			return ret;
		/* Both would be unix sockets of this daemon: the second bind would fail. */
		if (strcmp(port->vhost_path, topo->control_socket) == 0)
			return topo_fail(
			        topo, err, marks->port[i].vhost_path,
			        "port '%s': vhost.path '%s' is the control socket, expected "
			        "another path",
			        port->name, port->vhost_path);
	}
	return 0;
}

/* A mirror's source or destination: the index of the port named, or a refusal. */
static int
resolve_port(const struct vsw_topo *topo, struct vsw_errmsg *err, struct vsw_topo_mark mark,
             const char *prefix, const char *what, const char *name, unsigned int *index)
{
	const char *names[VSW_PORTS_MAX];

	for (unsigned int i = 0; i < topo->n_ports; i++) {
		if (strcmp(topo->ports[i].name, name) == 0) {
			*index = i;
			return 0;
		}
		names[i] = topo->ports[i].name;
	}
	return topo_fail_unknown(topo, err, mark, prefix, what, name, names, topo->n_ports);
}

static int
check_mirror(struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
             struct vsw_errmsg *err)
{
	struct vsw_topo_mirror *mirror = &topo->mirrors[i];
	const struct topo_mirror_marks *mm = &marks->mirror[i];
	char prefix[VSW_NAME_SIZE + 16];
	int ret;

	(void)snprintf(prefix, sizeof(prefix), "mirror '%s': ", mirror->name);
	for (unsigned int j = 0; j < i; j++)
		if (strcmp(mirror->name, topo->mirrors[j].name) == 0)
			return topo_fail(
			        topo, err, mm->name,
			        "duplicate mirror name '%s', expected unique names (first at "
			        "line %u)",
			        mirror->name, marks->mirror[j].name.line);
	ret = resolve_port(topo, err, mm->source, prefix, "source port", mirror->source,
	                   &mirror->source_index);
	if (ret == 0)
		ret = resolve_port(topo, err, mm->destination, prefix, "destination port",
		                   mirror->destination, &mirror->destination_index);
	if (ret < 0)
		return ret;
	if (mirror->source_index == mirror->destination_index)
		return topo_fail(topo, err, mm->destination,
		                 "%sdestination '%s' is the source, expected another port", prefix,
		                 mirror->destination);
	/* Copies of copies: a destination that is mirrored itself would loop or multiply. */
	for (unsigned int j = 0; j < topo->n_mirrors; j++)
		if (j != i && strcmp(mirror->destination, topo->mirrors[j].source) == 0)
			return topo_fail(
			        topo, err, mm->destination,
			        "%sdestination '%s' is the source of mirror '%s', expected a "
			        "port no mirror copies",
			        prefix, mirror->destination, topo->mirrors[j].name);
	return 0;
}

int
topo_validate(struct vsw_topo *topo, const struct topo_marks *marks, struct vsw_errmsg *err)
{
	int ret;

	ret = check_lcores(topo, marks, err);
	if (ret == 0)
		ret = topo_validate_nicsws(topo, marks, err);
	if (ret == 0)
		ret = check_ports(topo, marks, err);
	for (unsigned int i = 0; i < topo->n_mirrors && ret == 0; i++)
		ret = check_mirror(topo, marks, i, err);
	if (ret == 0)
		ret = topo_validate_sockets(topo, marks, err);
	return ret;
}
