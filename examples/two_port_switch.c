/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The smallest switch built on libvsw: EAL arguments, then one port per remaining argument
 * ("name=vhost:/path/sock@52:54:00:00:00:01" for a VM, "name=dev:net_tap0,iface=t0" for the
 * uplink), forwarding until Ctrl-C, then the counters. Shows the control API without YAML:
 *   two_port_switch -l 0,1 --no-huge --no-shconf -m 256 --no-pci -- \
 *       up=dev:net_tap0,iface=ex0 vm=vhost:/tmp/vm.sock@52:54:00:00:00:01
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_lcore.h>

#include "vsw/control.h"

static volatile sig_atomic_t is_stopping;

static void
on_signal(int sig)
{
	(void)sig;
	is_stopping = 1;
}

/* "name=vhost:PATH@MAC" or "name=dev:DEVARGS" into @p tp. */
static int
parse_port(const char *arg, struct vsw_topo_port *tp)
{
	const char *eq = strchr(arg, '=');
	const char *at;

	memset(tp, 0, sizeof(*tp));
	if (eq == NULL || (size_t)(eq - arg) >= sizeof(tp->name))
		return -1;
	memcpy(tp->name, arg, (size_t)(eq - arg));
	if (strncmp(eq + 1, "dev:", 4) == 0) {
		tp->type = VSW_PORT_EXTERNAL;
		snprintf(tp->device, sizeof(tp->device), "%s", eq + 5);
		return 0;
	}
	at = strchr(eq, '@');
	if (strncmp(eq + 1, "vhost:", 6) != 0 || at == NULL)
		return -1;
	tp->type = VSW_PORT_SYNTHETIC;
	snprintf(tp->vhost_path, sizeof(tp->vhost_path), "%.*s", (int)(at - (eq + 7)), eq + 7);
	tp->has_mac = rte_ether_unformat_addr(at + 1, (struct rte_ether_addr *)tp->mac) == 0;
	return tp->has_mac ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static struct vsw_topo topo; /* large: not on the stack */
	struct vsw_errmsg em = {0};
	int n = rte_eal_init(argc, argv);

	if (n < 0)
		return EXIT_FAILURE;
	topo.n_worker_lcores = 1;
	topo.worker_lcores[0] = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	for (int i = n + 1; i < argc && topo.n_ports < VSW_PORTS_MAX; i++)
		if (parse_port(argv[i], &topo.ports[topo.n_ports++]) < 0) {
			fprintf(stderr, "bad port '%s'\n", argv[i]);
			return EXIT_FAILURE;
		}
	if (vsw_ctl_init(&topo, &em) < 0 || vsw_ctl_apply_topo(&topo, &em) < 0 ||
	    vsw_ctl_start(&em) < 0) {
		fprintf(stderr, "%s\n", em.msg);
		return EXIT_FAILURE;
	}
	signal(SIGINT, on_signal);
	while (!is_stopping) {
		vsw_ctl_poll();
		usleep(10000);
	}
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);
		struct vsw_port_stats s;

		if (p == NULL)
			continue;
		vsw_ctl_port_stats(p, &s);
		printf("%s: rx %" PRIu64 " tx %" PRIu64 " drops %" PRIu64 "\n", p->name,
		       s.rx_packets, s.tx_packets, vsw_port_stats_drops(&s));
	}
	vsw_ctl_fini();
	rte_eal_cleanup();
	return EXIT_SUCCESS;
}
