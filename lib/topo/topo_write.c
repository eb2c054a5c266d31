/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A struct vsw_topo written back as a topology file (`vswctl dump`): every key the loader
 * reads, in the schema's order, so that loading the text gives the same struct again (marks
 * and the file name aside). Strings are double-quoted with the escapes YAML defines, so a
 * name or path that looks like a number, a boolean or null stays a string. Pure C, no DPDK:
 * control thread and tests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "topo_priv.h"

static void
put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		const unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
put_mac(FILE *f, const uint8_t mac[6])
{
	char s[TOPO_MAC_STR_SIZE];

	topo_mac_format(mac, s);
	put_str(f, s);
}

/* socket_dirs and vhost_sockets, when the topology has them. */
static void
write_sockets(FILE *f, const struct vsw_topo *t)
{
	const struct vsw_sock_perms *v = &t->vhost_sockets;

	if (t->n_socket_dirs > 0) {
		fputs("socket_dirs: [", f);
		for (unsigned int i = 0; i < t->n_socket_dirs; i++) {
			fputs(i > 0 ? ", " : "", f);
			put_str(f, t->socket_dirs[i]);
		}
		fputs("]\n", f);
	}
	if (!v->has_owner && !v->has_group && !v->has_mode)
		return;
	fputs("vhost_sockets:\n", f);
	if (v->has_owner) {
		fputs("  owner: ", f);
		put_str(f, v->owner);
		fputc('\n', f);
	}
	if (v->has_group) {
		fputs("  group: ", f);
		put_str(f, v->group);
		fputc('\n', f);
	}
	if (v->has_mode)
		fprintf(f, "  mode: \"%04o\"\n", (unsigned int)v->mode);
}

static void
write_head(FILE *f, const struct vsw_topo *t)
{
	fputs("eal:\n  args: [", f);
	for (unsigned int i = 0; i < t->n_eal_args; i++) {
		fputs(i > 0 ? ", " : "", f);
		put_str(f, t->eal_args[i]);
	}
	fputs("]\nworkers:\n  lcores: [", f);
	for (unsigned int i = 0; i < t->n_worker_lcores; i++)
		fprintf(f, "%s%u", i > 0 ? ", " : "", t->worker_lcores[i]);
	fprintf(f, "]\n  idle_sleep_max_us: %u\n  idle_rxq_poll_us: %u\ncontrol:\n  socket: ",
	        t->idle_sleep_us_max, t->idle_rxq_poll_us);
	put_str(f, t->control_socket);
	fprintf(f, "\nfdb:\n  aging_s: %u\n  max_entries: %u\n", t->fdb_aging_s,
	        t->fdb_entries_max);
	write_sockets(f, t);
}

static void
write_vlan(FILE *f, const struct vsw_topo_vlan *v)
{
	bool is_first = true;

	if (v->cfg.mode == VSW_VLAN_ACCESS) {
		fprintf(f, "    vlan: { mode: access, id: %u }\n", v->cfg.id);
		return;
	}
	fputs("    vlan: { mode: trunk, allowed: ", f);
	if (v->is_all) {
		fputs("all", f);
	} else {
		fputc('[', f);
		for (uint16_t id = 1; id <= VSW_VLAN_ID_MAX; id++) {
			if (!vsw_vlan_is_allowed(&v->cfg, id))
				continue;
			fprintf(f, "%s%u", is_first ? "" : ", ", id);
			is_first = false;
		}
		fputc(']', f);
	}
	fprintf(f, ", native: %u }\n", v->cfg.native);
}

static void
write_port(FILE *f, const struct vsw_topo_port *p)
{
	fputs("  - name: ", f);
	put_str(f, p->name);
	fprintf(f, "\n    type: %s\n", vsw_port_type_name(p->type));
	if (p->nicsw[0] != '\0') {
		fputs("    nic_switch: ", f);
		put_str(f, p->nicsw);
		fputc('\n', f);
	} else if (p->device[0] != '\0') {
		fputs("    device: ", f);
		put_str(f, p->device);
		fputc('\n', f);
	}
	if (p->netdev[0] != '\0') {
		fputs("    netdev: ", f);
		put_str(f, p->netdev);
		fputc('\n', f);
	}
	if (p->n_macs == 1) {
		fputs("    mac: ", f);
		put_mac(f, p->macs[0]);
		fputc('\n', f);
	} else if (p->n_macs > 1) {
		fputs("    macs: [", f);
		for (unsigned int i = 0; i < p->n_macs; i++) {
			fputs(i > 0 ? ", " : "", f);
			put_mac(f, p->macs[i]);
		}
		fputs("]\n", f);
	}
	if (p->type == VSW_PORT_SYNTHETIC) {
		fputs("    vhost: { path: ", f);
		put_str(f, p->vhost_path);
		fprintf(f, ", mode: %s%s }\n", vsw_vhost_mode_name(p->vhost_mode),
		        p->has_vhost_ethdev ? ", ethdev: true" : "");
	}
	write_vlan(f, &p->vlan);
	fputs("    security: { ", f);
	/* The guard needs a MAC to check against: a port without one keeps the default. */
	if (p->n_macs > 0)
		fprintf(f, "mac_spoof_guard: %s, ",
		        p->security.has_mac_spoof_guard ? "true" : "false");
	fprintf(f, "dhcp_server: %s, router: %s, storm_pps: %" PRIu32 " }\n",
	        p->security.is_dhcp_server_allowed ? "true" : "false",
	        p->security.is_router_allowed ? "true" : "false", p->security.storm_pps);
	if (p->type != VSW_PORT_SYNTHETIC)
		return;
	if (p->vf_mode == VSW_TOPO_VF_INDEX)
		fprintf(f, "    vf: %u\n", p->vf_index);
	else
		fprintf(f, "    vf: %s\n", p->vf_mode == VSW_TOPO_VF_AUTO ? "auto" : "none");
	fprintf(f, "    vf_priority: %u\n", p->vf_priority);
	if (p->is_announced_on_connect)
		fputs("    announce_on_connect: true\n", f);
}

static void
write_mirrors(FILE *f, const struct vsw_topo *t)
{
	if (t->n_mirrors == 0)
		return;
	fputs("mirrors:\n", f);
	for (unsigned int i = 0; i < t->n_mirrors; i++) {
		const struct vsw_topo_mirror *m = &t->mirrors[i];

		fputs("  - { name: ", f);
		put_str(f, m->name);
		fputs(", source: ", f);
		put_str(f, m->source);
		fputs(", destination: ", f);
		put_str(f, m->destination);
		fprintf(f, ", direction: %s }\n", vsw_mirror_direction_name(m->direction));
	}
}

static void
write_vport(FILE *f, const struct vsw_topo_vport *v)
{
	fprintf(f, "      - id: %u\n", v->vport_id);
	if (v->function == VSW_VPORT_VF)
		fprintf(f, "        function: vf%u\n", v->vf_index);
	else
		fputs("        function: pf\n", f);
	fprintf(f, "        queue_pairs: %u\n", v->n_qps);
	if (v->moderation.mode == VSW_VPORT_MOD_RATE)
		fprintf(f, "        interrupt_moderation: %" PRIu32 "\n", v->moderation.rate_per_s);
	else
		fprintf(f, "        interrupt_moderation: %s\n",
		        v->moderation.mode == VSW_VPORT_MOD_OFF ? "off" : "adaptive");
	fprintf(f, "        operational: %s\n", v->is_operational ? "true" : "false");
	if (v->vf_netdev[0] != '\0') {
		fputs("        vf_netdev: ", f);
		put_str(f, v->vf_netdev);
		fputc('\n', f);
	}
	if (v->n_filters == 0)
		return;
	fputs("        filters:\n", f);
	for (unsigned int i = 0; i < v->n_filters; i++) {
		fputs("          - { mac: ", f);
		put_mac(f, v->filters[i].mac);
		fprintf(f, ", vlan: %u }\n", v->filters[i].vlan);
	}
}

static void
write_nicsws(FILE *f, const struct vsw_topo *t)
{
	if (t->n_nicsws == 0)
		return;
	fputs("nic_switches:\n", f);
	for (unsigned int i = 0; i < t->n_nicsws; i++) {
		const struct vsw_topo_nicsw *s = &t->nicsws[i];

		fputs("  - name: ", f);
		put_str(f, s->name);
		fprintf(f, "\n    backend: %s\n    pf: ", vsw_nicsw_backend_name(s->backend));
		put_str(f, s->pf);
		fprintf(f,
		        "\n    num_vfs: %u\n    queue_pairs: { total: %u, default_vport: %u }\n"
		        "    asymmetric: %s\n",
		        s->num_vfs, s->qp_total, s->qp_default,
		        s->is_asymmetric ? "true" : "false");
		if (s->vf_socket_dir[0] != '\0') {
			fputs("    vf_socket_dir: ", f);
			put_str(f, s->vf_socket_dir);
			fputc('\n', f);
		}
		if (s->n_vports == 0)
			continue;
		fputs("    vports:\n", f);
		for (unsigned int k = 0; k < s->n_vports; k++)
			write_vport(f, &s->vports[k]);
	}
}

static void
write_exts(FILE *f, const struct vsw_topo *t)
{
	if (t->n_exts == 0)
		return;
	fputs("extensions:\n", f);
	for (unsigned int i = 0; i < t->n_exts; i++) {
		const struct vsw_topo_ext *e = &t->exts[i];

		fputs("  - name: ", f);
		put_str(f, e->name);
		fputs("\n    file: ", f);
		put_str(f, e->file);
		if (e->section[0] != '\0') {
			fputs("\n    section: ", f);
			put_str(f, e->section);
		}
		fputs("\n    port: ", f);
		put_str(f, e->port);
		fprintf(f, "\n    stage: %s\n", e->is_egress ? "egress" : "ingress");
		if (e->position >= 0)
			fprintf(f, "    position: %d\n", e->position);
		if (e->n_params == 0)
			continue;
		fputs("    params: [", f);
		for (unsigned int k = 0; k < e->n_params; k++)
			fprintf(f, "%s0x%" PRIx64, k > 0 ? ", " : "", e->params[k]);
		fputs("]\n", f);
	}
}

int
vsw_topo_write(const struct vsw_topo *topo, FILE *f)
{
	write_head(f, topo);
	fputs("ports:\n", f);
	for (unsigned int i = 0; i < topo->n_ports; i++)
		write_port(f, &topo->ports[i]);
	write_mirrors(f, topo);
	write_nicsws(f, topo);
	write_exts(f, topo);
	return ferror(f) ? -EIO : 0;
}
