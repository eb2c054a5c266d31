/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The service manager glue, without libsystemd: both protocols are small enough to speak
 * directly.
 *
 * Readiness: systemd (Type=notify) passes $NOTIFY_SOCKET, a unix datagram socket (a path, or
 * an abstract name written with a leading '@'); a datagram "READY=1" says the ports exist and
 * the control socket listens, "STOPPING=1" that shutdown began.
 *
 * Logging: when stderr is the journal, systemd sets $JOURNAL_STREAM to its device and inode.
 * DPDK's log lines then go through a stream that starts each line with "<N>", the syslog
 * priority journald strips and stores, and "[type]", the DPDK log type, so that
 * `journalctl -u vswd -p warning` and `journalctl -u vswd -g vsw.cli` work. Elsewhere (a
 * terminal, a test) lines stay as DPDK writes them.
 *
 * The log stream may be written by any thread that logs, workers included; the FILE's own
 * lock serialises the calls to log_write().
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_log.h>

#include "vswd_priv.h"

#define SERVICE_LOG(lvl, fmt, ...)                                                                 \
	rte_log(RTE_LOG_##lvl, vswd_logtype, "vswd: " fmt "\n", ##__VA_ARGS__)

/* Log types named in journal lines; DPDK 22.11 with every driver registers ~400. */
#define LOGTYPES_MAX 1024
#define LOGTYPE_NAME_SIZE 48

static struct {
	char names[LOGTYPES_MAX][LOGTYPE_NAME_SIZE];
	bool is_line_start;
} journal = {.is_line_start = true};

/*
 * DPDK 22.11 has no getter for a log type's name, only rte_log_dump(): read the names from
 * it. Drivers register their types when the EAL loads them, so this runs again on a miss.
 */
static void
load_logtype_names(void)
{
	char *text = NULL, *line, *save = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (f == NULL)
		return;
	rte_log_dump(f);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		unsigned int id;
		char name[LOGTYPE_NAME_SIZE];

		if (sscanf(line, "id %u: %47[^,]", &id, name) == 2 && id < LOGTYPES_MAX)
			snprintf(journal.names[id], LOGTYPE_NAME_SIZE, "%s", name);
	}
	free(text);
}

static const char *
logtype_name(int type)
{
	if (type < 0 || type >= LOGTYPES_MAX)
		return "unknown";
	if (journal.names[type][0] == '\0')
		load_logtype_names();
	return journal.names[type][0] != '\0' ? journal.names[type] : "unknown";
}

static bool
write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* fopencookie writer: rte_vlog() set the message's level and type just before writing. */
static ssize_t
log_write(void *cookie, const char *buf, size_t size)
{
	size_t off = 0;

	RTE_SET_USED(cookie);
	while (off < size) {
		const char *nl = memchr(buf + off, '\n', size - off);
		size_t len = nl != NULL ? (size_t)(nl - (buf + off)) + 1 : size - off;

		if (journal.is_line_start) {
			char prefix[LOGTYPE_NAME_SIZE + 16];
			int level = rte_log_cur_msg_loglevel();
			/* DPDK levels are syslog priorities plus one (RTE_LOG_EMERG is 1). */
			int prio = level >= 1 && level <= 8 ? level - 1 : 6;
			int n = snprintf(prefix, sizeof(prefix), "<%d>[%s] ", prio,
			                 logtype_name(rte_log_cur_msg_logtype()));

			if (!write_all(prefix, (size_t)n))
				return -1;
		}
		if (!write_all(buf + off, len))
			return -1;
		journal.is_line_start = nl != NULL;
		off += len;
	}
	return (ssize_t)size;
}

/* systemd's rule: stderr is the journal when $JOURNAL_STREAM names its device and inode. */
static bool
stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
vswd_log_open(void)
{
	static const cookie_io_functions_t io = {.write = log_write};
	FILE *f;

	if (!stderr_is_journal()) {
		rte_openlog_stream(stderr);
		return;
	}
	f = fopencookie(NULL, "w", io);
	if (f == NULL) {
		rte_openlog_stream(stderr);
		return;
	}
	rte_openlog_stream(f); /* kept open for the process's life: workers may log at exit */
}

int
vswd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t sa_len;
	size_t len;
	int fd, rc = 0;

	if (path == NULL || path[0] == '\0')
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path)) {
		SERVICE_LOG(WARNING, "NOTIFY_SOCKET '%s': not a unix socket address", path);
		return -EINVAL;
	}
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* an abstract name: no NUL terminator counted */
	sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
	} else {
		if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, sa_len) <
		    0)
			rc = -errno;
		close(fd);
	}
	if (rc < 0)
		SERVICE_LOG(WARNING, "cannot notify the service manager (%s) of %s: %s", path,
		            state, strerror(-rc));
	return rc;
}
