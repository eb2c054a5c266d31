/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Unix socket paths that vsw listens on (vhost-user servers, the control socket). A daemon
 * killed with SIGKILL leaves its socket files behind, and binding over them fails; removing
 * them blindly would steal the path from a daemon that is still running. Control thread.
 */
#ifndef VSW_SOCKPATH_H
#define VSW_SOCKPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/limits.h"

/** Directories a topology may confine its sockets to (`socket_dirs`). */
#define VSW_SOCKET_DIRS_MAX 8

/** Bytes of a user or group name with its NUL (useradd's limit is 32 characters). */
#define VSW_SOCK_ID_NAME_SIZE 33

/**
 * Owner, group and permission bits given to a socket once it exists; each only when its
 * has_ flag is set (otherwise the creating process's user, group and umask stand).
 */
struct vsw_sock_perms {
	bool has_owner;
	bool has_group;
	bool has_mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;                     /**< permission bits, 0..0777 */
	char owner[VSW_SOCK_ID_NAME_SIZE]; /**< as written: a user name or a number */
	char group[VSW_SOCK_ID_NAME_SIZE]; /**< as written: a group name or a number */
};

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

/**
 * Whether @p path lies below one of the @p n_dirs directories @p dirs (absolute paths),
 * judged on the text: a path with a "." or ".." component, or with "//", is never inside, so
 * that no spelling escapes a directory. Pure; any thread.
 */
bool vsw_sockpath_is_within(const char *path, const char (*dirs)[VSW_PATH_SIZE],
                            unsigned int n_dirs);

/**
 * Give the socket file @p path the owner, group and mode of @p perms (a no-op when none is
 * set). @return 0 or the errno of chown/chmod, negative; @p em explains with @p what.
 */
int vsw_sockpath_set_perms(const char *path, const struct vsw_sock_perms *perms, const char *what,
                           struct vsw_errmsg *em);

#endif /* VSW_SOCKPATH_H */
