/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Unix socket paths that vsw listens on (vhost-user servers, the control socket). A daemon
 * killed with SIGKILL leaves its socket files behind, and binding over them fails; removing
 * them blindly would steal the path from a daemon that is still running. Control thread.
 */
#ifndef VSW_SOCKPATH_H
#define VSW_SOCKPATH_H

#include "vsw/errmsg.h"

/**
 * Make @p path ready to bind: create its directory (0755) when missing; remove a socket file
 * nobody listens on; refuse a socket some process listens on, or a file that is no socket.
 *
 * @param what
 *   Who wants the path, for the message ("port vm1", "control socket").
 * @return 0; -EADDRINUSE (in use: another process listens), -EEXIST (not a socket), or the
 *   errno of a failed mkdir/unlink; @p em explains.
 */
int vsw_sockpath_claim(const char *path, const char *what, struct vsw_errmsg *em);

#endif /* VSW_SOCKPATH_H */
