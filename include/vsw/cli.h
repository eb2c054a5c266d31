/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The testpmd-style command line (R-IF-3), served on stdin (vswd -i) and on a unix control
 * socket for vswctl. One parser and one command list serve both; commands call the control
 * API (include/vsw/control.h) and print its answers. Control thread only.
 *
 * Control socket protocol: the client writes one command per line; for each, the server
 * writes the command's output, then a NUL byte, then the command's status as a decimal errno
 * value (0 on success, negative on failure) and a newline.
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

/** Also read commands from stdin, with a prompt when stdin is a terminal. */
void vsw_cli_stdin_enable(void);

/**
 * Serve pending input: accept connections, run complete command lines. Waits at most
 * @p timeout_ms for input (0: do not wait); returns early when a signal arrives.
 */
void vsw_cli_server_poll(int timeout_ms);

/** Close every connection and the listening socket, and remove the socket file. */
void vsw_cli_server_close(void);

/** A `quit` command was run, or stdin reached end of file in interactive mode. */
bool vsw_cli_quit_requested(void);

#endif /* VSW_CLI_H */
