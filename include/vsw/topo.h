/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Topology files (R-IF-2): a YAML description of the host, loaded into plain structs.
 *
 * Loading parses with libyaml, checks every key and value, and either fills a struct vsw_topo
 * completely or refuses the file with "file:line:column: reason" in a struct vsw_errmsg and an
 * errno, leaving the struct zeroed. Nothing here touches DPDK or the running switch: the caller
 * applies a loaded topology through the control API. Control thread and tests only.
 *
 * Schema (keys are the product's interface; later versions extend it, never rename):
 * @code
 * eal: { args: ["-l", "0,1", "--in-memory", "--file-prefix", "vsw"] }
 * workers: { lcores: [1] }
 * control: { socket: /run/vsw/vswd.sock }          # optional, this is the default
 * ports:
 *   - { name: uplink, type: external, device: "net_tap0,iface=vsw-pf0" }
 *   - { name: vm1, type: synthetic, mac: "52:54:00:00:00:01",
 *       vhost: { path: /run/vsw/vm1.sock, mode: server } }   # mode: server | client
 * @endcode
 */
#ifndef VSW_TOPO_H
#define VSW_TOPO_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/limits.h"

/** Control socket used when the topology names none. */
#define VSW_TOPO_CONTROL_SOCKET_DEFAULT "/run/vsw/vswd.sock"

/** What a switch port connects to (R-NIC-1). */
enum vsw_port_type {
	VSW_PORT_EXTERNAL,  /**< the uplink: a DPDK device (PCI address or vdev string) */
	VSW_PORT_SYNTHETIC, /**< a VM's virtio-net served over a vhost-user socket */
};

/** Which side of a vhost-user socket vsw plays. */
enum vsw_vhost_mode {
	VSW_VHOST_SERVER, /**< vsw creates the socket and QEMU connects (QEMU reconnect=1) */
	VSW_VHOST_CLIENT, /**< QEMU creates the socket (server=on); vsw connects and reconnects */
};

/** Where a node was in the file; 1-based, as editors count. */
struct vsw_topo_mark {
	unsigned int line;
	unsigned int column;
};

/** One entry of `ports:`. */
struct vsw_topo_port {
	char name[VSW_NAME_SIZE]; /**< unique, [A-Za-z0-9_.-]+ */
	enum vsw_port_type type;
	char device[VSW_DEVARGS_SIZE];  /**< external: DPDK devargs; "" otherwise */
	bool has_mac;                   /**< mac given (required for synthetic ports) */
	uint8_t mac[6];                 /**< unicast, unique among ports */
	char vhost_path[VSW_PATH_SIZE]; /**< synthetic: absolute socket path */
	enum vsw_vhost_mode vhost_mode; /**< synthetic: server unless told otherwise */
	struct vsw_topo_mark mark;      /**< the port's mapping in the file */
};

/** A whole topology file. Large (tens of KiB): allocate it, do not put it on a stack. */
struct vsw_topo {
	char file[VSW_PATH_SIZE * 4]; /**< as given to the loader */
	unsigned int n_eal_args;
	char eal_args[VSW_EAL_ARGS_MAX][VSW_EAL_ARG_SIZE]; /**< argv for rte_eal_init, no argv[0] */
	unsigned int n_worker_lcores;
	unsigned int worker_lcores[VSW_WORKERS_MAX]; /**< distinct lcore ids */
	char control_socket[VSW_PATH_SIZE];          /**< absolute path */
	unsigned int n_ports;
	struct vsw_topo_port ports[VSW_PORTS_MAX];
};

/**
 * Load and validate a topology file.
 *
 * @param path
 *   File to read; also the name used in error messages.
 * @param[out] topo
 *   Filled on success; zeroed on failure.
 * @param[out] err
 *   On failure, "path:line:column: reason" (NULL allowed).
 * @return
 *   0, -ENOENT/-EACCES/... when the file cannot be read, -EINVAL when it is not a valid
 *   topology (YAML syntax, unknown key, wrong type, bad value, duplicate, missing key).
 */
int vsw_topo_load_file(const char *path, struct vsw_topo *topo, struct vsw_errmsg *err);

/**
 * Same as vsw_topo_load_file() on text in memory; @p name stands for the file in messages.
 */
int vsw_topo_load_string(const char *name, const char *text, size_t len, struct vsw_topo *topo,
                         struct vsw_errmsg *err);

/** Name of a port type as written in YAML ("external", "synthetic"). */
const char *vsw_port_type_name(enum vsw_port_type type);

/** Name of a vhost mode as written in YAML ("server", "client"). */
const char *vsw_vhost_mode_name(enum vsw_vhost_mode mode);

#endif /* VSW_TOPO_H */
