/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command server: the control socket's connections and, in interactive mode, stdin.
 * Each complete line goes through DPDK's cmdline parser with the command lists of this
 * module. Control thread only; a slow or stuck client can delay the control thread by at
 * most the send timeout, never a worker.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "cli_priv.h"
#include "vsw/sockpath.h"

RTE_LOG_REGISTER_DEFAULT(vsw_cli_logtype, INFO);

/* Commands in all lists together, with the terminating NULL. */
#define CLI_CMDS_MAX 128
/* A client that does not read its replies for this long is disconnected. */
#define CLI_SEND_TIMEOUT_MS 1000

struct client {
	int fd; /* -1: free slot */
	bool is_stdin;
	struct cmdline *cl;
	size_t len;
	char buf[VSW_CLI_LINE_SIZE];
};

static cmdline_parse_ctx_t ctx[CLI_CMDS_MAX];
cmdline_parse_ctx_t *vsw_cli_ctx = ctx;

static struct {
	int listen_fd;
	char path[VSW_PATH_SIZE];
	struct client clients[VSW_CLI_CLIENTS_MAX];
	struct client in; /* stdin */
	bool is_quit_requested;
	int status;
} srv = {.listen_fd = -1};

void
vsw_cli_set_status(int rc)
{
	srv.status = rc;
}

void
vsw_cli_request_quit(void)
{
	srv.is_quit_requested = true;
}

bool
vsw_cli_quit_requested(void)
{
	return srv.is_quit_requested;
}

static void
init_once(void)
{
	cmdline_parse_inst_t **lists[] = {vsw_cli_show_cmds, vsw_cli_fdb_cmds, vsw_cli_port_cmds,
	                                  vsw_cli_nicsw_cmds, vsw_cli_misc_cmds};
	unsigned int n = 0;

	if (ctx[0] != NULL)
		return;
	srv.in.fd = -1;
	for (unsigned int i = 0; i < VSW_CLI_CLIENTS_MAX; i++)
		srv.clients[i].fd = -1;
	for (unsigned int l = 0; l < RTE_DIM(lists); l++)
		for (cmdline_parse_inst_t **c = lists[l]; *c != NULL; c++) {
			RTE_VERIFY(n + 1 < CLI_CMDS_MAX);
			ctx[n++] = *c;
		}
	ctx[n] = NULL;
}

static void
print_prompt(void)
{
	if (srv.in.fd >= 0 && isatty(srv.in.fd)) {
		fputs("vsw> ", stdout);
		fflush(stdout);
	}
}

/* The reply trailer of include/vsw/cli.h: NUL, status, newline. */
static void
send_status(int fd, int status)
{
	char trailer[16];
	int len = snprintf(trailer + 1, sizeof(trailer) - 1, "%d\n", status);

	trailer[0] = '\0';
	if (write(fd, trailer, (size_t)len + 1) != len + 1)
		CLI_LOG(DEBUG, "control client went away before its reply");
}

static void
run_line(struct client *c, const char *line)
{
	char cmd[VSW_CLI_LINE_SIZE + 1];
	int rc;

	line += strspn(line, " \t");
	/* DPDK's parser only runs a command that ends with a newline. */
	snprintf(cmd, sizeof(cmd), "%.*s\n", (int)strcspn(line, "\r\n"), line);
	srv.status = 0;
	if (cmd[0] != '\n' && cmd[0] != '#') {
		rc = cmdline_parse(c->cl, cmd);
		if (rc == CMDLINE_PARSE_AMBIGUOUS || rc == CMDLINE_PARSE_NOMATCH ||
		    rc == CMDLINE_PARSE_BAD_ARGS) {
			cmd[strlen(cmd) - 1] = '\0';
			cmdline_printf(c->cl, "error: %s: '%s' (try 'help')\n",
			               rc == CMDLINE_PARSE_AMBIGUOUS ? "ambiguous command"
			               : rc == CMDLINE_PARSE_NOMATCH ? "unknown command"
			                                             : "bad arguments",
			               cmd);
			srv.status = -EINVAL;
		}
	}
	if (!c->is_stdin)
		send_status(c->fd, srv.status);
}

static void
client_close(struct client *c)
{
	cmdline_free(c->cl); /* closes c->fd unless it is stdin */
	c->cl = NULL;
	c->fd = -1;
	c->len = 0;
}

/* Read what is there and run every complete line. */
static void
client_read(struct client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *line, *nl;

	if (n <= 0) {
		if (c->is_stdin)
			srv.is_quit_requested = true; /* end of interactive input, as in testpmd */
		client_close(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	line = c->buf;
	while ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		run_line(c, line);
		line = nl + 1;
		if (c->is_stdin)
			print_prompt();
	}
	c->len -= (size_t)(line - c->buf);
	memmove(c->buf, line, c->len);
	if (c->len == sizeof(c->buf) - 1) {
		CLI_LOG(WARNING, "command line longer than %u bytes, connection closed",
		        VSW_CLI_LINE_SIZE);
		client_close(c);
	}
}

static void
accept_client(void)
{
	const struct timeval tv = {.tv_sec = CLI_SEND_TIMEOUT_MS / 1000,
	                           .tv_usec = (CLI_SEND_TIMEOUT_MS % 1000) * 1000};
	int fd = accept4(srv.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (unsigned int i = 0; i < VSW_CLI_CLIENTS_MAX; i++) {
		struct client *c = &srv.clients[i];

		if (c->fd >= 0)
			continue;
		c->cl = cmdline_new(ctx, "", fd, fd);
		if (c->cl == NULL)
			break;
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		c->fd = fd;
		c->len = 0;
		return;
	}
	CLI_LOG(WARNING, "control socket: %u clients already connected, refusing one",
	        VSW_CLI_CLIENTS_MAX);
	close(fd);
}

int
vsw_cli_server_open(const char *path, struct vsw_errmsg *em)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mode_t old_mask;
	int fd, rc;

	init_once();
	rc = vsw_sockpath_claim(path, "control socket", em);
	if (rc < 0)
		return rc;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* Created 0600: no other user may connect between bind() and a later chmod(). */
	old_mask = umask(0077);
	rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_mask);
	if (rc != 0 || listen(fd, 8) != 0) {
		rc = -errno;
		vsw_errmsg_set(em, "control socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	srv.listen_fd = fd;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	CLI_LOG(INFO, "control socket %s", path);
	return 0;
}

void
vsw_cli_stdin_enable(void)
{
	init_once();
	srv.in.cl = cmdline_new(ctx, "", STDIN_FILENO, STDOUT_FILENO);
	if (srv.in.cl == NULL) {
		CLI_LOG(ERR, "cannot read commands from stdin: out of memory");
		return;
	}
	srv.in.fd = STDIN_FILENO;
	srv.in.is_stdin = true;
	print_prompt();
}

void
vsw_cli_server_poll(int timeout_ms)
{
	init_once();
	struct pollfd pfds[VSW_CLI_CLIENTS_MAX + 2];
	struct client *owners[VSW_CLI_CLIENTS_MAX + 2];
	nfds_t n = 0;

	if (srv.listen_fd >= 0) {
		owners[n] = NULL;
		pfds[n++] = (struct pollfd){.fd = srv.listen_fd, .events = POLLIN};
	}
	if (srv.in.fd >= 0) {
		owners[n] = &srv.in;
		pfds[n++] = (struct pollfd){.fd = srv.in.fd, .events = POLLIN};
	}
	for (unsigned int i = 0; i < VSW_CLI_CLIENTS_MAX; i++)
		if (srv.clients[i].fd >= 0) {
			owners[n] = &srv.clients[i];
			pfds[n++] = (struct pollfd){.fd = srv.clients[i].fd, .events = POLLIN};
		}
	if (poll(pfds, n, timeout_ms) <= 0)
		return; /* timeout, or a signal the caller will look at */
	for (nfds_t i = 0; i < n; i++) {
		if (pfds[i].revents == 0)
			continue;
		if (owners[i] == NULL)
			accept_client();
		else
			client_read(owners[i]);
	}
}

void
vsw_cli_server_close(void)
{
	for (unsigned int i = 0; i < VSW_CLI_CLIENTS_MAX; i++)
		if (srv.clients[i].fd >= 0)
			client_close(&srv.clients[i]);
	if (srv.in.fd >= 0)
		client_close(&srv.in);
	if (srv.listen_fd >= 0) {
		close(srv.listen_fd);
		srv.listen_fd = -1;
		if (unlink(srv.path) != 0)
			CLI_LOG(WARNING, "cannot remove %s: %s", srv.path, strerror(errno));
	}
}
