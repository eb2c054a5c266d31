/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command server: the control socket's connections and, in interactive mode, stdin.
 * Each complete line goes through DPDK's cmdline parser with the command lists of this
 * module. Control thread only, and it never waits on a client: a command's output goes to a
 * memfd, then leaves without blocking as the client reads it; a client that stops reading
 * for CLI_SEND_TIMEOUT_MS is disconnected.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "cli_priv.h"
#include "vsw/control.h"
#include "vsw/sockpath.h"

RTE_LOG_REGISTER_DEFAULT(vsw_cli_logtype, INFO);

/* Commands in all lists together, with the terminating NULL. */
#define CLI_CMDS_MAX 128
/* A client that does not read its replies for this long is disconnected. */
#define CLI_SEND_TIMEOUT_MS 1000
/* The largest reply: `show fdb` of a million learned MACs fits. */
#define CLI_REPLY_MAX (64u << 20)

struct client {
	int fd; /* -1: free slot */
	bool is_stdin;
	struct cmdline *cl; /* socket clients: output goes to out_fd, then to fd */
	int out_fd;         /* memfd collecting one command's output */
	char *reply;        /* what is left to send of the last reply */
	size_t reply_len;
	size_t reply_off;
	uint64_t reply_since_ms; /* when sending last made progress */
	size_t len;
	char buf[VSW_CLI_LINE_SIZE];
};

static cmdline_parse_ctx_t ctx[CLI_CMDS_MAX];
cmdline_parse_ctx_t *vsw_cli_ctx = ctx;

static struct {
	int listen_fd;
	bool has_gid; /* vsw_cli_server_set_group() was called */
	gid_t gid;    /* group that may use the control socket, besides root */
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
	cmdline_parse_inst_t **lists[] = {
	        vsw_cli_show_cmds, vsw_cli_fdb_cmds,      vsw_cli_port_cmds, vsw_cli_nicsw_cmds,
	        vsw_cli_vm_cmds,   vsw_cli_topology_cmds, vsw_cli_pmd_cmds,  vsw_cli_log_cmds,
	        vsw_cli_ext_cmds,  vsw_cli_load_cmds,     vsw_cli_misc_cmds};
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

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Send what is left of @p c's reply without blocking: the control thread must never wait on
 * a client. @return false when the client is gone or stalled and must be closed.
 */
static bool
reply_flush(struct client *c)
{
	while (c->reply_off < c->reply_len) {
		ssize_t n = send(c->fd, c->reply + c->reply_off, c->reply_len - c->reply_off,
		                 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return now_ms() - c->reply_since_ms < CLI_SEND_TIMEOUT_MS;
		if (n <= 0)
			return false;
		c->reply_off += (size_t)n;
		c->reply_since_ms = now_ms();
	}
	free(c->reply);
	c->reply = NULL;
	c->reply_len = c->reply_off = 0;
	return true;
}

/* Move the output the command wrote to the memfd, and the trailer, into the reply. */
static bool
reply_take(struct client *c, int status)
{
	off_t size = lseek(c->out_fd, 0, SEEK_END);
	char trailer[16];
	int len = snprintf(trailer + 1, sizeof(trailer) - 1, "%d\n", status);

	trailer[0] = '\0'; /* the reply trailer of include/vsw/cli.h: NUL, status, newline */
	if (size < 0 || (size_t)size > CLI_REPLY_MAX)
		size = 0;
	c->reply = malloc((size_t)size + (size_t)len + 1);
	if (c->reply == NULL || (size > 0 && pread(c->out_fd, c->reply, (size_t)size, 0) != size) ||
	    ftruncate(c->out_fd, 0) != 0 || lseek(c->out_fd, 0, SEEK_SET) != 0)
		return false;
	memcpy(c->reply + size, trailer, (size_t)len + 1);
	c->reply_len = (size_t)size + (size_t)len + 1;
	c->reply_off = 0;
	c->reply_since_ms = now_ms();
	return true;
}

/* A line that starts with this word runs the rest with JSON output (vswctl --json). */
#define JSON_WORD "json"

static void
run_line(struct client *c, const char *line)
{
	char cmd[VSW_CLI_LINE_SIZE + 1];
	size_t len;
	int rc;

	line += strspn(line, " \t");
	len = strlen(JSON_WORD);
	vsw_cli_set_json(strncmp(line, JSON_WORD, len) == 0 &&
	                 (line[len] == ' ' || line[len] == '\t'));
	if (vsw_cli_is_json())
		line += len + strspn(line + len, " \t");
	/* DPDK's parser only runs a command that ends with a newline. */
	snprintf(cmd, sizeof(cmd), "%.*s\n", (int)strcspn(line, "\r\n"), line);
	srv.status = 0;
	if (cmd[0] != '\n' && cmd[0] != '#') {
		rc = cmdline_parse(c->cl, cmd);
		if (rc == CMDLINE_PARSE_AMBIGUOUS || rc == CMDLINE_PARSE_NOMATCH ||
		    rc == CMDLINE_PARSE_BAD_ARGS) {
			cmd[strlen(cmd) - 1] = '\0';
			vsw_cli_error(c->cl, -EINVAL, "%s: '%s' (try 'help')",
			              rc == CMDLINE_PARSE_AMBIGUOUS ? "ambiguous command"
			              : rc == CMDLINE_PARSE_NOMATCH ? "unknown command"
			                                            : "bad arguments",
			              cmd);
		}
	}
	vsw_cli_set_json(false);
}

static void
client_close(struct client *c)
{
	cmdline_free(c->cl); /* closes c->fd and c->out_fd unless they are stdin/stdout */
	free(c->reply);
	c->reply = NULL;
	c->reply_len = c->reply_off = 0;
	c->cl = NULL;
	c->fd = -1;
	c->len = 0;
}

/*
 * Run the complete lines waiting in @p c's buffer, one reply at a time: a socket client
 * gets its next command run only once the previous reply has left.
 */
static void
client_run(struct client *c)
{
	char *line = c->buf, *nl;

	while (c->reply == NULL && (nl = memchr(line, '\n', c->len - (size_t)(line - c->buf)))) {
		*nl = '\0';
		run_line(c, line);
		line = nl + 1;
		if (c->is_stdin) {
			print_prompt();
			continue;
		}
		if (!reply_take(c, srv.status) || !reply_flush(c)) {
			client_close(c);
			return;
		}
	}
	c->len -= (size_t)(line - c->buf);
	memmove(c->buf, line, c->len);
}

/* Read what is there and run every complete line. */
static void
client_read(struct client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (c->is_stdin)
			srv.is_quit_requested = true; /* end of interactive input, as in testpmd */
		client_close(c);
		return;
	}
	c->len += (size_t)n;
	client_run(c);
	if (c->fd >= 0 && c->len == sizeof(c->buf) - 1) {
		CLI_LOG(WARNING, "command line longer than %u bytes, connection closed",
		        VSW_CLI_LINE_SIZE);
		client_close(c);
	}
}

/* The client can take more of its reply (or has stalled too long). */
static void
client_write(struct client *c)
{
	if (!reply_flush(c)) {
		CLI_LOG(WARNING, "control client stopped reading its replies, connection closed");
		client_close(c);
		return;
	}
	if (c->reply == NULL)
		client_run(c); /* commands that arrived meanwhile */
}

/* Refused connections are logged at most this often. */
#define REFUSAL_LOG_MS 1000
/* Supplementary groups of a peer; more are not looked at (the kernel's NGROUPS_MAX is 65536). */
#define PEER_GROUPS_MAX 1024

/*
 * Whether the peer on @p fd may run commands: root, or in the socket's group by its primary
 * or a supplementary group, as the kernel recorded them at connect(). The file mode already
 * keeps others out; this holds even if the file's mode or group was changed behind vswd's
 * back. @return true, or false with @p why explained.
 */
static bool
peer_allowed(int fd, char *why, size_t size)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[PEER_GROUPS_MAX];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		snprintf(why, size, "peer credentials unknown: %s", strerror(errno));
		return false;
	}
	if (cred.uid == 0 || cred.gid == srv.gid)
		return true;
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
		for (size_t i = 0; i < len / sizeof(groups[0]); i++)
			if (groups[i] == srv.gid)
				return true;
	snprintf(why, size, "pid %d uid %u is neither root nor in group %u", (int)cred.pid,
	         (unsigned int)cred.uid, (unsigned int)srv.gid);
	return false;
}

/* Tell a refused peer why in one reply (best effort: it may not read), then close. */
static void
refuse_client(int fd, const char *why)
{
	static uint64_t last_log_ms;
	static unsigned int n_unlogged;
	char reply[256];
	int len;

	/* A local process could connect in a loop: log once per REFUSAL_LOG_MS at most. */
	if (last_log_ms == 0 || now_ms() - last_log_ms >= REFUSAL_LOG_MS) {
		CLI_LOG(WARNING, "control socket: connection refused: %s (%u more not logged)", why,
		        n_unlogged);
		last_log_ms = now_ms();
		n_unlogged = 0;
	} else {
		n_unlogged++;
	}
	len = snprintf(reply, sizeof(reply), "error: permission denied: %s\n%c%d\n", why, '\0',
	               -EACCES);
	if (len > 0)
		(void)send(fd, reply, RTE_MIN((size_t)len, sizeof(reply) - 1),
		           MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void
accept_client(void)
{
	int fd = accept4(srv.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	char why[128];
	int out_fd;

	if (fd < 0)
		return;
	if (!peer_allowed(fd, why, sizeof(why))) {
		refuse_client(fd, why);
		return;
	}
	for (unsigned int i = 0; i < VSW_CLI_CLIENTS_MAX; i++) {
		struct client *c = &srv.clients[i];

		if (c->fd >= 0)
			continue;
		/* Commands print into a memfd; the reply leaves from there without blocking. */
		out_fd = memfd_create("vsw-cli-reply", MFD_CLOEXEC);
		c->cl = out_fd < 0 ? NULL : cmdline_new(ctx, "", fd, out_fd);
		if (c->cl == NULL) {
			if (out_fd >= 0)
				close(out_fd);
			break;
		}
		c->fd = fd;
		c->out_fd = out_fd;
		c->len = 0;
		return;
	}
	CLI_LOG(WARNING,
	        "control socket: %u clients already connected, or out of memory; "
	        "refusing one",
	        VSW_CLI_CLIENTS_MAX);
	close(fd);
}

int
vsw_cli_server_set_group(const char *group, struct vsw_errmsg *em)
{
	const struct group *gr = getgrnam(group);
	char *end;
	unsigned long id;

	if (gr != NULL) {
		srv.gid = gr->gr_gid;
		srv.has_gid = true;
		return 0;
	}
	id = strtoul(group, &end, 10);
	if (group[0] == '\0' || *end != '\0' || id > UINT32_MAX - 1) {
		vsw_errmsg_set(em, "control socket group %s: no such group", group);
		return -ENOENT;
	}
	srv.gid = (gid_t)id;
	srv.has_gid = true;
	return 0;
}

int
vsw_cli_server_open(const char *path, struct vsw_errmsg *em)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	bool is_bound;
	mode_t old_mask;
	int fd, rc;

	if (path == NULL || path[0] == '\0') {
		vsw_errmsg_set(em, "control socket: no path");
		return -EINVAL;
	}
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
	is_bound = rc == 0;
	if (!srv.has_gid)
		srv.gid = getegid();
	/* Root and the group may connect; the group is then checked again per peer. */
	if (rc == 0 && (chown(path, (uid_t)-1, srv.gid) != 0 || chmod(path, 0660) != 0))
		rc = -1;
	if (rc != 0 || listen(fd, 8) != 0) {
		rc = -errno;
		vsw_errmsg_set(em, "control socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		if (is_bound)
			unlink(path);
		return rc;
	}
	srv.listen_fd = fd;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	CLI_LOG(INFO, "control socket %s (mode 0660, group %u)", path, (unsigned int)srv.gid);
	return 0;
}

int
vsw_cli_run_file(const char *path, struct vsw_errmsg *em)
{
	struct client c = {.fd = -1};
	unsigned int lineno = 0;
	char line[VSW_CLI_LINE_SIZE];
	FILE *f;
	int rc = 0;

	init_once();
	f = fopen(path, "r");
	if (f == NULL) {
		vsw_errmsg_set(em, "%s: %s", path, strerror(errno));
		return -errno;
	}
	c.cl = cmdline_new(ctx, "", STDIN_FILENO, STDOUT_FILENO);
	if (c.cl == NULL) {
		fclose(f);
		vsw_errmsg_set(em, "%s: out of memory for a command line", path);
		return -ENOMEM;
	}
	/* Each command's answer goes to stdout, as testpmd's --cmdline-file does; the first
	 * that fails stops the file, since the ones after it may depend on it. */
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		run_line(&c, line);
		if (srv.status < 0) {
			rc = srv.status;
			vsw_errmsg_set(em, "%s:%u: command failed: %.*s", path, lineno,
			               (int)strcspn(line, "\r\n"), line);
		}
		if (vsw_cli_quit_requested())
			break;
	}
	cmdline_free(c.cl);
	fclose(f);
	return rc;
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
	for (unsigned int i = 0; i < VSW_CLI_CLIENTS_MAX; i++) {
		struct client *c = &srv.clients[i];

		if (c->fd < 0)
			continue;
		/* A client with a reply on its way is not read until the reply has left. */
		if (c->reply != NULL && now_ms() - c->reply_since_ms >= CLI_SEND_TIMEOUT_MS) {
			vsw_ctl_lock();  /* it may run a queued command */
			client_write(c); /* closes it */
			vsw_ctl_unlock();
			continue;
		}
		owners[n] = c;
		pfds[n++] =
		        (struct pollfd){.fd = c->fd, .events = c->reply != NULL ? POLLOUT : POLLIN};
	}
	if (poll(pfds, n, timeout_ms) <= 0)
		return; /* timeout, or a signal the caller will look at */
	/* Commands read and change control state: not while telemetry reads it. */
	vsw_ctl_lock();
	for (nfds_t i = 0; i < n; i++) {
		if (pfds[i].revents == 0)
			continue;
		if (owners[i] == NULL)
			accept_client();
		else if (owners[i]->reply != NULL)
			client_write(owners[i]);
		else
			client_read(owners[i]);
	}
	vsw_ctl_unlock();
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
