/*
 * test-misc.c -- the small modules every run leans on: the clock (clock.h),
 * the one-run-at-a-time lock (lock.h), the crash points (crash.h) and the
 * error reporting (log.h).
 *
 * What must happen in another process (a second cron run, a crash) happens
 * in a forked child, which reports back through its exit status.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "clock.h"
#include "crash.h"
#include "lock.h"
#include "log.h"
#include "testlib.h"

/* What a child's lock_take returned, as its exit status. */
#define CHILD_TOOK	0
#define CHILD_BUSY	2
#define CHILD_FAILED	1

/* A user and group with no rights in a root-owned directory. */
#define NOBODY		65534

static char	*dir;

static int
setup(void **state)
{
	dir = g_dir_make_tmp("test-misc.XXXXXX", NULL);
	return dir != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	remove_tree(dir);
	g_free(dir);
	dir = NULL;
	return 0;
}

/* Wait for `pid` and return its raw wait status. */
static int
wait_child(pid_t pid)
{
	int	status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
assert_exited(int status, int code)
{
	if (!WIFEXITED(status))
		fail_msg("child did not exit (signal %d)",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	assert_int_equal(WEXITSTATUS(status), code);
}

static void
assert_killed(int status, int sig)
{
	if (!WIFSIGNALED(status))
		fail_msg("child was not killed (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	assert_int_equal(WTERMSIG(status), sig);
}

/* Keep what a child says on its way down off the test's output. */
static void
quiet_stderr(void)
{
	int	fd;

	fd = open("/dev/null", O_WRONLY);
	if (fd != -1) {
		dup2(fd, 2);
		close(fd);
	}
}

/* The clock. */

static void
assert_now_is(const char *iso)
{
	char	*now = clock_now_iso();

	assert_string_equal(now, iso);
	g_free(now);
}

static void
test_clock_set_with_zone(void **state)
{
	GTimeZone	*denver = g_time_zone_new_identifier("America/Denver");
	char		*cause = NULL;

	assert_non_null(denver);
	assert_int_equal(clock_set("2026-09-01T08:00:00+02:00", denver,
	    &cause), 0);
	assert_null(cause);
	assert_now_is("2026-09-01T06:00:00Z");
	assert_int_equal(clock_set("2026-12-31T23:59:59Z", denver, NULL), 0);
	assert_now_is("2026-12-31T23:59:59Z");
	g_time_zone_unref(denver);
}

/* A time without a zone is the program's local time. */
static void
test_clock_set_without_zone(void **state)
{
	GTimeZone	*denver = g_time_zone_new_identifier("America/Denver");
	GTimeZone	*utc = g_time_zone_new_utc();

	assert_int_equal(clock_set("2026-09-01T08:00:00", denver, NULL), 0);
	assert_now_is("2026-09-01T14:00:00Z");	/* MDT, UTC-6 */
	assert_int_equal(clock_set("2026-01-15T08:00:00", denver, NULL), 0);
	assert_now_is("2026-01-15T15:00:00Z");	/* MST, UTC-7 */
	assert_int_equal(clock_set("2026-09-01T08:00:00", utc, NULL), 0);
	assert_now_is("2026-09-01T08:00:00Z");
	g_time_zone_unref(utc);
	g_time_zone_unref(denver);
}

/*
 * The forms people write, the README's example among them: a date alone,
 * minutes without seconds, 'T' or a space, a zone or none.
 */
static void
test_clock_set_forms_people_write(void **state)
{
	static const struct {
		const char	*text;
		const char	*utc;
	} cases[] = {
		{ "2026-09-01", "2026-09-01T06:00:00Z" },
		{ "2026-09-01T08:00", "2026-09-01T14:00:00Z" },
		{ "2026-09-01 08:00", "2026-09-01T14:00:00Z" },
		{ "2026-09-01t08:00", "2026-09-01T14:00:00Z" },
		{ "2026-09-01T08:00:30", "2026-09-01T14:00:30Z" },
		{ "2026-09-01 08:00:30.75", "2026-09-01T14:00:30Z" },
		{ "2026-09-01T08:00Z", "2026-09-01T08:00:00Z" },
		{ "2026-09-01T08:00:00z", "2026-09-01T08:00:00Z" },
		{ "2026-09-01T08:00+02:00", "2026-09-01T06:00:00Z" },
		{ "2026-09-01 08:00:00+0200", "2026-09-01T06:00:00Z" },
		{ "2026-09-01T08:00-07", "2026-09-01T15:00:00Z" },
		{ "2026-01-15", "2026-01-15T07:00:00Z" },	/* MST */
		{ "2028-02-29T12:00", "2028-02-29T19:00:00Z" },
	};
	GTimeZone	*denver = g_time_zone_new_identifier("America/Denver");
	char		*cause;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		cause = NULL;
		if (clock_set(cases[i].text, denver, &cause) != 0)
			fail_msg("clock_set(\"%s\"): %s", cases[i].text, cause);
		assert_now_is(cases[i].utc);
	}
	g_time_zone_unref(denver);
}

static void
test_clock_set_bad_input(void **state)
{
	static const char *const bad[] = { "", "tomorrow",
	    "2026-13-01T08:00:00Z", "2026-02-30T08:00:00Z",
	    "2026-09-01 08:00:00 nonsense", "2026-09-01T25:00:00Z",
	    "2026-09-01T08", "2026-09-01T8:00", "2026-09-01T08:60",
	    "2026-09-01T08:00:61", "2026-9-1", "26-09-01", "2026-09-01T",
	    "2026-09-01 ", "2026-09-01T08:00:00.", "2026-09-01T08:00+2",
	    "2026-09-01T08:00+15:00", "2026-09-01T08:00+02:0",
	    "2026-09-01T08:00 Z", "2027-02-29", "2026-09-01Z",
	    "2026-09-01T08:00:00ZZ", "2026-W36-2T08:00:00Z" };
	GTimeZone	*utc = g_time_zone_new_utc();
	char		*cause;
	size_t		 i;

	assert_int_equal(clock_set("2026-09-01T08:00:00Z", utc, NULL), 0);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		cause = NULL;
		if (clock_set(bad[i], utc, &cause) != -1)
			fail_msg("clock_set(\"%s\") accepted", bad[i]);
		assert_non_null(cause);
		assert_contains(cause, bad[i]);
		g_free(cause);
		assert_int_equal(clock_set(bad[i], utc, NULL), -1);
	}
	/* A refused time leaves the clock where it was. */
	assert_now_is("2026-09-01T08:00:00Z");
	g_time_zone_unref(utc);
}

static void
test_clock_now_is_the_fixed_time(void **state)
{
	GTimeZone	*utc = g_time_zone_new_utc();
	GDateTime	*want, *a, *b;

	assert_int_equal(clock_set("2026-09-01T08:00:00Z", utc, NULL), 0);
	want = g_date_time_new(utc, 2026, 9, 1, 8, 0, 0);
	a = clock_now();
	g_usleep(10000);
	b = clock_now();
	assert_true(g_date_time_equal(a, want));
	/* Fixed means fixed: it does not move while the run goes on. */
	assert_true(g_date_time_equal(b, want));
	g_date_time_unref(a);
	g_date_time_unref(b);
	g_date_time_unref(want);
	g_time_zone_unref(utc);
}

static void
test_clock_iso_is_utc_to_the_second(void **state)
{
	static const struct {
		int		 year, month, day, hour, minute;
		double		 seconds;
		const char	*zone;
		const char	*iso;
	} cases[] = {
		{ 2026, 9, 1, 8, 0, 0, "UTC", "2026-09-01T08:00:00Z" },
		{ 2026, 9, 1, 8, 0, 0, "+02:00", "2026-09-01T06:00:00Z" },
		{ 2026, 9, 1, 8, 0, 0, "America/Denver",
		    "2026-09-01T14:00:00Z" },
		{ 2026, 12, 31, 20, 30, 0, "America/Denver",
		    "2027-01-01T03:30:00Z" },
		{ 2026, 1, 2, 3, 4, 5.75, "UTC", "2026-01-02T03:04:05Z" },
	};
	GTimeZone	*tz;
	GDateTime	*t;
	char		*iso;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		tz = g_time_zone_new_identifier(cases[i].zone);
		assert_non_null(tz);
		t = g_date_time_new(tz, cases[i].year, cases[i].month,
		    cases[i].day, cases[i].hour, cases[i].minute,
		    cases[i].seconds);
		iso = clock_iso(t);
		assert_string_equal(iso, cases[i].iso);
		g_free(iso);
		g_date_time_unref(t);
		g_time_zone_unref(tz);
	}
}

/* The lock. */

static char *
lock_path(void)
{
	return g_build_filename(dir, "mentormail.lock", NULL);
}

/* lock_take in another process, as a second cron run would. */
static int
other_process_lock_take(const char *path)
{
	pid_t	pid;
	int	fd, status;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		fd = lock_take(path, NULL);
		_exit(fd >= 0 ? CHILD_TOOK : fd == -2 ? CHILD_BUSY :
		    CHILD_FAILED);
	}
	status = wait_child(pid);
	if (!WIFEXITED(status))
		fail_msg("child died");
	return WEXITSTATUS(status);
}

static void
test_lock_take_gives_a_descriptor(void **state)
{
	char		*path = lock_path(), *cause = NULL;
	struct stat	 sb;
	mode_t		 old;
	int		 fd;

	old = umask(022);
	fd = lock_take(path, &cause);
	umask(old);
	assert_true(fd >= 0);
	assert_null(cause);
	assert_true(fcntl(fd, F_GETFD) != -1);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	lock_release(fd);
	g_free(path);
}

static void
test_lock_held_elsewhere_is_busy(void **state)
{
	char	*path = lock_path();
	int	 fd;

	fd = lock_take(path, NULL);
	assert_true(fd >= 0);
	assert_int_equal(other_process_lock_take(path), CHILD_BUSY);
	assert_int_equal(other_process_lock_take(path), CHILD_BUSY);
	lock_release(fd);
	g_free(path);
}

static void
test_lock_free_again_after_release(void **state)
{
	char	*path = lock_path();
	int	 fd;

	fd = lock_take(path, NULL);
	assert_true(fd >= 0);
	lock_release(fd);
	assert_int_equal(other_process_lock_take(path), CHILD_TOOK);
	/* And again in this process. */
	fd = lock_take(path, NULL);
	assert_true(fd >= 0);
	lock_release(fd);
	g_free(path);
}

/* A run killed outright leaves no stale lock behind. */
static void
test_lock_freed_when_holder_is_killed(void **state)
{
	char	*path = lock_path();
	pid_t	 pid;
	int	 fd, ready[2];
	char	 c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(ready[0]);
		if (lock_take(path, NULL) < 0)
			_exit(CHILD_FAILED);
		if (write(ready[1], "L", 1) != 1)
			_exit(CHILD_FAILED);
		pause();
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(lock_take(path, NULL), -2);
	kill(pid, SIGKILL);
	assert_killed(wait_child(pid), SIGKILL);
	fd = lock_take(path, NULL);
	assert_true(fd >= 0);
	lock_release(fd);
	g_free(path);
}

static void
test_lock_in_missing_directory(void **state)
{
	char	*path, *cause = NULL;

	path = g_build_filename(dir, "no-such-dir", "mentormail.lock", NULL);
	assert_int_equal(lock_take(path, &cause), -1);
	assert_non_null(cause);
	assert_contains(cause, path);
	g_free(cause);
	assert_int_equal(lock_take(path, NULL), -1);
	g_free(path);
}

/*
 * In a child: give up root, try the lock and write its cause to `out`.
 * Returns the child's exit status: 0 when lock_take failed as it should.
 */
static int
lock_take_as_nobody(const char *path, int out)
{
	char	*cause = NULL;
	int	 fd, status;

	if (geteuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
		return 3;
	fd = lock_take(path, &cause);
	status = fd == -1 ? 0 : 4;
	if (cause != NULL && write(out, cause, strlen(cause)) < 0)
		status = 3;
	g_free(cause);
	return status;
}

/*
 * A directory the user cannot write to.  Root writes anywhere, so the
 * child gives up root first; it sends back what lock_take said.
 */
static void
test_lock_in_unwritable_directory(void **state)
{
	char	*ro, *path, buf[512];
	pid_t	 pid;
	ssize_t	 n;
	int	 p[2], status;

	ro = g_build_filename(dir, "read-only", NULL);
	assert_int_equal(g_mkdir(ro, 0555), 0);
	assert_int_equal(g_chmod(ro, 0555), 0);
	path = g_build_filename(ro, "mentormail.lock", NULL);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[0]);
		status = lock_take_as_nobody(path, p[1]);
		g_free(path);
		g_free(ro);
		_exit(status);
	}
	close(p[1]);
	memset(buf, 0, sizeof buf);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	status = wait_child(pid);
	assert_true(g_str_has_prefix(buf, path));
	g_free(path);
	g_free(ro);
	assert_exited(status, 0);
	assert_true(n > 0);
	assert_contains(buf, g_strerror(EACCES));
}

static void
test_lock_release_of_nothing_is_harmless(void **state)
{
	lock_release(-1);
	lock_release(-2);
}

/* Crash points. */

/*
 * In a child, call crash_point for each name in turn, writing "." after
 * each call that returned; *survived is how many did.
 */
static int
crash_child(const char *env, const char *const *names, size_t n,
    size_t *survived)
{
	pid_t	 pid;
	int	 p[2], status;
	char	 buf[64];
	ssize_t	 got;
	size_t	 i;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[0]);
		quiet_stderr();
		if (env != NULL)
			setenv("MENTORMAIL_CRASH", env, 1);
		else
			unsetenv("MENTORMAIL_CRASH");
		for (i = 0; i < n; i++) {
			crash_point(names[i]);
			if (write(p[1], ".", 1) != 1)
				_exit(3);
		}
		_exit(0);
	}
	close(p[1]);
	*survived = 0;
	while ((got = read(p[0], buf, sizeof buf)) > 0)
		*survived += (size_t)got;
	close(p[0]);
	status = wait_child(pid);
	return status;
}

static void
test_crash_point_without_variable_does_nothing(void **state)
{
	static const char *const names[] = { "point", "point", "point" };
	size_t	survived;

	assert_exited(crash_child(NULL, names, 3, &survived), 0);
	assert_int_equal(survived, 3);
}

static void
test_crash_point_first_time_by_default(void **state)
{
	static const char *const names[] = { "point", "point" };
	size_t	survived;

	assert_killed(crash_child("point", names, 2, &survived), SIGKILL);
	assert_int_equal(survived, 0);
}

static void
test_crash_point_nth_time(void **state)
{
	static const char *const names[] = { "point", "point", "point" };
	size_t	survived;

	assert_killed(crash_child("point:2", names, 3, &survived), SIGKILL);
	assert_int_equal(survived, 1);
}

/* Only the named point counts, and only its exact name. */
static void
test_crash_point_other_names_do_not_kill(void **state)
{
	static const char *const names[] = { "other", "poin", "pointer",
	    "Point", "other", "point:2", "" };
	size_t	survived;

	assert_exited(crash_child("point:2", names, G_N_ELEMENTS(names),
	    &survived), 0);
	assert_int_equal(survived, G_N_ELEMENTS(names));
	assert_exited(crash_child("point", names, G_N_ELEMENTS(names),
	    &survived), 0);
	assert_int_equal(survived, G_N_ELEMENTS(names));
}

static void
test_crash_point_counts_only_its_own_name(void **state)
{
	static const char *const names[] = { "other", "other", "other",
	    "point", "other", "point", "point" };
	size_t	survived;

	assert_killed(crash_child("point:2", names, G_N_ELEMENTS(names),
	    &survived), SIGKILL);
	assert_int_equal(survived, 5);
}

/* Error reporting. */

static int
fails_with(char **cause, const char *what, int n)
{
	return cause_set(cause, "%s failed %d times", what, n);
}

static void
test_cause_set_returns_minus_one_and_sets_cause(void **state)
{
	char	*cause = NULL;

	assert_int_equal(fails_with(&cause, "fetch", 3), -1);
	assert_string_equal(cause, "fetch failed 3 times");
	g_free(cause);
}

static void
test_cause_set_without_cause_pointer(void **state)
{
	assert_int_equal(fails_with(NULL, "fetch", 3), -1);
}

/* Run `fn` with stderr going to a file; return what it wrote. */
static char *
capture_stderr(void (*fn)(void))
{
	char	*path, *text = NULL;
	int	 fd, saved;

	path = g_build_filename(dir, "stderr", NULL);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved != -1);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	fn();
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_free(path);
	return text;
}

static void
log_each_level(void)
{
	log_error("e %d", 1);
	log_warn("w %s", "2");
	log_info("i");
	log_debug("d");
}

static void
test_log_levels(void **state)
{
	enum log_level	 old = log_get_level();
	char		*text;

	log_set_level(LOG_LEVEL_WARN);
	assert_int_equal(log_get_level(), LOG_LEVEL_WARN);
	text = capture_stderr(log_each_level);
	assert_string_equal(text, "mentormail: error: e 1\n"
	    "mentormail: warning: w 2\n");
	g_free(text);

	log_set_level(LOG_LEVEL_DEBUG);
	text = capture_stderr(log_each_level);
	assert_string_equal(text, "mentormail: error: e 1\n"
	    "mentormail: warning: w 2\n"
	    "mentormail: info: i\n"
	    "mentormail: debug: d\n");
	g_free(text);

	log_set_level(LOG_LEVEL_ERROR);
	text = capture_stderr(log_each_level);
	assert_string_equal(text, "mentormail: error: e 1\n");
	g_free(text);
	log_set_level(old);
}

static void
test_fatal_aborts(void **state)
{
	pid_t	pid;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		quiet_stderr();
		signal(SIGABRT, SIG_DFL);
		fatal("broken invariant %d", 1);
	}
	assert_killed(wait_child(pid), SIGABRT);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clock_set_with_zone),
		T(test_clock_set_without_zone),
		T(test_clock_set_forms_people_write),
		T(test_clock_set_bad_input),
		T(test_clock_now_is_the_fixed_time),
		T(test_clock_iso_is_utc_to_the_second),
		T(test_lock_take_gives_a_descriptor),
		T(test_lock_held_elsewhere_is_busy),
		T(test_lock_free_again_after_release),
		T(test_lock_freed_when_holder_is_killed),
		T(test_lock_in_missing_directory),
		T(test_lock_in_unwritable_directory),
		T(test_lock_release_of_nothing_is_harmless),
		T(test_crash_point_without_variable_does_nothing),
		T(test_crash_point_first_time_by_default),
		T(test_crash_point_nth_time),
		T(test_crash_point_other_names_do_not_kill),
		T(test_crash_point_counts_only_its_own_name),
		T(test_cause_set_returns_minus_one_and_sets_cause),
		T(test_cause_set_without_cause_pointer),
		T(test_log_levels),
		T(test_fatal_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
