/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the three files of the topology parser share: the state of one load and the helpers
 * that read YAML nodes into C values, refusing with "file:line:column: reason". topo_parse.c
 * holds these helpers, the document and the top-level sections; topo_ports.c reads `ports:`
 * and `mirrors:`, topo_nicsw.c reads `nic_switches:`. Only these files see libyaml. Control
 * thread and tests; no DPDK.
 */
#ifndef VSW_TOPO_YAML_H
#define VSW_TOPO_YAML_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "topo_priv.h"
#include "vsw/errmsg.h"
#include "vsw/topo.h"

/* Keys of the largest mapping of the schema, a port. */
#define TOPO_MAP_KEYS_MAX 13

/* One mapping as read: its schema in, the key and value nodes found out (NULL when absent). */
struct topo_map {
	const char *section; /* where, for messages: " at top level", " in eal", "" */
	const char *const *names;
	unsigned int n_names;
	unsigned int required; /* bit i set: names[i] must be present */
	const yaml_node_t *keys[TOPO_MAP_KEYS_MAX];
	const yaml_node_t *values[TOPO_MAP_KEYS_MAX];
};

/* One load: the tree, where its values go, and the subject every message starts with. */
struct topo_parse {
	struct vsw_topo *topo;
	struct vsw_errmsg *err;
	yaml_document_t doc;
	/* "", "port 'vm1': ", "ports[3]: ", "nic switch 'nic0': vport 3: " */
	char prefix[2 * VSW_NAME_SIZE + 32];
	struct topo_marks marks;
};

/* "<prefix><reason>" at @p node; returns -EINVAL. */
int topo_node_fail(struct topo_parse *p, const yaml_node_t *node, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

struct vsw_topo_mark topo_node_mark(const yaml_node_t *node);

/* A plain scalar YAML reads as null: empty, ~ or null. */
bool topo_is_null(const yaml_node_t *node);

const yaml_node_t *topo_node_get(struct topo_parse *p, int id);

/* A node of the expected type; for a scalar, one with a value (not `key:` or `~`). */
int topo_expect(struct topo_parse *p, const yaml_node_t *node, yaml_node_type_t type,
                const char *field);

/* The text of a scalar node, refused if it holds a NUL. */
int topo_get_string(struct topo_parse *p, const yaml_node_t *node, const char *field,
                    const char **s);

/* The text of a scalar node into @p dst, refused if @p size bytes cannot hold it. */
int topo_copy_string(struct topo_parse *p, const yaml_node_t *node, const char *field, char *dst,
                     size_t size);

/* An absolute path shorter than VSW_PATH_SIZE into @p dst. */
int topo_copy_path(struct topo_parse *p, const yaml_node_t *node, const char *field, char *dst);

/* A decimal integer @p min..@p max. */
int topo_get_uint(struct topo_parse *p, const yaml_node_t *node, const char *field,
                  unsigned long min, unsigned long max, unsigned long *value);

/* true or false. */
int topo_get_bool(struct topo_parse *p, const yaml_node_t *node, const char *field, bool *value);

/* A name (topo_name_check()) into @p dst; @p kind says whose, for messages ("port"). */
int topo_get_name(struct topo_parse *p, const yaml_node_t *node, const char *kind, char *dst);

/* A station's MAC: six hex bytes, not multicast, not zero. */
int topo_get_mac(struct topo_parse *p, const yaml_node_t *node, uint8_t mac[6]);

unsigned int topo_seq_len(const yaml_node_t *node);

const yaml_node_t *topo_seq_item(struct topo_parse *p, const yaml_node_t *node, unsigned int i);

/* Check @p node is a mapping of known, distinct keys; fill m->keys and m->values. */
int topo_map_read(struct topo_parse *p, const yaml_node_t *node, const char *field,
                  struct topo_map *m);

/*
 * Missing keys are reported at the mapping's first line. Callers check once the values present
 * were read, so that a wrong value is reported before a key missing further down.
 */
int topo_map_require(struct topo_parse *p, const yaml_node_t *node, const struct topo_map *m);

/*
 * Messages about an item of a list start with "<outer><kind> '<name>': " when its `name` is a
 * valid name, else with "<outer><list>[<idx>]: ".
 */
void topo_set_prefix(struct topo_parse *p, const yaml_node_t *node, const char *outer,
                     const char *kind, const char *list, unsigned int idx);

/* `socket_dirs:` and `vhost_sockets:` (topo_sockets.c). */
int topo_parse_socket_dirs(struct topo_parse *p, const yaml_node_t *node);
int topo_parse_vhost_sockets(struct topo_parse *p, const yaml_node_t *node);

/* `ports:` (topo_ports.c). */
/* Parses one item of a top-level list; @p i is its index. */
typedef int (*topo_item_fn)(struct topo_parse *p, const yaml_node_t *node, unsigned int i);

/*
 * A top-level list @p section of at most @p max items (@p items names them in the message),
 * each parsed by @p item. @return 0 with *n_out set, or the first item's error.
 */
int topo_parse_list(struct topo_parse *p, const yaml_node_t *node, const char *section,
                    const char *items, unsigned int max, topo_item_fn item, unsigned int *n_out);

int topo_parse_ports(struct topo_parse *p, const yaml_node_t *node);

/* `mirrors:` (topo_ports.c). */
int topo_parse_mirrors(struct topo_parse *p, const yaml_node_t *node);

/* `extensions:` (topo_ext.c), after `ports:`. */
int topo_parse_exts(struct topo_parse *p, const yaml_node_t *node);

/* `nic_switches:` (topo_nicsw.c). */
int topo_parse_nicsws(struct topo_parse *p, const yaml_node_t *node);

#endif /* VSW_TOPO_YAML_H */
