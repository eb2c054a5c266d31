/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the two halves of the topology loader share. The parser (topo_parse.c, topo_ports.c,
 * topo_nicsw.c, sharing topo_yaml.h) walks the YAML tree, converts each value with the pure
 * checks declared here and records where every node was; then topo_validate.c (ports, mirrors)
 * and topo_validate_nicsw.c (NIC switches and what refers to them) check the topology as a
 * whole (duplicates, references, what each port type needs) and point their refusals at those
 * marks. Control thread and tests; no DPDK, no libyaml here.
 */
#ifndef VSW_TOPO_PRIV_H
#define VSW_TOPO_PRIV_H

#include <stdbool.h>
#include <stddef.h>
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
	struct vsw_topo_mark mac;                     /* the `mac` value or the `macs` sequence */
	struct vsw_topo_mark macs[VSW_TOPO_MACS_MAX]; /* each address, as in port->macs */
	struct vsw_topo_mark vhost;
	struct vsw_topo_mark vhost_path;
	struct vsw_topo_mark vlan;
	struct vsw_topo_mark mac_spoof_guard;
	struct vsw_topo_mark dhcp_server;
	struct vsw_topo_mark router;
	struct vsw_topo_mark vf;
	struct vsw_topo_mark vf_priority;
	struct vsw_topo_mark announce_on_connect;
	struct vsw_topo_mark nicsw;
	struct vsw_topo_mark netdev;
};

struct topo_mirror_marks {
	struct vsw_topo_mark name;
	struct vsw_topo_mark source;
	struct vsw_topo_mark destination;
};

struct topo_vport_marks {
	struct vsw_topo_mark id;
	struct vsw_topo_mark function;
	struct vsw_topo_mark n_qps; /* the `queue_pairs` value, else the vport's mapping */
	struct vsw_topo_mark filters[VSW_TOPO_FILTERS_MAX]; /* each filter's mapping */
};

struct topo_nicsw_marks {
	struct vsw_topo_mark name;
	struct vsw_topo_mark pf;
	struct vsw_topo_mark vf_socket_dir; /* else the switch's mapping */
	struct vsw_topo_mark qp_default;    /* else the `queue_pairs` mapping */
	struct topo_vport_marks vport[VSW_TOPO_VPORTS_MAX];
};

/* Where the values that whole-topology checks refer to were; filled by the parser. */
struct topo_marks {
	struct vsw_topo_mark control_socket; /* line 0: the default */
	struct vsw_topo_mark socket_dirs;
	struct vsw_topo_mark workers_lcores;
	struct vsw_topo_mark lcores[VSW_WORKERS_MAX];
	struct vsw_topo_mark ports;
	struct topo_port_marks port[VSW_PORTS_MAX];
	struct topo_mirror_marks mirror[VSW_TOPO_MIRRORS_MAX];
	struct topo_nicsw_marks nicsw[VSW_TOPO_NICSW_MAX];
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

/* 0 for a Linux interface name ([A-Za-z0-9_.-]+, not "." or ".."), -ENAMETOOLONG, -EINVAL. */
int topo_netdev_check(const char *name);

/* Decimal 0..@p max -> *value; -EINVAL if not digits, -ERANGE if larger. */
int topo_uint_parse(const char *s, unsigned long max, unsigned long *value);

/* Decimal 0..TOPO_LCORE_ID_MAX -> *lcore; -EINVAL if not digits, -ERANGE if too large. */
int topo_lcore_parse(const char *s, unsigned int *lcore);

/* A word of YAML's core schema: true/True/TRUE, false/False/FALSE; 0 or -EINVAL. */
int topo_bool_parse(const char *s, bool *value);

/* "external", "synthetic", "internal" or "emulated" -> *type; 0 or -EINVAL. */
int topo_port_type_parse(const char *s, enum vsw_port_type *type);

/* "server" or "client" -> *mode; 0 or -EINVAL. */
int topo_vhost_mode_parse(const char *s, enum vsw_vhost_mode *mode);

/* "rx", "tx" or "both" -> *direction; 0 or -EINVAL. */
int topo_mirror_direction_parse(const char *s, enum vsw_mirror_direction *direction);

/* "emulated" or "flow" -> *backend; 0 or -EINVAL. */
int topo_nicsw_backend_parse(const char *s, enum vsw_nicsw_backend *backend);

/* "a, b or c" into @p buf, cut short if it does not fit; for messages. */
void topo_join_words(char *buf, size_t size, const char *const *words, unsigned int n_words);

/*
 * Optimal string alignment distance (Levenshtein plus swaps of neighbours), ignoring case;
 * UINT_MAX for words longer than 32 bytes, which no key is.
 */
unsigned int topo_edit_distance(const char *a, const char *b);

/* The word of @p words close enough to @p word to be what the user meant, or NULL. */
const char *topo_closest(const char *word, const char *const *words, unsigned int n_words);

/*
 * Checks across values once every value was read: lcores distinct and at least one, at least
 * one port, NIC switches sound (topo_validate_nicsws()), names, MACs, vhost paths and netdevs
 * unique, at most one external port, each port has what its type needs and refers to what
 * exists, mirrors refer to ports. Returns 0 or topo_fail()'s -EINVAL. Takes @p topo writable
 * only to record the indexes the references resolve to (nicsw_index, source_index, ...).
 */
int topo_validate(struct vsw_topo *topo, const struct topo_marks *marks, struct vsw_errmsg *err);

/*
 * NIC switches on their own: names and PFs unique, VF socket paths fit, and per switch the
 * vports: ids unique, functions exist, one vport per VF, queue pairs fit the pool, symmetric
 * counts, (mac, vlan) filters unique. Part of topo_validate(); 0 or -EINVAL.
 */
int topo_validate_nicsws(const struct vsw_topo *topo, const struct topo_marks *marks,
                         struct vsw_errmsg *err);

/*
 * With socket_dirs set: the control socket, every server-mode vhost.path and every emulated
 * NIC switch's vf_socket_dir lie inside one of them (topo_sockets.c). Part of topo_validate().
 */
int topo_validate_sockets(const struct vsw_topo *topo, const struct topo_marks *marks,
                          struct vsw_errmsg *err);

/*
 * What port i asks of NIC switches: its `nic_switch` names one (resolved into nicsw_index), its
 * device is no switch's PF, its `vf` exists on some switch, and its vhost.path is no VF's
 * socket. Part of topo_validate(); 0 or -EINVAL.
 */
int topo_validate_port_nicsw(struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                             struct vsw_errmsg *err);

/*
 * "<what> '<name>'" was not found among @p names: the refusal, with a did-you-mean when one
 * name is close, else the list of names. For references to ports and NIC switches.
 */
int topo_fail_unknown(const struct vsw_topo *topo, struct vsw_errmsg *err,
                      struct vsw_topo_mark mark, const char *prefix, const char *what,
                      const char *name, const char *const *names, unsigned int n_names);

#endif /* VSW_TOPO_PRIV_H */
