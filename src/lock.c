/*
 * lock.c -- flock(2) on a file beside the database.  flock, not fcntl
 * locks, because it is tied to the open file and survives nothing: a run
 * killed with SIGKILL frees it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib.h>

#include "lock.h"
#include "log.h"

int
lock_take(const char *path, char **cause)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return cause_set(cause, "%s: %s", path, g_strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	if (errno == EWOULDBLOCK)
		return -2;
	return cause_set(cause, "%s: lock: %s", path, g_strerror(errno));
}

void
lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
