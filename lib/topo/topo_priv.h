/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the two halves of the topology loader share. topo_parse.c walks the YAML tree, converts
 * each value with the pure checks declared here and records where every node was; then
 * topo_validate.c checks the topology as a whole (duplicates, what each port type needs) and
 * points its refusals at those marks. Control thread and tests; no DPDK, no libyaml here.
 */
#ifndef VSW_TOPO_PRIV_H
#define VSW_TOPO_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/topo.h"

/*
 * Highest lcore id a topology may name. DPDK's own bound is RTE_MAX_LCORE of the build
 * (128 in Debian's package); the file format allows what a large DPDK build allows, and EAL
 * refuses ids its build cannot run.
 */
#define TOPO_LCORE_ID_MAX 1023

/* Largest file read: real topologies are a few KiB, so a wrong path to a big file fails early. */
#define TOPO_FILE_SIZE_MAX ((size_t)1024 * 1024)

/* Bytes of "52:54:00:00:00:01" with its NUL. */
#define TOPO_MAC_STR_SIZE 18

/* Where each value of one port was; a line of 0 means the key was absent. */
struct topo_port_marks {
	struct vsw_topo_mark name;
	struct vsw_topo_mark device;
	struct vsw_topo_mark mac;
	struct vsw_topo_mark vhost;
	struct vsw_topo_mark vhost_path;
};

/* Where the values that whole-topology checks refer to were; filled by the parser. */
struct topo_marks {
	struct vsw_topo_mark workers_lcores;
	struct vsw_topo_mark lcores[VSW_WORKERS_MAX];
	struct vsw_topo_mark ports;
	struct topo_port_marks port[VSW_PORTS_MAX];
};

/*
 * Write "file:line:column: reason" into @p err, taking the file from topo->file.
 * Returns -EINVAL, so that callers can "return topo_fail(...)".
 */
int topo_fail(const struct vsw_topo *topo, struct vsw_errmsg *err, struct vsw_topo_mark mark,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "52:54:00:00:00:01" (two hex digits per byte, any case) -> 6 bytes; 0 or -EINVAL. */
int topo_mac_parse(const char *s, uint8_t mac[6]);

/* Group bit set: the address of many stations, never a port's own. */
bool topo_mac_is_multicast(const uint8_t mac[6]);

/* 00:00:00:00:00:00, which no station owns. */
bool topo_mac_is_zero(const uint8_t mac[6]);

/* 6 bytes -> "52:54:00:00:00:01" in lowercase. */
void topo_mac_format(const uint8_t mac[6], char s[TOPO_MAC_STR_SIZE]);

/* 0 for [A-Za-z0-9_.-]+ shorter than VSW_NAME_SIZE, -ENAMETOOLONG if longer, else -EINVAL. */
int topo_name_check(const char *name);

/* 0 for an absolute path shorter than VSW_PATH_SIZE, -ENAMETOOLONG if longer, else -EINVAL. */
int topo_path_check(const char *path);

/* Decimal 0..TOPO_LCORE_ID_MAX -> *lcore; -EINVAL if not digits, -ERANGE if too large. */
int topo_lcore_parse(const char *s, unsigned int *lcore);

/* "external" or "synthetic" -> *type; 0 or -EINVAL. */
int topo_port_type_parse(const char *s, enum vsw_port_type *type);

/* "server" or "client" -> *mode; 0 or -EINVAL. */
int topo_vhost_mode_parse(const char *s, enum vsw_vhost_mode *mode);

/*
 * Optimal string alignment distance (Levenshtein plus swaps of neighbours), ignoring case;
 * UINT_MAX for words longer than 32 bytes, which no key is.
 */
unsigned int topo_edit_distance(const char *a, const char *b);

/* The word of @p words close enough to @p word to be what the user meant, or NULL. */
const char *topo_closest(const char *word, const char *const *words, unsigned int n_words);

/*
 * Checks across values once every value was read: lcores distinct and at least one, at least
 * one port, names, MACs and vhost paths unique, at most one external port, each port has what
 * its type needs. Returns 0 or topo_fail()'s -EINVAL.
 */
int topo_validate(const struct vsw_topo *topo, const struct topo_marks *marks,
                  struct vsw_errmsg *err);

#endif /* VSW_TOPO_PRIV_H */
