/*
 * lock.h -- one run at a time.  Cron may start a run while the last one is
 * still busy; the second must leave quietly instead of racing the first.
 */
#ifndef MENTORMAIL_LOCK_H
#define MENTORMAIL_LOCK_H

/*
 * Take an exclusive flock() on `path` (created 0600 if missing) without
 * waiting.  Returns the descriptor (>= 0), -2 when another process holds
 * the lock, or -1 with *cause set.  The lock lasts until lock_release() or
 * the process ends, however it ends.
 */
int	lock_take(const char *path, char **cause);
void	lock_release(int fd);

#endif
