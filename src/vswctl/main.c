/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswctl: send commands to a running vswd over its control socket and print the replies.
 * `vswctl show port stats` runs one command; with no command, each line of stdin is one.
 * --json asks vswd for JSON output: one JSON object per command (errors as
 * {"error": ..., "errno": ...}).
 * Exit status: 0 when every command succeeded, 1 when one failed, 2 when vswd is unreachable.
 * Protocol: include/vsw/cli.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vsw/cli.h"
#include "vsw/topo.h"

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: vswctl [-s SOCKET] [--json] [COMMAND...]\n"
	        "  -s, --socket PATH   vswd control socket (default %s)\n"
	        "  -j, --json          output as JSON, one object per command\n"
	        "  COMMAND             e.g. 'show port stats'; none: read commands from stdin\n",
	        VSW_TOPO_CONTROL_SOCKET_DEFAULT);
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vswctl: socket path too long: %s\n", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "vswctl: cannot reach vswd at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Print the reply to one command. @return its status, or INT_MIN if the daemon went away. */
static int
read_reply(FILE *in)
{
	int c, status;

	while ((c = fgetc(in)) != EOF && c != '\0')
		putchar(c);
	if (c == EOF || fscanf(in, "%d", &status) != 1 || fgetc(in) != '\n') {
		fprintf(stderr, "vswctl: vswd closed the connection\n");
		return -EPIPE;
	}
	fflush(stdout);
	return status;
}

/* The word that asks vswd for JSON output (include/vsw/cli.h). */
#define JSON_WORD "json "

static bool is_json;

static int
run_command(int fd, FILE *in, const char *line)
{
	const char *prefix = is_json ? JSON_WORD : "";
	size_t len = strlen(line);

	if (len + strlen(prefix) + 1 >= VSW_CLI_LINE_SIZE || memchr(line, '\n', len) != NULL) {
		fprintf(stderr, "vswctl: command too long or spans lines\n");
		return -EINVAL;
	}
	/* vswd refuses a peer with one reply and closes: a failed write may still have one. */
	if (dprintf(fd, "%s%s\n", prefix, line) < 0 && errno != EPIPE) {
		fprintf(stderr, "vswctl: write: %s\n", strerror(errno));
		return -EPIPE;
	}
	return read_reply(in);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"socket", required_argument, NULL, 's'},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *path = VSW_TOPO_CONTROL_SOCKET_DEFAULT;
	char line[VSW_CLI_LINE_SIZE];
	int c, fd, rc = 0;
	FILE *in;

	while ((c = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		if (c == 's') {
			path = optarg;
		} else if (c == 'j') {
			is_json = true;
		} else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? EXIT_SUCCESS : 2;
		}
	}
	signal(SIGPIPE, SIG_IGN); /* a closed connection is reported, not fatal */
	fd = connect_to(path);
	if (fd < 0)
		return 2;
	in = fdopen(dup(fd), "r");
	if (in == NULL) {
		fprintf(stderr, "vswctl: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	if (optind < argc) {
		char abs_path[PATH_MAX];
		size_t len = 0;

		/* vswd opens `load`'s file from its own directory: make the path absolute. */
		if (argc - optind == 2 && strcmp(argv[optind], "load") == 0 &&
		    argv[optind + 1][0] != '/' && realpath(argv[optind + 1], abs_path) != NULL)
			argv[optind + 1] = abs_path;
		line[0] = '\0';
		for (int i = optind; i < argc && len < sizeof(line); i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
			                        i > optind ? " " : "", argv[i]);
		rc = run_command(fd, in, line);
	} else {
		/* At a terminal, an interactive session: a prompt before each command; Ctrl-D ends
		 * it. */
		const bool is_tty = isatty(STDIN_FILENO);

		while (rc != -EPIPE) {
			int r;

			if (is_tty) {
				fputs("vsw> ", stdout);
				fflush(stdout);
			}
			if (fgets(line, sizeof(line), stdin) == NULL)
				break;
			line[strcspn(line, "\n")] = '\0';
			r = run_command(fd, in, line);
			/* At a terminal a failed command does not end the session; a lost vswd
			 * does. */
			if (r == -EPIPE || (!is_tty && r != 0))
				rc = r;
		}
	}
	fclose(in);
	close(fd);
	return rc == 0 ? EXIT_SUCCESS : rc == -EPIPE ? 2 : EXIT_FAILURE;
}
