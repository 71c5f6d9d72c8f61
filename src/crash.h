/*
 * crash.h -- named points where the crash tests kill a run.
 *
 * With MENTORMAIL_CRASH=POINT[:N] in the environment, the Nth time (default
 * the first) the run reaches POINT it sends itself SIGKILL: no handler, no
 * cleanup, no flush, exactly like a power cut or an OOM kill.  Without the
 * variable, crash_point() does nothing.
 */
#ifndef MENTORMAIL_CRASH_H
#define MENTORMAIL_CRASH_H

void	crash_point(const char *name);

#endif
