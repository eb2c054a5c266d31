/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness of the control socket (lib/cli, include/vsw/cli.h): any bytes written by
 * a client of a real command server, in front of a real control state (an EAL without
 * hugepages, the mbuf pool, a null-device uplink and a vhost-user VM port, no workers
 * launched). Each input is one connection: the bytes go in, the client stops writing, and
 * the server must answer and close within a bounded number of polls, with every reply
 * ending in the protocol's trailer (NUL, status, newline), never crash or leak.
 *
 * Inputs naming `create` are skipped: `port create` makes devices and socket files wherever
 * the input says (as root, a `net_tap` device is a kernel interface). Ports an input deletes
 * are put back before the next input, so that every input meets the same state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz_eal.h"
#include "vsw/cli.h"
#include "vsw/control.h"
#include "vsw/topo.h"

/* Longer inputs are closed by the server for their line length anyway. */
#define INPUT_MAX 8192
/* Polls to answer an input: every line costs at most two (read, then reply). */
#define POLLS_MAX (2 * INPUT_MAX + 64)

static char dir[] = "/tmp/vsw-fuzz-cli-XXXXXX";
static char sock_path[sizeof(dir) + 16];
static struct vsw_topo topo;

static void
make_topology(void)
{
	char text[1024];
	struct vsw_errmsg em = {0};
	int len;

	FUZZ_CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", dir);
	len = snprintf(text, sizeof(text),
	               "eal: { args: [\"-l\", \"0,1\"] }\n"
	               "workers: { lcores: [1] }\n"
	               "control: { socket: %s }\n"
	               "ports:\n"
	               "  - { name: uplink, type: external, device: net_null0,\n"
	               "      vlan: { mode: trunk, allowed: [10, 20] } }\n"
	               "  - { name: vm1, type: synthetic, mac: \"52:54:00:00:00:01\",\n"
	               "      vhost: { path: %s/vm1.sock, mode: server } }\n",
	               sock_path, dir);
	FUZZ_CHECK(vsw_topo_load_string("cli.yaml", text, (size_t)len, &topo, &em) == 0, "%s",
	           em.msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vsw_errmsg em = {0};

	(void)argc;
	make_topology();
	fuzz_eal_init((*argv)[0], "0,1", "256");
	FUZZ_CHECK(vsw_ctl_init(&topo, &em) == 0, "%s", em.msg);
	FUZZ_CHECK(vsw_cli_server_open(sock_path, &em) == 0, "%s", em.msg);
	FUZZ_CHECK(vsw_ctl_apply_topo(&topo, &em) == 0, "%s", em.msg);
	return 0;
}

/* Put back the topology's ports an input deleted. */
static void
restore_ports(void)
{
	struct vsw_errmsg em = {0};

	for (unsigned int i = 0; i < topo.n_ports; i++)
		if (vsw_ctl_port_find(topo.ports[i].name) == NULL)
			FUZZ_CHECK(vsw_ctl_port_add(&topo.ports[i], &em) == 0, "%s", em.msg);
}

/* Does the input name `create`, in any case? */
static bool
names_create(const uint8_t *data, size_t size)
{
	static const char word[] = "create";

	for (size_t i = 0; i + sizeof(word) - 1 <= size; i++)
		if (strncasecmp((const char *)data + i, word, sizeof(word) - 1) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static char reply[1 << 16];
	size_t got = 0;
	bool is_closed = false;
	int fd;

	if (size > INPUT_MAX || names_create(data, size))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FUZZ_CHECK(fd >= 0, "socket: %s", strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	FUZZ_CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s",
	           strerror(errno));
	vsw_cli_server_poll(0); /* accept */
	/* Unix sockets buffer more than INPUT_MAX: the whole input goes in at once. */
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size, "write: %s",
	           strerror(errno));
	shutdown(fd, SHUT_WR);
	FUZZ_CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0, "fcntl");
	for (int i = 0; i < POLLS_MAX && !is_closed; i++) {
		ssize_t n;

		vsw_cli_server_poll(0);
		while ((n = read(fd, reply + got % sizeof(reply),
		                 sizeof(reply) - got % sizeof(reply))) > 0)
			got += (size_t)n;
		is_closed = n == 0;
	}
	FUZZ_CHECK(is_closed, "the server kept the connection after %d polls", POLLS_MAX);
	/* Every reply ends "\0<status>\n": the last byte of the stream is a newline. */
	FUZZ_CHECK(got == 0 || reply[(got - 1) % sizeof(reply)] == '\n', "reply cut short");
	close(fd);
	restore_ports();
	return 0;
}
