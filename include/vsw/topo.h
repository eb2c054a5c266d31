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
 * Schema (keys are the product's interface; later versions extend it, never rename). Every key
 * below the first four is optional unless its comment says otherwise.
 * @code
 * eal: { args: ["-l", "0,1", "--in-memory", "--file-prefix", "vsw"] }
 * workers: { lcores: [1], idle_sleep_max_us: 0,   # 0..100000 us asleep when idle; 0: poll
 *            idle_rxq_poll_us: 50 }         # 0..1000: how often a queue found empty is polled
 * control: { socket: /run/vsw/vswd.sock }          # optional, this is the default
 * socket_dirs: [/run/vsw]                   # optional: every socket vswd listens on is inside
 * vhost_sockets: { owner: qemu, group: kvm, mode: "0660" }  # optional: for vhost servers
 * fdb: { aging_s: 300, max_entries: 65536 }        # aging_s 0 (never) ..86400; 16..1048576
 * ports:
 *   - { name: uplink, type: external, device: "net_tap0,iface=vsw-pf0",  # or nic_switch: nic0,
 *       # or netdev: eth1 (vsw opens AF_XDP, or af_packet where AF_XDP cannot start)
 *       vlan: { mode: trunk, allowed: all, native: 0 } }   # external default; allowed: [10, 20]
 *   - { name: vm1, type: synthetic, mac: "52:54:00:00:00:01",   # or macs: [...], up to 8
 *       vhost: { path: /run/vsw/vm1.sock, mode: server },       # mode: server | client
 *                                    # ethdev: true: through the vhost PMD (dpdk-dumpcap sees it)
 *       vlan: { mode: access, id: 0 },                          # default of the other types
 *       security: { mac_spoof_guard: true,     # default true on synthetic and emulated ports
 *                   dhcp_server: false,        # may answer DHCP: default false on those, else true
 *                   router: false,             # may send RAs/redirects: as dhcp_server
 *                   storm_pps: 0 },            # broadcast+multicast frames/s it may send; 0: any
 *       vf: none,                             # synthetic only: none | auto | 0..63
 *       vf_priority: 0,                       # 0..1000: a higher one takes a lower's VF
 *       announce_on_connect: false }          # RARP from its MACs whenever its NIC connects
 *   - { name: mgmt0, type: internal, netdev: vsw-mgmt0 }        # a TAP into the host
 *   - { name: legacy1, type: emulated, netdev: tap-e1000-1, mac: "52:54:00:00:00:21" }
 * mirrors:
 *   - { name: m1, source: vm1, direction: both, destination: mgmt0 }   # rx | tx | both
 * nic_switches:
 *   - name: nic0
 *     backend: emulated                       # emulated | flow
 *     pf: "net_af_xdp0,iface=veth0"           # dpdk devargs or a pci address
 *     num_vfs: 4                              # 0..64
 *     queue_pairs: { total: 16, default_vport: 2 }
 *     asymmetric: false                       # false: every vport has the same queue_pairs
 *     vf_socket_dir: /run/vsw/vf              # emulated only: VF n is <dir>/nic0-vf<n>.sock
 *     vf_netdevs: [tap-vf0]                   # emulated only: VF n is this tap instead
 *     vports:
 *       - { id: 1, function: vf0, queue_pairs: 2, interrupt_moderation: adaptive,
 *           operational: true, filters: [{ mac: "52:54:00:00:00:01", vlan: 0 }] }
 * extensions:                                 # eBPF programs (include/vsw/bpf_abi.h)
 *   - { name: perv, file: /etc/vsw/vlan_count.o,  # required: name, file, port, stage
 *       section: .text,                       # ELF section of the program (default .text)
 *       port: uplink,                         # a port of this file, or all
 *       stage: ingress,                       # ingress | egress
 *       position: 0,                          # in the extension stack; default: bottom
 *       params: [0x88b5] }                    # vsw_params[0..7]; decimal or 0x hex
 * @endcode
 */
#ifndef VSW_TOPO_H
#define VSW_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vsw/errmsg.h"
#include "vsw/limits.h"
#include "vsw/nicsw.h"
#include "vsw/sockpath.h"
#include "vsw/vlan.h"

/** Control socket used when the topology names none. */
#define VSW_TOPO_CONTROL_SOCKET_DEFAULT "/run/vsw/vswd.sock"

/** Directory of the VF sockets of an emulated NIC switch that names none. */
#define VSW_TOPO_VF_SOCKET_DIR_DEFAULT "/run/vsw/vf"

/** MACs of one port: a guest with a few addresses (macvlan, a second stack) fits. */
#define VSW_TOPO_MACS_MAX 8
/** Port mirrors (SPAN sessions): each copy costs a worker a clone per frame. */
#define VSW_TOPO_MIRRORS_MAX 16
/** NIC switches: one per PF, and hosts give a switch a few PFs at most. */
#define VSW_TOPO_NICSW_MAX 4
/** Non-default VPorts a topology creates per NIC switch; more are created at run time. */
#define VSW_TOPO_VPORTS_MAX 32
/** Receive filters of one VPort: what the NIC switch model accepts. */
#define VSW_TOPO_FILTERS_MAX VSW_NICSW_FILTERS_PER_VPORT_MAX

/** eBPF extensions a topology loads; more can be loaded at run time. */
#define VSW_TOPO_EXTS_MAX 8
/** Values of an extension's `params:` (VSW_BPF_PARAMS of include/vsw/bpf_abi.h). */
#define VSW_TOPO_EXT_PARAMS_MAX 8

/** Longest idle sleep of a worker (issue 3): past 100 ms only the first frame's latency grows. */
#define VSW_TOPO_IDLE_SLEEP_US_MAX 100000
/** `workers.idle_rxq_poll_us`: highest value, and the default. */
#define VSW_TOPO_IDLE_RXQ_POLL_US_MAX 1000
#define VSW_TOPO_IDLE_RXQ_POLL_US_DEFAULT 50
/** FDB aging when the file names none (IEEE 802.1D's default ageing time). */
#define VSW_TOPO_FDB_AGING_S_DEFAULT 300
/** Longest FDB aging: a day; 0 means entries never age. */
#define VSW_TOPO_FDB_AGING_S_MAX 86400
/** FDB size when the file names none. */
#define VSW_TOPO_FDB_ENTRIES_DEFAULT 65536
/** Smallest FDB: a handful of stations on a test bench. */
#define VSW_TOPO_FDB_ENTRIES_MIN 16
/** Largest FDB: a million stations, 2^20, tens of MiB of table. */
#define VSW_TOPO_FDB_ENTRIES_MAX 1048576

/** Highest `storm_pps`: past 100 Mpps a limit is no limit for a software switch. */
#define VSW_TOPO_STORM_PPS_MAX 100000000

/** Bytes of a kernel interface name with its NUL: Linux's IFNAMSIZ. */
#define VSW_TOPO_NETDEV_SIZE 16
/** Highest VF index a port may ask for: one below VSW_NICSW_VFS_MAX. */
#define VSW_TOPO_VF_INDEX_MAX (VSW_NICSW_VFS_MAX - 1)
/** Highest `vf_priority` (include/vsw/vm.h VSW_VM_PRIORITY_MAX). */
#define VSW_TOPO_VF_PRIORITY_MAX 1000
/** Highest id of a non-default VPort. */
#define VSW_TOPO_VPORT_ID_MAX (VSW_NICSW_VPORTS_MAX - 1)

/** What a switch port connects to (R-NIC-1). */
enum vsw_port_type {
	VSW_PORT_EXTERNAL,  /**< the uplink: a DPDK device (PCI address or vdev string) */
	VSW_PORT_SYNTHETIC, /**< a VM's virtio-net served over a vhost-user socket */
	VSW_PORT_INTERNAL,  /**< a TAP interface into the host's own stack */
	VSW_PORT_EMULATED,  /**< a kernel interface (an emulated NIC's tap) via af_packet/af_xdp */
	VSW_PORT_VF,        /**< a VF of an emulated NIC switch: vswd makes these, files cannot */
};

/** Which side of a vhost-user socket vsw plays. */
enum vsw_vhost_mode {
	VSW_VHOST_SERVER, /**< vsw creates the socket and QEMU connects (QEMU reconnect=1) */
	VSW_VHOST_CLIENT, /**< QEMU creates the socket (server=on); vsw connects and reconnects */
};

/** What a synthetic port asks of SR-IOV (R-DP-*). */
enum vsw_topo_vf_mode {
	VSW_TOPO_VF_NONE,  /**< synthetic path only */
	VSW_TOPO_VF_AUTO,  /**< any free VF of a NIC switch */
	VSW_TOPO_VF_INDEX, /**< the VF numbered vf_index */
};

/** Which frames of its source a mirror copies; bit values, so that BOTH = RX | TX. */
enum vsw_mirror_direction {
	VSW_MIRROR_RX = 1,   /**< frames the source port receives from its peer */
	VSW_MIRROR_TX = 2,   /**< frames the switch sends out of the source port */
	VSW_MIRROR_BOTH = 3, /**< both */
};

/** How a NIC switch is realised. */
enum vsw_nicsw_backend {
	VSW_NICSW_BACKEND_EMULATED, /**< in software: VFs are vhost-user sockets, the PF a vdev */
	VSW_NICSW_BACKEND_FLOW,     /**< on a NIC's embedded switch through rte_flow */
};

/** Where a node was in the file; 1-based, as editors count. */
struct vsw_topo_mark {
	unsigned int line;
	unsigned int column;
};

/** A port's VLAN membership: a struct vsw_vlan_cfg ready for the datapath. */
struct vsw_topo_vlan {
	/** Trunks: allowed[] has bit v set for each VLAN v carried tagged (all of 1..4094
	 *  with is_all); access ports: allowed[] is empty. */
	struct vsw_vlan_cfg cfg;
	bool is_all; /**< trunk written `allowed: all` (the external default) */
};

/** A port's `security:` section. */
struct vsw_topo_security {
	/** Drop frames from the port whose source MAC is not one of the port's macs[]. */
	bool has_mac_spoof_guard;
	/** `dhcp_server`: the port may send DHCP server messages (IPv4, UDP source port 67);
	 *  false by default on synthetic and emulated ports, true on the others. */
	bool is_dhcp_server_allowed;
	/** `router`: the port may send IPv6 router advertisements and redirects and IPv4 ICMP
	 *  redirects; false by default on synthetic and emulated ports, true on the others. */
	bool is_router_allowed;
	/** `storm_pps`: broadcast and multicast frames per second the port may send into the
	 *  switch, 0..VSW_TOPO_STORM_PPS_MAX; 0 (the default): no limit. */
	uint32_t storm_pps;
};

/** One entry of `ports:`. */
struct vsw_topo_port {
	char name[VSW_NAME_SIZE]; /**< unique, [A-Za-z0-9_.-]+ */
	enum vsw_port_type type;
	char device[VSW_DEVARGS_SIZE];      /**< external: DPDK devargs; "" otherwise */
	bool has_mac;                       /**< n_macs > 0 (required for synthetic, emulated) */
	uint8_t mac[6];                     /**< macs[0]: unicast, unique among ports */
	unsigned int n_macs;                /**< from `mac` (1) or `macs` (1..VSW_TOPO_MACS_MAX) */
	uint8_t macs[VSW_TOPO_MACS_MAX][6]; /**< unicast, unique among all ports' macs */
	char vhost_path[VSW_PATH_SIZE];     /**< synthetic: absolute socket path */
	enum vsw_vhost_mode vhost_mode;     /**< synthetic: server unless told otherwise */
	/** synthetic: served through the vhost PMD's ethdev, not by the vhost library alone */
	bool has_vhost_ethdev;
	struct vsw_topo_vlan vlan; /**< defaults: external trunk all, others access 0 */
	struct vsw_topo_security security;
	enum vsw_topo_vf_mode vf_mode; /**< synthetic only; VSW_TOPO_VF_NONE by default */
	uint16_t vf_index;             /**< VSW_TOPO_VF_INDEX: 0..VSW_TOPO_VF_INDEX_MAX, else 0 */
	/** synthetic: who keeps a VF when there are too few, 0..VSW_TOPO_VF_PRIORITY_MAX; higher
	 *  wins (include/vsw/vm.h) */
	uint16_t vf_priority;
	/** synthetic: each time its NIC connects, tell the network where its MACs are (one RARP
	 *  per MAC into the switch), as on a live migration's destination */
	bool is_announced_on_connect;
	/** external: NIC switch whose default VPort is the uplink (then device is ""), or "" */
	char nicsw[VSW_NAME_SIZE];
	unsigned int nicsw_index;          /**< with nicsw: its index in topo->nicsws */
	char netdev[VSW_TOPO_NETDEV_SIZE]; /**< internal, emulated, external: kernel interface */
	struct vsw_topo_mark mark;         /**< the port's mapping in the file */
	/** Not in the file: rx queues wanted, 0 for one per worker; the control sets it for a
	 *  hardware NIC switch's PF (its default VPort's queue pairs). */
	uint16_t n_rxqs;
};

/** One entry of `mirrors:`: copies of a port's frames sent out of another port. */
struct vsw_topo_mirror {
	char name[VSW_NAME_SIZE];            /**< unique among mirrors */
	char source[VSW_NAME_SIZE];          /**< name of the port copied */
	char destination[VSW_NAME_SIZE];     /**< name of the port the copies leave by */
	unsigned int source_index;           /**< index of source in topo->ports */
	unsigned int destination_index;      /**< index of destination in topo->ports */
	enum vsw_mirror_direction direction; /**< VSW_MIRROR_BOTH by default */
	struct vsw_topo_mark mark;           /**< the mirror's mapping in the file */
};

/** One receive filter of a VPort (R-VP-7). */
struct vsw_topo_filter {
	uint8_t mac[6]; /**< unicast */
	uint16_t vlan;  /**< 0..VSW_NICSW_VLAN_MAX, 0: untagged; (mac, vlan) unique per switch */
};

/** One non-default VPort of a NIC switch; fields as struct vsw_vport_params names them. */
struct vsw_topo_vport {
	uint16_t vport_id;                /**< 1..VSW_TOPO_VPORT_ID_MAX, unique in its switch */
	enum vsw_vport_function function; /**< fixed for the VPort's life (R-VP-4) */
	uint16_t vf_index;                /**< VSW_VPORT_VF: 0..num_vfs - 1, one VPort per VF */
	uint16_t n_qps;                   /**< 1 by default */
	struct vsw_vport_moderation moderation; /**< adaptive by default */
	bool is_operational;                    /**< false by default */
	unsigned int n_filters;
	struct vsw_topo_filter filters[VSW_TOPO_FILTERS_MAX];
	/** VF VPorts: the kernel interface the VF is shown as (net_af_packet), or "": a
	 *  vhost-user socket in the switch's vf_socket_dir. */
	char vf_netdev[VSW_TOPO_NETDEV_SIZE];
	struct vsw_topo_mark mark; /**< the VPort's mapping in the file */
};

/** One entry of `nic_switches:`; fields as struct vsw_nicsw_params names them. */
struct vsw_topo_nicsw {
	char name[VSW_NAME_SIZE]; /**< unique among NIC switches (may equal a port's name) */
	enum vsw_nicsw_backend backend;
	char pf[VSW_DEVARGS_SIZE]; /**< DPDK devargs or PCI address, unique among switches */
	uint16_t num_vfs;          /**< 0..VSW_NICSW_VFS_MAX */
	uint16_t qp_total;         /**< 1..VSW_NICSW_QPS_MAX, the default VPort's included */
	uint16_t qp_default;       /**< the default VPort's, 1..qp_total (1 by default) */
	bool is_asymmetric;        /**< false: all vports[] have the same n_qps */
	/** Emulated backend: absolute, trailing '/' dropped; VF n listens on
	 *  <vf_socket_dir>/<name>-vf<n>.sock (vsw_topo_vf_socket_path()). "" with flow. */
	char vf_socket_dir[VSW_PATH_SIZE];
	unsigned int n_vports;
	struct vsw_topo_vport vports[VSW_TOPO_VPORTS_MAX]; /**< in file order */
	/** Emulated: VF n (n < n_vf_netdevs) is shown as kernel interface vf_netdevs[n] instead of
	 *  a socket; a VPort's own vf_netdev names the same VF's interface otherwise. */
	unsigned int n_vf_netdevs;
	char vf_netdevs[VSW_NICSW_VFS_MAX][VSW_TOPO_NETDEV_SIZE];
	struct vsw_topo_mark mark; /**< the switch's mapping in the file */
};

/** One entry of `extensions:`: an eBPF extension loaded after the ports are created. */
struct vsw_topo_ext {
	char name[VSW_NAME_SIZE];    /**< unique among extensions */
	char file[VSW_PATH_SIZE];    /**< absolute path of the ELF object */
	char section[VSW_NAME_SIZE]; /**< "" for the default (.text) */
	char port[VSW_NAME_SIZE];    /**< a port of the file, or "all" */
	bool is_egress;              /**< stage egress, else ingress */
	int position;                /**< in the extension stack; -1: bottom */
	unsigned int n_params;
	uint64_t params[VSW_TOPO_EXT_PARAMS_MAX];
	struct vsw_topo_mark mark; /**< the extension's mapping in the file */
};

/** A whole topology file. Large (hundreds of KiB): allocate it, do not put it on a stack. */
struct vsw_topo {
	char file[VSW_PATH_SIZE * 4]; /**< as given to the loader */
	unsigned int n_eal_args;
	char eal_args[VSW_EAL_ARGS_MAX][VSW_EAL_ARG_SIZE]; /**< argv for rte_eal_init, no argv[0] */
	unsigned int n_worker_lcores;
	unsigned int worker_lcores[VSW_WORKERS_MAX]; /**< distinct lcore ids */
	/** Longest sleep of an idle worker, 0..VSW_TOPO_IDLE_SLEEP_US_MAX; 0: always poll. */
	unsigned int idle_sleep_us_max;
	/** An rx queue that found nothing several polls in a row is polled at most once per
	 *  this many us until it has frames again, 0..VSW_TOPO_IDLE_RXQ_POLL_US_MAX; 0: always. */
	unsigned int idle_rxq_poll_us;
	char control_socket[VSW_PATH_SIZE]; /**< absolute path */
	/** `socket_dirs`: when n_socket_dirs > 0, every socket vswd listens on (control socket,
	 *  server-mode vhost.path, VF sockets) must lie in one of these absolute directories. */
	unsigned int n_socket_dirs;
	char socket_dirs[VSW_SOCKET_DIRS_MAX][VSW_PATH_SIZE];
	/** `vhost_sockets`: owner, group and mode given to each vhost-user socket vswd creates. */
	struct vsw_sock_perms vhost_sockets;
	/** 0: entries never age; else 1..VSW_TOPO_FDB_AGING_S_MAX; 300 by default. */
	unsigned int fdb_aging_s;
	/** VSW_TOPO_FDB_ENTRIES_MIN..VSW_TOPO_FDB_ENTRIES_MAX; 65536 by default. */
	unsigned int fdb_entries_max;
	unsigned int n_ports;
	struct vsw_topo_port ports[VSW_PORTS_MAX];
	unsigned int n_mirrors;
	struct vsw_topo_mirror mirrors[VSW_TOPO_MIRRORS_MAX];
	unsigned int n_nicsws;
	struct vsw_topo_nicsw nicsws[VSW_TOPO_NICSW_MAX];
	unsigned int n_exts;
	struct vsw_topo_ext exts[VSW_TOPO_EXTS_MAX];
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

/** Name of a port type as written in YAML ("external", "synthetic", "internal", "emulated"). */
const char *vsw_port_type_name(enum vsw_port_type type);

/**
 * A port as a topology file with only name, type and (optional) @p mac would give it: the
 * schema's defaults for everything else (VLAN, spoof guard). For ports made at run time.
 */
void vsw_topo_port_init(struct vsw_topo_port *tp, const char *name, enum vsw_port_type type,
                        const uint8_t *mac);

/** Name of a vhost mode as written in YAML ("server", "client"). */
const char *vsw_vhost_mode_name(enum vsw_vhost_mode mode);

/** Name of a mirror direction as written in YAML ("rx", "tx", "both"). */
const char *vsw_mirror_direction_name(enum vsw_mirror_direction direction);

/** Name of a NIC switch backend as written in YAML ("emulated", "flow"). */
const char *vsw_nicsw_backend_name(enum vsw_nicsw_backend backend);

/**
 * Path of the vhost-user socket of VF @p vf of an emulated NIC switch:
 * "<vf_socket_dir>/<name>-vf<vf>.sock".
 *
 * @return
 *   0, or -ENAMETOOLONG when it does not fit in @p size bytes (then @p buf is truncated),
 *   -EINVAL when @p sw is not emulated.
 */
int vsw_topo_vf_socket_path(const struct vsw_topo_nicsw *sw, unsigned int vf, char *buf,
                            size_t size);

/**
 * What CREATE_SWITCH needs for NIC switch @p sw, in @p params. A symmetric switch gives every
 * non-default VPort the count its configured VPorts have (validation made them equal), 1 when
 * it has none: the count a VPort gets when its `queue_pairs` is left out.
 */
void vsw_topo_nicsw_params(const struct vsw_topo_nicsw *sw, struct vsw_nicsw_params *params);

/**
 * Write @p topo as a topology file: loading the text gives the same struct back (marks and
 * the file name aside). For `vswctl dump`.
 * @return 0, or -EIO when writing to @p f failed.
 */
int vsw_topo_write(const struct vsw_topo *topo, FILE *f);

/**
 * What a reload changes (vsw_topo_diff()): indexes into the old topology (`del`) or the new
 * one (the others). Ports match by name; a port whose type, device, netdev, nic_switch or
 * vhost socket changes is replaced: deleted, then added.
 */
struct vsw_topo_diff {
	unsigned int n_port_dels;
	unsigned int port_dels[VSW_PORTS_MAX]; /**< old ports removed or replaced */
	unsigned int n_port_adds;
	unsigned int port_adds[VSW_PORTS_MAX]; /**< new ports added or replaced */
	unsigned int n_port_updates;
	/** new ports kept whose MACs, VLAN or security change in place */
	unsigned int port_updates[VSW_PORTS_MAX];
	unsigned int n_port_vfs;
	unsigned int port_vfs[VSW_PORTS_MAX]; /**< new ports kept whose vf or vf_priority change */
	bool has_mirrors_changed;             /**< any mirror added, removed or changed */
	bool has_idle_sleep_changed;          /**< workers.idle_sleep_max_us or idle_rxq_poll_us */
	unsigned int n_ext_dels;
	unsigned int ext_dels[VSW_TOPO_EXTS_MAX]; /**< old extensions removed or replaced */
	unsigned int n_ext_adds;
	unsigned int ext_adds[VSW_TOPO_EXTS_MAX]; /**< new extensions added or replaced */
	unsigned int n_ext_params;
	unsigned int ext_params[VSW_TOPO_EXTS_MAX]; /**< new extensions whose params only change */
};

/** The diff changes nothing. */
bool vsw_topo_diff_is_empty(const struct vsw_topo_diff *d);

/**
 * What going from @p old (the running state) to @p new changes. Changes a running vswd cannot
 * make (EAL arguments, worker lcores, control socket, fdb sizing, NIC switches) are refused,
 * all of them named in @p err ("file: eal.args: changed, needs a restart of vswd; ...").
 * Pure: nothing is applied. Control thread and tests.
 * @return 0 and @p d filled; -ENOTSUP (restart needed, @p d zeroed).
 */
int vsw_topo_diff(const struct vsw_topo *old, const struct vsw_topo *new, struct vsw_topo_diff *d,
                  struct vsw_errmsg *err);

/** Ports @p a and @p b are the same device: same name, type, device, netdev, socket. */
bool vsw_topo_port_same_device(const struct vsw_topo_port *a, const struct vsw_topo_port *b);

#endif /* VSW_TOPO_H */
