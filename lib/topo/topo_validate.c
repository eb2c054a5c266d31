/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology loader, second half: pure checks on values. The value checks (MAC, name, path,
 * lcore, enum words) are called by topo_parse.c as it reads each node; topo_validate() then
 * checks the topology as a whole, once every value is in struct vsw_topo, and points each
 * refusal at the node recorded in struct topo_marks. Nothing here knows YAML or DPDK, so the
 * rules can be tested on plain values. Control thread and tests.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
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
topo_lcore_parse(const char *s, unsigned int *lcore)
{
	unsigned long value = 0;
	size_t i;

	if (s[0] == '\0')
		return -EINVAL;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		/* Checked per digit so that no string of digits can overflow. */
		value = value * 10 + (unsigned long)(s[i] - '0');
		if (value > TOPO_LCORE_ID_MAX)
			return -ERANGE;
	}
	*lcore = (unsigned int)value;
	return 0;
}

const char *
vsw_port_type_name(enum vsw_port_type type)
{
	switch (type) {
	case VSW_PORT_EXTERNAL:
		return "external";
	case VSW_PORT_SYNTHETIC:
		return "synthetic";
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
	static const enum vsw_port_type types[] = {VSW_PORT_EXTERNAL, VSW_PORT_SYNTHETIC};

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

/* What a port needs, and may not have, given its type. */
static int
check_port_type(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const struct topo_port_marks *pm = &marks->port[i];

	if (port->type == VSW_PORT_EXTERNAL) {
		if (port->device[0] == '\0')
			return topo_fail(topo, err, port->mark,
			                 "port '%s': missing key 'device', expected a dpdk device "
			                 "for an external port",
			                 port->name);
		if (pm->vhost.line != 0)
			return topo_fail(topo, err, pm->vhost,
			                 "port '%s': unexpected key 'vhost', expected it only on "
			                 "synthetic ports",
			                 port->name);
		return 0;
	}
	if (!port->has_mac)
		return topo_fail(
		        topo, err, port->mark,
		        "port '%s': missing key 'mac', expected a mac for a synthetic port",
		        port->name);
	if (port->vhost_path[0] == '\0')
		return topo_fail(topo, err, port->mark,
		                 "port '%s': missing key 'vhost', expected vhost.path for a "
		                 "synthetic port",
		                 port->name);
	if (pm->device.line != 0)
		return topo_fail(topo, err, pm->device,
		                 "port '%s': unexpected key 'device', expected it only on external "
		                 "ports",
		                 port->name);
	return 0;
}

/* Port i against ports 0..i-1: what two ports may not share. */
static int
check_port_unique(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                  struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const struct topo_port_marks *pm = &marks->port[i];
	char mac[TOPO_MAC_STR_SIZE];

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
		if (port->has_mac && other->has_mac && memcmp(port->mac, other->mac, 6) == 0) {
			topo_mac_format(port->mac, mac);
			return topo_fail(topo, err, pm->mac,
			                 "port '%s': duplicate mac %s, expected unique macs (port "
			                 "'%s' has it)",
			                 port->name, mac, other->name);
		}
		if (port->vhost_path[0] != '\0' && strcmp(port->vhost_path, other->vhost_path) == 0)
			return topo_fail(
			        topo, err, pm->vhost_path,
			        "port '%s': duplicate vhost.path '%s', expected unique paths "
			        "(port '%s' has it)",
			        port->name, port->vhost_path, other->name);
	}
	return 0;
}

int
topo_validate(const struct vsw_topo *topo, const struct topo_marks *marks, struct vsw_errmsg *err)
{
	int ret;

	ret = check_lcores(topo, marks, err);
	if (ret < 0)
		return ret;
	if (topo->n_ports == 0)
		return topo_fail(topo, err, marks->ports,
		                 "ports is empty, expected at least one port");
	for (unsigned int i = 0; i < topo->n_ports; i++) {
		const struct vsw_topo_port *port = &topo->ports[i];

		ret = check_port_type(topo, marks, i, err);
		if (ret == 0)
			ret = check_port_unique(topo, marks, i, err);
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
