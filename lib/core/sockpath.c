/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Claiming unix socket paths (include/vsw/sockpath.h). Control thread; no DPDK.
 */
#include "vsw/sockpath.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* mkdir -p for the directory part of @p path. */
static int
make_parent_dirs(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static bool
has_listener(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == 0;
}

int
vsw_sockpath_claim(const char *path, const char *what, struct vsw_errmsg *em)
{
	struct stat st;
	int rc;

	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		vsw_errmsg_set(em, "%s: socket path %s is too long", what, path);
		return -ENAMETOOLONG;
	}
	if (lstat(path, &st) != 0) {
		rc = errno == ENOENT ? make_parent_dirs(path) : -errno;
		if (rc < 0)
			vsw_errmsg_set(em, "%s: cannot create the directory of %s: %s", what, path,
			               strerror(-rc));
		return rc;
	}
	if (!S_ISSOCK(st.st_mode)) {
		vsw_errmsg_set(em, "%s: %s exists and is not a socket", what, path);
		return -EEXIST;
	}
	if (has_listener(path)) {
		vsw_errmsg_set(em, "%s: socket %s is in use by another process", what, path);
		return -EADDRINUSE;
	}
	if (unlink(path) != 0) {
		rc = -errno;
		vsw_errmsg_set(em, "%s: cannot remove stale socket %s: %s", what, path,
		               strerror(errno));
		return rc;
	}
	return 0;
}

/* A component of @p path that is empty, "." or "..": a spelling that hides where it points. */
static bool
has_odd_component(const char *path)
{
	for (const char *c = path; *c != '\0'; c++) {
		size_t len;

		if (*c != '/')
			continue;
		len = strcspn(c + 1, "/");
		if ((len == 0 && c[1] == '/') || (len == 1 && c[1] == '.') ||
		    (len == 2 && c[1] == '.' && c[2] == '.'))
			return true;
	}
	return false;
}

bool
vsw_sockpath_is_within(const char *path, const char (*dirs)[VSW_PATH_SIZE], unsigned int n_dirs)
{
	if (path[0] != '/' || has_odd_component(path))
		return false;
	for (unsigned int i = 0; i < n_dirs; i++) {
		size_t len = strlen(dirs[i]);

		while (len > 1 && dirs[i][len - 1] == '/')
			len--; /* "/run/vsw/" is "/run/vsw" */
		if (len == 1)
			return true; /* "/" holds everything */
		if (strncmp(path, dirs[i], len) == 0 && path[len] == '/' && path[len + 1] != '\0')
			return true;
	}
	return false;
}

int
vsw_sockpath_set_perms(const char *path, const struct vsw_sock_perms *perms, const char *what,
                       struct vsw_errmsg *em)
{
	const uid_t uid = perms->has_owner ? (uid_t)perms->uid : (uid_t)-1;
	const gid_t gid = perms->has_group ? (gid_t)perms->gid : (gid_t)-1;
	int rc;

	if ((perms->has_owner || perms->has_group) && chown(path, uid, gid) != 0) {
		rc = -errno;
		vsw_errmsg_set(em, "%s: cannot give socket %s owner %s group %s: %s", what, path,
		               perms->has_owner ? perms->owner : "(kept)",
		               perms->has_group ? perms->group : "(kept)", strerror(-rc));
		return rc;
	}
	if (perms->has_mode && chmod(path, (mode_t)perms->mode) != 0) {
		rc = -errno;
		vsw_errmsg_set(em, "%s: cannot give socket %s mode %04o: %s", what, path,
		               (unsigned int)perms->mode, strerror(-rc));
		return rc;
	}
	return 0;
}
