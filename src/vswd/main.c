/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswd: the vsw daemon. Loads a topology, initialises DPDK's EAL with the topology's
 * arguments, creates the ports, launches the workers and then runs the control loop on the
 * main lcore until SIGINT/SIGTERM or a `quit` command: commands from the control socket (and
 * stdin with -i), link changes. Shutdown stops the workers, closes the ports and removes the
 * sockets it created. Packet capture (capture.c) and the systemd glue (service.c) are apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "vsw/cli.h"
#include "vsw/control.h"
#include "vsw/telemetry.h"
#include "vsw/topo.h"
#include "vswd_priv.h"

RTE_LOG_REGISTER_DEFAULT(vswd_logtype, INFO);
#define VSWD_LOG(lvl, fmt, ...)                                                                    \
	rte_log(RTE_LOG_##lvl, vswd_logtype, "vswd: " fmt "\n", ##__VA_ARGS__)

/* The control loop's period: how fast commands and link changes are served. */
#define CONTROL_POLL_MS 10
/* Per file-prefix locks: two daemons on one prefix would share DPDK state and sockets. */
#define LOCK_DIR "/run/vsw"

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t is_reload_requested;

struct options {
	const char *config;
	bool is_check_only;
	bool is_interactive;
	const char *socket_group;
	const char *cmdline_file;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: vswd -c FILE.yaml [--check] [-i] [-g GROUP] [--cmdline-file F]\n"
	           "  -c, --config FILE         topology to run (YAML)\n"
	           "      --check               validate FILE and exit: 0 valid, 1 not\n"
	           "  -i, --interactive         read commands from stdin (try 'help')\n"
	           "      --cmdline-file F      run F's commands once the switch runs; the\n"
	           "                            first that fails stops vswd\n"
	           "  -g, --socket-group GROUP  group allowed on the control socket besides root\n"
	           "                            (name or gid; default: vswd's own group)\n"
	           "  -h, --help                this text\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"check", no_argument, NULL, 'C'},
	        {"interactive", no_argument, NULL, 'i'},
	        {"socket-group", required_argument, NULL, 'g'},
	        {"cmdline-file", required_argument, NULL, 'F'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:ig:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'C':
			o->is_check_only = true;
			break;
		case 'i':
			o->is_interactive = true;
			break;
		case 'g':
			o->socket_group = optarg;
			break;
		case 'F':
			o->cmdline_file = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			return -EINVAL;
		}
	}
	if (o->config == NULL || optind != argc) {
		fprintf(stderr, "vswd: %s\n",
		        o->config == NULL ? "no topology given (-c FILE)" : "unexpected argument");
		return -EINVAL;
	}
	return 0;
}

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void
on_reload_signal(int sig)
{
	RTE_SET_USED(sig);
	is_reload_requested = 1;
}

static void
install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};
	struct sigaction hup = {.sa_handler = on_reload_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&hup.sa_mask);
	sigaction(SIGHUP, &hup, NULL);
	signal(SIGPIPE, SIG_IGN); /* a control client that goes away must not kill us */
}

static const char *
eal_file_prefix(const struct vsw_topo *topo)
{
	for (unsigned int i = 0; i < topo->n_eal_args; i++) {
		const char *a = topo->eal_args[i];

		if (strncmp(a, "--file-prefix=", 14) == 0)
			return a + 14;
		if (strcmp(a, "--file-prefix") == 0 && i + 1 < topo->n_eal_args)
			return topo->eal_args[i + 1];
	}
	return "rte"; /* EAL's default */
}

/* @return an fd holding the lock of @p prefix, or -1 with the reason printed. */
static int
lock_file_prefix(const char *prefix, char *lock_path, size_t size)
{
	int fd;

	if (mkdir(LOCK_DIR, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "vswd: cannot create %s: %s\n", LOCK_DIR, strerror(errno));
		return -1;
	}
	snprintf(lock_path, size, "%s/vswd-%s.lock", LOCK_DIR, prefix);
	fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "vswd: cannot open %s: %s\n", lock_path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr,
		        "vswd: another vswd runs with EAL file-prefix '%s' (%s is locked)\n",
		        prefix, lock_path);
		close(fd);
		return -1;
	}
	return fd;
}

static int
eal_init(const struct vsw_topo *topo)
{
	char *argv[VSW_EAL_ARGS_MAX + 2];
	int argc = 0;

	argv[argc++] = (char *)(uintptr_t) "vswd";
	for (unsigned int i = 0; i < topo->n_eal_args; i++)
		argv[argc++] = (char *)(uintptr_t)topo->eal_args[i];
	argv[argc] = NULL;
	/* Logs go to stderr only, where a service manager or a test collects them. */
	vswd_log_open();
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "vswd: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

static void
log_ready(const struct vsw_topo *topo)
{
	for (unsigned int i = 0; i < topo->n_ports; i++) {
		const struct vsw_topo_port *p = &topo->ports[i];

		if (p->type == VSW_PORT_SYNTHETIC)
			VSWD_LOG(NOTICE, "port %s: vhost-user %s at %s", p->name,
			         vsw_vhost_mode_name(p->vhost_mode), p->vhost_path);
		else if (p->nicsw[0] != '\0')
			VSWD_LOG(NOTICE, "port %s: %s, the wire of nic switch %s", p->name,
			         vsw_port_type_name(p->type), p->nicsw);
		else
			VSWD_LOG(NOTICE, "port %s: %s on %s", p->name, vsw_port_type_name(p->type),
			         p->device[0] != '\0' ? p->device : p->netdev);
	}
	VSWD_LOG(NOTICE, "ready: %u ports, %u workers, control socket %s", topo->n_ports,
	         topo->n_worker_lcores, topo->control_socket);
	(void)vswd_notify("READY=1");
}

/*
 * SIGHUP: load the file vswd was started with again (systemctl reload). A refused file changes
 * nothing and vswd keeps running; systemd hears of the reload through sd_notify.
 */
static void
reload(const char *path)
{
	struct vsw_errmsg em = {0};
	char summary[256];

	(void)vswd_notify("RELOADING=1");
	VSWD_LOG(NOTICE, "SIGHUP: reloading %s", path);
	vsw_ctl_lock();
	if (vsw_cli_load(path, summary, sizeof(summary), &em) == 0)
		VSWD_LOG(NOTICE, "reloaded %s: %s", path, summary);
	else
		VSWD_LOG(ERR, "reload of %s refused, nothing changed: %s", path, em.msg);
	vsw_ctl_unlock();
	(void)vswd_notify("READY=1");
}

static void
control_loop(const char *config)
{
	while (stop_signal == 0 && !vsw_cli_quit_requested()) {
		vsw_cli_server_poll(CONTROL_POLL_MS);
		if (is_reload_requested) {
			is_reload_requested = 0;
			reload(config);
		}
		vsw_ctl_lock();
		vsw_ctl_poll();
		vsw_ctl_unlock();
	}
	if (stop_signal != 0)
		VSWD_LOG(NOTICE, "%s received, stopping", strsignal(stop_signal));
	(void)vswd_notify("STOPPING=1");
}

/* Everything after the EAL is up. @return the exit status. */
static int
run(const struct vsw_topo *topo, const struct options *o)
{
	struct vsw_errmsg em = {0};
	int rc;

	rc = vsw_ctl_init(topo, &em);
	if (rc < 0)
		goto err;
	if (o->socket_group != NULL) {
		rc = vsw_cli_server_set_group(o->socket_group, &em);
		if (rc < 0)
			goto err_ctl;
	}
	rc = vsw_cli_server_open(topo->control_socket, &em);
	if (rc < 0)
		goto err_ctl;
	rc = vsw_ctl_apply_topo(topo, &em);
	if (rc < 0)
		goto err_cli;
	rc = vsw_ctl_start(&em);
	if (rc < 0)
		goto err_cli;
	/* Telemetry failing is not fatal: the switch works, its counters stay on the CLI. */
	if (vsw_telemetry_enable() < 0)
		VSWD_LOG(WARNING, "telemetry /vsw/ commands unavailable");
	for (unsigned int i = 0; i < topo->n_eal_args; i++)
		if (strcmp(topo->eal_args[i], "--no-telemetry") == 0)
			VSWD_LOG(WARNING, "--no-telemetry in the topology's EAL args: the /vsw/ "
			                  "telemetry commands cannot be reached");
	if (o->cmdline_file != NULL) {
		vsw_ctl_lock();
		rc = vsw_cli_run_file(o->cmdline_file, &em);
		vsw_ctl_unlock();
		if (rc < 0)
			goto err_started;
	}
	log_ready(topo);
	if (o->is_interactive)
		vsw_cli_stdin_enable();
	control_loop(o->config);
	vsw_telemetry_disable();
	vsw_cli_server_close();
	vsw_ctl_fini();
	return EXIT_SUCCESS;

err_started:
	vsw_telemetry_disable();
err_cli:
	vsw_cli_server_close();
err_ctl:
	vsw_ctl_fini();
err:
	fprintf(stderr, "vswd: %s\n", em.msg);
	return EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	struct options opts = {0};
	struct vsw_errmsg em = {0};
	struct vsw_topo *topo;
	char lock_path[VSW_PATH_SIZE + 32];
	int lock_fd, status;

	if (parse_options(argc, argv, &opts) < 0) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	topo = calloc(1, sizeof(*topo));
	if (topo == NULL) {
		fprintf(stderr, "vswd: out of memory\n");
		return EXIT_FAILURE;
	}
	if (vsw_topo_load_file(opts.config, topo, &em) < 0) {
		fprintf(stderr, "vswd: %s\n", em.msg);
		free(topo);
		return EXIT_FAILURE;
	}
	if (opts.is_check_only) {
		printf("%s: ok (%u ports)\n", opts.config, topo->n_ports);
		free(topo);
		return EXIT_SUCCESS;
	}
	lock_fd = lock_file_prefix(eal_file_prefix(topo), lock_path, sizeof(lock_path));
	if (lock_fd < 0) {
		free(topo);
		return EXIT_FAILURE;
	}
	install_signals();
	status = EXIT_FAILURE;
	if (eal_init(topo) == 0) {
		vswd_capture_init(topo, eal_file_prefix(topo));
		status = run(topo, &opts);
		vswd_capture_fini();
		rte_eal_cleanup();
	}
	close(lock_fd); /* the file stays: unlinking it would race with a starting vswd */
	free(topo);
	return status;
}
