/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology loader, first half (include/vsw/topo.h): libyaml's document API turns the text into
 * a node tree, and the parser walks that tree along the schema, copying each value into struct
 * vsw_topo and each node's position into struct topo_marks. This file holds the entry points,
 * the document, the helpers every part of the parser uses (topo_yaml.h) and the small top-level
 * sections (eal, workers, control, fdb); topo_ports.c reads ports and mirrors, topo_nicsw.c
 * NIC switches. Types, unknown and duplicate keys and the syntax of each value are checked as
 * they are read; the checks across values then run in topo_validate.c. Either the whole file
 * loads or the caller gets "file:line:column: reason" and a zeroed topology. Control thread and
 * tests; no DPDK.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "topo_priv.h"
#include "topo_yaml.h"
#include "vsw/errmsg.h"
#include "vsw/topo.h"

/* The keys of each mapping of the schema; the enums index both names and found values. */
enum {
	TOP_EAL,
	TOP_WORKERS,
	TOP_CONTROL,
	TOP_FDB,
	TOP_PORTS,
	TOP_MIRRORS,
	TOP_NICSWS,
	TOP_EXTS,
	TOP_SOCKET_DIRS,
	TOP_VHOST_SOCKETS,
	TOP_N
};
static const char *const top_keys[TOP_N] = {
        "eal",     "workers",      "control",    "fdb",         "ports",
        "mirrors", "nic_switches", "extensions", "socket_dirs", "vhost_sockets"};
enum { EAL_ARGS, EAL_N };
static const char *const eal_keys[EAL_N] = {"args"};
enum { WORKERS_LCORES, WORKERS_IDLE_SLEEP, WORKERS_IDLE_RXQ, WORKERS_N };
static const char *const workers_keys[WORKERS_N] = {"lcores", "idle_sleep_max_us",
                                                    "idle_rxq_poll_us"};
enum { CONTROL_SOCKET, CONTROL_N };
static const char *const control_keys[CONTROL_N] = {"socket"};
enum { FDB_AGING, FDB_ENTRIES, FDB_N };
static const char *const fdb_keys[FDB_N] = {"aging_s", "max_entries"};

static_assert(TOP_N <= TOPO_MAP_KEYS_MAX, "struct topo_map too small for the schema");

static struct vsw_topo_mark
mark_of_yaml(yaml_mark_t mark)
{
	/* libyaml counts from 0, editors from 1. */
	return (struct vsw_topo_mark){.line = (unsigned int)mark.line + 1,
	                              .column = (unsigned int)mark.column + 1};
}

struct vsw_topo_mark
topo_node_mark(const yaml_node_t *node)
{
	return mark_of_yaml(node->start_mark);
}

int
topo_node_fail(struct topo_parse *p, const yaml_node_t *node, const char *fmt, ...)
{
	char reason[VSW_ERRMSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return topo_fail(p->topo, p->err, topo_node_mark(node), "%s%s", p->prefix, reason);
}

const yaml_node_t *
topo_node_get(struct topo_parse *p, int id)
{
	const yaml_node_t *node = yaml_document_get_node(&p->doc, id);

	/* libyaml only hands out ids of nodes of its document. */
	assert(node != NULL);
	return node;
}

bool
topo_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	const char *value = (const char *)node->data.scalar.value;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(value, nulls[i]) == 0)
			return true;
	return false;
}

static const char *
kind_of(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_SCALAR_NODE:
		return topo_is_null(node) ? "nothing" : "a string";
	default:
		return "nothing";
	}
}

int
topo_expect(struct topo_parse *p, const yaml_node_t *node, yaml_node_type_t type, const char *field)
{
	static const char *const wanted[] = {
	        [YAML_SCALAR_NODE] = "a string",
	        [YAML_SEQUENCE_NODE] = "a sequence",
	        [YAML_MAPPING_NODE] = "a mapping",
	};

	if (node->type == type && !topo_is_null(node))
		return 0;
	return topo_node_fail(p, node, "expected %s for %s, got %s", wanted[type], field,
	                      kind_of(node));
}

int
topo_get_string(struct topo_parse *p, const yaml_node_t *node, const char *field, const char **s)
{
	int ret = topo_expect(p, node, YAML_SCALAR_NODE, field);

	if (ret < 0)
		return ret;
	*s = (const char *)node->data.scalar.value;
	/* A "\0" escape would silently cut the value short in every C string it is copied to. */
	if (strlen(*s) != node->data.scalar.length)
		return topo_node_fail(p, node, "%s contains a nul character, expected text", field);
	return 0;
}

int
topo_copy_string(struct topo_parse *p, const yaml_node_t *node, const char *field, char *dst,
                 size_t size)
{
	const char *s;
	int ret = topo_get_string(p, node, field, &s);

	if (ret < 0)
		return ret;
	if (strlen(s) >= size)
		return topo_node_fail(p, node, "%s is too long, expected at most %zu bytes", field,
		                      size - 1);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Paths of sockets and their directories (vhost.path, control.socket, vf_socket_dir). */
int
topo_copy_path(struct topo_parse *p, const yaml_node_t *node, const char *field, char *dst)
{
	const char *s;
	int ret = topo_get_string(p, node, field, &s);

	if (ret < 0)
		return ret;
	ret = topo_path_check(s);
	if (ret == -ENAMETOOLONG)
		return topo_node_fail(p, node, "%s is too long, expected at most %d bytes", field,
		                      VSW_PATH_SIZE - 1);
	if (ret < 0 && s[0] == '\0')
		return topo_node_fail(p, node, "%s is empty, expected an absolute path", field);
	if (ret < 0)
		return topo_node_fail(p, node, "%s '%s' is relative, expected an absolute path",
		                      field, s);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

unsigned int
topo_seq_len(const yaml_node_t *node)
{
	return (unsigned int)(node->data.sequence.items.top - node->data.sequence.items.start);
}

const yaml_node_t *
topo_seq_item(struct topo_parse *p, const yaml_node_t *node, unsigned int i)
{
	return topo_node_get(p, node->data.sequence.items.start[i]);
}

int
topo_get_uint(struct topo_parse *p, const yaml_node_t *node, const char *field, unsigned long min,
              unsigned long max, unsigned long *value)
{
	const char *s;
	int ret = topo_get_string(p, node, field, &s);

	if (ret < 0)
		return ret;
	if (topo_uint_parse(s, max, value) < 0 || *value < min)
		return topo_node_fail(p, node, "invalid %s '%s', expected an integer %lu..%lu",
		                      field, s, min, max);
	return 0;
}

int
topo_get_bool(struct topo_parse *p, const yaml_node_t *node, const char *field, bool *value)
{
	const char *s;
	int ret = topo_get_string(p, node, field, &s);

	if (ret < 0)
		return ret;
	if (topo_bool_parse(s, value) < 0)
		return topo_node_fail(p, node, "invalid %s '%s', expected true or false", field, s);
	return 0;
}

int
topo_get_mac(struct topo_parse *p, const yaml_node_t *node, uint8_t mac[6])
{
	const char *s;
	int ret = topo_get_string(p, node, "mac", &s);

	if (ret < 0)
		return ret;
	if (topo_mac_parse(s, mac) < 0)
		return topo_node_fail(
		        p, node, "invalid mac '%s', expected six hex bytes like 52:54:00:00:00:01",
		        s);
	if (topo_mac_is_multicast(mac))
		return topo_node_fail(p, node, "mac %s is multicast, expected a unicast address",
		                      s);
	if (topo_mac_is_zero(mac))
		return topo_node_fail(p, node, "mac %s is all zeros, expected a unicast address",
		                      s);
	return 0;
}

int
topo_get_name(struct topo_parse *p, const yaml_node_t *node, const char *kind, char *dst)
{
	const char *s;
	int ret = topo_get_string(p, node, "name", &s);

	if (ret < 0)
		return ret;
	ret = topo_name_check(s);
	if (ret == -ENAMETOOLONG)
		return topo_node_fail(p, node,
		                      "%s name '%s' is too long, expected at most %d characters",
		                      kind, s, VSW_NAME_SIZE - 1);
	if (ret < 0)
		return topo_node_fail(
		        p, node, "invalid %s name '%s', expected letters, digits, '_', '.' or '-'",
		        kind, s);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

void
topo_set_prefix(struct topo_parse *p, const yaml_node_t *node, const char *outer, const char *kind,
                const char *list, unsigned int idx)
{
	for (const yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		const yaml_node_t *key = topo_node_get(p, pair->key);
		const yaml_node_t *value = topo_node_get(p, pair->value);
		const char *name;

		if (key->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)key->data.scalar.value, "name") != 0)
			continue;
		if (value->type != YAML_SCALAR_NODE)
			break;
		name = (const char *)value->data.scalar.value;
		if (strlen(name) == value->data.scalar.length && topo_name_check(name) == 0) {
			(void)snprintf(p->prefix, sizeof(p->prefix), "%s%s '%s': ", outer, kind,
			               name);
			return;
		}
		break;
	}
	(void)snprintf(p->prefix, sizeof(p->prefix), "%s%s[%u]: ", outer, list, idx);
}

static int
unknown_key(struct topo_parse *p, const struct topo_map *m, const yaml_node_t *key)
{
	const char *name = (const char *)key->data.scalar.value;
	const char *near = topo_closest(name, m->names, m->n_names);
	char expected[160];

	if (near != NULL)
		return topo_node_fail(p, key, "unknown key '%s'%s (did you mean '%s'?)", name,
		                      m->section, near);
	topo_join_words(expected, sizeof(expected), m->names, m->n_names);
	return topo_node_fail(p, key, "unknown key '%s'%s, expected %s", name, m->section,
	                      expected);
}

static int
map_pair(struct topo_parse *p, struct topo_map *m, const yaml_node_t *key, const yaml_node_t *value)
{
	const char *name;
	unsigned int i;

	if (key->type != YAML_SCALAR_NODE)
		return topo_node_fail(p, key, "expected a string as key%s, got %s", m->section,
		                      kind_of(key));
	name = (const char *)key->data.scalar.value;
	for (i = 0; i < m->n_names; i++)
		if (strcmp(name, m->names[i]) == 0)
			break;
	if (i == m->n_names)
		return unknown_key(p, m, key);
	/* libyaml keeps both values of a repeated key; the YAML spec forbids it. */
	if (m->keys[i] != NULL)
		return topo_node_fail(
		        p, key, "duplicate key '%s'%s, expected each key once (first at line %u)",
		        name, m->section, topo_node_mark(m->keys[i]).line);
	m->keys[i] = key;
	m->values[i] = value;
	return 0;
}

int
topo_map_read(struct topo_parse *p, const yaml_node_t *node, const char *field, struct topo_map *m)
{
	int ret = topo_expect(p, node, YAML_MAPPING_NODE, field);

	if (ret < 0)
		return ret;
	for (const yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		ret = map_pair(p, m, topo_node_get(p, pair->key), topo_node_get(p, pair->value));
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
topo_map_require(struct topo_parse *p, const yaml_node_t *node, const struct topo_map *m)
{
	for (unsigned int i = 0; i < m->n_names; i++)
		if ((m->required & 1u << i) != 0 && m->keys[i] == NULL)
			return topo_node_fail(p, node, "missing key '%s'%s", m->names[i],
			                      m->section);
	return 0;
}

static int
parse_eal(struct topo_parse *p, const yaml_node_t *node)
{
	struct topo_map m = {.section = " in eal",
	                     .names = eal_keys,
	                     .n_names = EAL_N,
	                     .required = 1u << EAL_ARGS};
	const yaml_node_t *args;
	char field[32];
	unsigned int n;
	int ret;

	ret = topo_map_read(p, node, "eal", &m);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	if (ret < 0)
		return ret;
	args = m.values[EAL_ARGS];
	ret = topo_expect(p, args, YAML_SEQUENCE_NODE, "eal.args");
	if (ret < 0)
		return ret;
	n = topo_seq_len(args);
	if (n > VSW_EAL_ARGS_MAX)
		return topo_node_fail(p, args, "eal.args has %u arguments, expected at most %d", n,
		                      VSW_EAL_ARGS_MAX);
	for (unsigned int i = 0; i < n; i++) {
		(void)snprintf(field, sizeof(field), "eal.args[%u]", i);
		ret = topo_copy_string(p, topo_seq_item(p, args, i), field, p->topo->eal_args[i],
		                       VSW_EAL_ARG_SIZE);
		if (ret < 0)
			return ret;
	}
	p->topo->n_eal_args = n;
	return 0;
}

int
topo_parse_list(struct topo_parse *p, const yaml_node_t *node, const char *section,
                const char *items, unsigned int max, topo_item_fn item, unsigned int *n_out)
{
	unsigned int n;
	int ret;

	ret = topo_expect(p, node, YAML_SEQUENCE_NODE, section);
	if (ret < 0)
		return ret;
	n = topo_seq_len(node);
	if (n > max)
		return topo_node_fail(p, topo_seq_item(p, node, max),
		                      "%s has %u %s, expected at most %u", section, n, items, max);
	for (unsigned int i = 0; i < n; i++) {
		ret = item(p, topo_seq_item(p, node, i), i);
		if (ret < 0)
			return ret;
	}
	p->prefix[0] = '\0';
	*n_out = n;
	return 0;
}

static int
parse_lcores(struct topo_parse *p, const yaml_node_t *lcores)
{
	unsigned int n;
	int ret;

	ret = topo_expect(p, lcores, YAML_SEQUENCE_NODE, "workers.lcores");
	if (ret < 0)
		return ret;
	p->marks.workers_lcores = topo_node_mark(lcores);
	n = topo_seq_len(lcores);
	if (n > VSW_WORKERS_MAX)
		return topo_node_fail(p, lcores,
		                      "workers.lcores has %u lcores, expected at most %d", n,
		                      VSW_WORKERS_MAX);
	for (unsigned int i = 0; i < n; i++) {
		const yaml_node_t *item = topo_seq_item(p, lcores, i);
		const char *s;

		ret = topo_get_string(p, item, "workers.lcores", &s);
		if (ret < 0)
			return ret;
		if (topo_lcore_parse(s, &p->topo->worker_lcores[i]) < 0)
			return topo_node_fail(
			        p, item,
			        "invalid lcore '%s' in workers.lcores, expected an integer 0..%d",
			        s, TOPO_LCORE_ID_MAX);
		p->marks.lcores[i] = topo_node_mark(item);
	}
	p->topo->n_worker_lcores = n;
	return 0;
}

static int
parse_workers(struct topo_parse *p, const yaml_node_t *node)
{
	struct topo_map m = {.section = " in workers",
	                     .names = workers_keys,
	                     .n_names = WORKERS_N,
	                     .required = 1u << WORKERS_LCORES};
	unsigned long value = 0;
	int ret;

	p->topo->idle_rxq_poll_us = VSW_TOPO_IDLE_RXQ_POLL_US_DEFAULT;
	ret = topo_map_read(p, node, "workers", &m);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	if (ret == 0)
		ret = parse_lcores(p, m.values[WORKERS_LCORES]);
	if (ret == 0 && m.values[WORKERS_IDLE_RXQ] != NULL) {
		ret = topo_get_uint(p, m.values[WORKERS_IDLE_RXQ], "workers.idle_rxq_poll_us", 0,
		                    VSW_TOPO_IDLE_RXQ_POLL_US_MAX, &value);
		p->topo->idle_rxq_poll_us = (unsigned int)value;
	}
	if (ret < 0 || m.values[WORKERS_IDLE_SLEEP] == NULL)
		return ret;
	ret = topo_get_uint(p, m.values[WORKERS_IDLE_SLEEP], "workers.idle_sleep_max_us", 0,
	                    VSW_TOPO_IDLE_SLEEP_US_MAX, &value);
	p->topo->idle_sleep_us_max = (unsigned int)value;
	return ret;
}

static int
parse_control(struct topo_parse *p, const yaml_node_t *node)
{
	struct topo_map m = {.section = " in control", .names = control_keys, .n_names = CONTROL_N};
	int ret;

	if (node != NULL) {
		ret = topo_map_read(p, node, "control", &m);
		if (ret < 0)
			return ret;
	}
	if (m.values[CONTROL_SOCKET] == NULL) {
		static_assert(sizeof(VSW_TOPO_CONTROL_SOCKET_DEFAULT) <= VSW_PATH_SIZE,
		              "default control socket must fit");
		memcpy(p->topo->control_socket, VSW_TOPO_CONTROL_SOCKET_DEFAULT,
		       sizeof(VSW_TOPO_CONTROL_SOCKET_DEFAULT));
		return 0;
	}
	p->marks.control_socket = topo_node_mark(m.values[CONTROL_SOCKET]);
	return topo_copy_path(p, m.values[CONTROL_SOCKET], "control.socket",
	                      p->topo->control_socket);
}

static int
parse_fdb(struct topo_parse *p, const yaml_node_t *node)
{
	struct topo_map m = {.section = " in fdb", .names = fdb_keys, .n_names = FDB_N};
	unsigned long value = 0;
	int ret;

	p->topo->fdb_aging_s = VSW_TOPO_FDB_AGING_S_DEFAULT;
	p->topo->fdb_entries_max = VSW_TOPO_FDB_ENTRIES_DEFAULT;
	if (node == NULL)
		return 0;
	ret = topo_map_read(p, node, "fdb", &m);
	if (ret == 0 && m.values[FDB_AGING] != NULL) {
		ret = topo_get_uint(p, m.values[FDB_AGING], "fdb.aging_s", 0,
		                    VSW_TOPO_FDB_AGING_S_MAX, &value);
		p->topo->fdb_aging_s = (unsigned int)value;
	}
	if (ret == 0 && m.values[FDB_ENTRIES] != NULL) {
		ret = topo_get_uint(p, m.values[FDB_ENTRIES], "fdb.max_entries",
		                    VSW_TOPO_FDB_ENTRIES_MIN, VSW_TOPO_FDB_ENTRIES_MAX, &value);
		p->topo->fdb_entries_max = (unsigned int)value;
	}
	return ret;
}

static int
parse_root(struct topo_parse *p)
{
	struct topo_map m = {.section = " at top level",
	                     .names = top_keys,
	                     .n_names = TOP_N,
	                     .required = 1u << TOP_EAL | 1u << TOP_WORKERS | 1u << TOP_PORTS};
	const yaml_node_t *root = yaml_document_get_root_node(&p->doc);
	int ret;

	if (root == NULL)
		return topo_fail(p->topo, p->err, (struct vsw_topo_mark){.line = 1, .column = 1},
		                 "empty file, expected a mapping with keys eal, workers and ports");
	ret = topo_map_read(p, root, "the topology", &m);
	if (ret == 0 && m.values[TOP_EAL] != NULL)
		ret = parse_eal(p, m.values[TOP_EAL]);
	if (ret == 0 && m.values[TOP_WORKERS] != NULL)
		ret = parse_workers(p, m.values[TOP_WORKERS]);
	if (ret == 0)
		ret = parse_control(p, m.values[TOP_CONTROL]);
	if (ret == 0)
		ret = parse_fdb(p, m.values[TOP_FDB]);
	if (ret == 0 && m.values[TOP_PORTS] != NULL)
		ret = topo_parse_ports(p, m.values[TOP_PORTS]);
	if (ret == 0 && m.values[TOP_MIRRORS] != NULL)
		ret = topo_parse_mirrors(p, m.values[TOP_MIRRORS]);
	if (ret == 0 && m.values[TOP_NICSWS] != NULL)
		ret = topo_parse_nicsws(p, m.values[TOP_NICSWS]);
	if (ret == 0 && m.values[TOP_EXTS] != NULL)
		ret = topo_parse_exts(p, m.values[TOP_EXTS]);
	if (ret == 0 && m.values[TOP_SOCKET_DIRS] != NULL)
		ret = topo_parse_socket_dirs(p, m.values[TOP_SOCKET_DIRS]);
	if (ret == 0 && m.values[TOP_VHOST_SOCKETS] != NULL)
		ret = topo_parse_vhost_sockets(p, m.values[TOP_VHOST_SOCKETS]);
	if (ret == 0)
		ret = topo_map_require(p, root, &m);
	return ret;
}

/* Reader errors (bad UTF-8, control characters) come with a byte offset instead of a mark. */
static struct vsw_topo_mark
mark_of_offset(const char *text, size_t len, size_t offset)
{
	struct vsw_topo_mark mark = {.line = 1, .column = 1};

	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			mark.line++;
			mark.column = 1;
		} else {
			mark.column++;
		}
	}
	return mark;
}

static int
syntax_error(struct topo_parse *p, const yaml_parser_t *parser, const char *text, size_t len)
{
	const char *problem = parser->problem != NULL ? parser->problem : "unknown error";
	struct vsw_topo_mark mark = mark_of_yaml(parser->problem_mark);
	struct vsw_topo_mark context = mark_of_yaml(parser->context_mark);

	if (parser->error == YAML_MEMORY_ERROR) {
		vsw_errmsg_set(p->err, "%s: out of memory", p->topo->file);
		return -ENOMEM;
	}
	if (parser->error == YAML_READER_ERROR)
		return topo_fail(p->topo, p->err, mark_of_offset(text, len, parser->problem_offset),
		                 "invalid yaml: %s", problem);
	if (parser->context == NULL)
		return topo_fail(p->topo, p->err, mark, "invalid yaml: %s", problem);
	return topo_fail(p->topo, p->err, mark, "invalid yaml: %s (%s at %u:%u)", problem,
	                 parser->context, context.line, context.column);
}

/* A second document would be ignored silently: refuse it instead. */
static int
check_single_document(struct topo_parse *p, yaml_parser_t *parser, const char *text, size_t len)
{
	yaml_document_t next;
	struct vsw_topo_mark mark;
	bool has_more;

	if (yaml_document_get_root_node(&p->doc) == NULL)
		return 0;
	if (!yaml_parser_load(parser, &next))
		return syntax_error(p, parser, text, len);
	has_more = yaml_document_get_root_node(&next) != NULL;
	mark = mark_of_yaml(next.start_mark);
	yaml_document_delete(&next);
	if (has_more)
		return topo_fail(p->topo, p->err, mark,
		                 "second yaml document, expected one document per file");
	return 0;
}

static int
load_document(struct topo_parse *p, const char *text, size_t len)
{
	yaml_parser_t parser;
	int ret;

	if (!yaml_parser_initialize(&parser)) {
		vsw_errmsg_set(p->err, "%s: out of memory", p->topo->file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &p->doc)) {
		/* On failure libyaml has already freed the partial document. */
		ret = syntax_error(p, &parser, text, len);
		goto out_delete_parser;
	}
	ret = check_single_document(p, &parser, text, len);
	if (ret == 0)
		ret = parse_root(p);
	if (ret == 0)
		ret = topo_validate(p->topo, &p->marks, p->err);
	yaml_document_delete(&p->doc);
out_delete_parser:
	yaml_parser_delete(&parser);
	return ret;
}

int
vsw_topo_load_string(const char *name, const char *text, size_t len, struct vsw_topo *topo,
                     struct vsw_errmsg *err)
{
	struct topo_parse *p;
	int ret;

	assert(name != NULL && topo != NULL && (text != NULL || len == 0));
	memset(topo, 0, sizeof(*topo));
	if (strlen(name) >= sizeof(topo->file)) {
		vsw_errmsg_set(err, "%s: file name too long, expected at most %zu bytes", name,
		               sizeof(topo->file) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(topo->file, name, strlen(name) + 1);
	/* The marks are a few KiB: keep them off the control thread's stack. */
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		vsw_errmsg_set(err, "%s: out of memory", name);
		ret = -ENOMEM;
		goto out_zero;
	}
	p->topo = topo;
	p->err = err;
	ret = load_document(p, text != NULL ? text : "", len);
	free(p);
	if (ret == 0) {
		vsw_errmsg_clear(err);
		return 0;
	}
out_zero:
	memset(topo, 0, sizeof(*topo));
	return ret;
}

/* Whole file into a malloc'd buffer; at most TOPO_FILE_SIZE_MAX bytes. */
static int
read_fd(int fd, char **text, size_t *len)
{
	size_t size = 4096;
	size_t used = 0;
	char *buf = malloc(size);

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (used == size) {
			char *bigger = used > TOPO_FILE_SIZE_MAX ? NULL : realloc(buf, size * 2);

			if (bigger == NULL) {
				free(buf);
				return used > TOPO_FILE_SIZE_MAX ? -EFBIG : -ENOMEM;
			}
			buf = bigger;
			size *= 2;
		}
		n = read(fd, buf + used, size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > TOPO_FILE_SIZE_MAX) {
		free(buf);
		return -EFBIG;
	}
	*text = buf;
	*len = used;
	return 0;
}

int
vsw_topo_load_file(const char *path, struct vsw_topo *topo, struct vsw_errmsg *err)
{
	char *text = NULL;
	size_t len = 0;
	int ret;
	int fd;

	assert(path != NULL && topo != NULL);
	memset(topo, 0, sizeof(*topo));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		vsw_errmsg_set(err, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = read_fd(fd, &text, &len);
	(void)close(fd);
	if (ret == -EFBIG) {
		vsw_errmsg_set(err, "%s: file too large, expected at most %zu bytes", path,
		               TOPO_FILE_SIZE_MAX);
		return ret;
	}
	if (ret < 0) {
		vsw_errmsg_set(err, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = vsw_topo_load_string(path, text, len, topo, err);
	free(text);
	return ret;
}
