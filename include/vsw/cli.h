/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The testpmd-style command line (R-IF-3), served on stdin (vswd -i) and on a unix control
 * socket for vswctl. One parser and one command list serve both; commands call the control
 * API (include/vsw/control.h) and print its answers. Control thread only.
 *
 * Control socket protocol: the client writes one command per line; for each, the server
 * writes the command's output, then a NUL byte, then the command's status as a decimal errno
 * value (0 on success, negative on failure) and a newline. A line that starts with the word
 * `json` runs the rest of the line with JSON output: show commands print one JSON object,
 * other commands {"result": "<message>"}, failures {"error": "<message>", "errno": <errno>}.
 *
 * Access: the socket file is mode 0660, owned by root and the group given to
 * vsw_cli_server_set_group() (default: vswd's own group). A connecting peer is checked with
 * SO_PEERCRED: root, or a process whose primary or supplementary groups include that group,
 * is served; anyone else gets one error reply and is disconnected, with the reason logged.
 */
#ifndef VSW_CLI_H
#define VSW_CLI_H

#include <stdbool.h>

#include "vsw/errmsg.h"

/** Bytes of one command line, newline included. */
#define VSW_CLI_LINE_SIZE 1024
/** Control socket connections served at once. */
#define VSW_CLI_CLIENTS_MAX 16

/**
 * Listen on @p path. A path another process listens on is refused (-EADDRINUSE: another
 * vswd); a stale socket file is replaced; the directory is created when missing.
 */
int vsw_cli_server_open(const char *path, struct vsw_errmsg *em);

/**
 * Give the control socket to group @p group (a name or a numeric gid) rather than vswd's own
 * group. Call before vsw_cli_server_open(). @return 0 or -ENOENT (no such group).
 */
int vsw_cli_server_set_group(const char *group, struct vsw_errmsg *em);

/** Also read commands from stdin, with a prompt when stdin is a terminal. */
void vsw_cli_stdin_enable(void);

/**
 * Run the commands of file @p path, one per line ('#' comments and blank lines skipped),
 * answers on stdout. Stops at the first that fails. Control thread, after the switch started.
 * @return 0, the failed command's negative errno (@p em names the file and line), or the
 * file's open error.
 */
int vsw_cli_run_file(const char *path, struct vsw_errmsg *em);

/**
 * Serve pending input: accept connections, run complete command lines. Waits at most
 * @p timeout_ms for input (0: do not wait); returns early when a signal arrives.
 */
void vsw_cli_server_poll(int timeout_ms);

/** Close every connection and the listening socket, and remove the socket file. */
void vsw_cli_server_close(void);

/**
 * Load topology file @p path and apply it to the running switch (vsw_ctl_reload()): the CLI's
 * `load` and vswd's SIGHUP. Refusals are logged. @return 0 and what changed in @p summary;
 * the loader's or vsw_ctl_reload()'s negative errno, nothing changed.
 */
int vsw_cli_load(const char *path, char *summary, size_t size, struct vsw_errmsg *em);

/** A `quit` command was run, or stdin reached end of file in interactive mode. */
bool vsw_cli_quit_requested(void);

#endif /* VSW_CLI_H */
