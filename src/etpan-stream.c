/*
 * etpan-stream.c -- a libetpan low-level stream driver over struct conn.
 *
 * libetpan calls the driver's close and then its free from
 * mailstream_close(), and free alone from mailstream_low_free(); free must
 * also release the mailstream_low itself, which libetpan allocated with
 * malloc().  The optional hooks (cancel, idle, certificate chain) stay NULL:
 * libetpan checks for that and reports them as unsupported.
 */
#include <stdlib.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "conn.h"
#include "etpan-stream.h"
#include "log.h"

/* What libetpan's own socket streams use. */
#define ETPAN_STREAM_BUFFER	8192

struct etpan_low {
	struct conn		*conn;		/* NULL once closed */
	struct etpan_failure	*failure;	/* the caller's; may be NULL */
};

static ssize_t	etpan_low_read(mailstream_low *, void *, size_t);
static ssize_t	etpan_low_write(mailstream_low *, const void *, size_t);
static int	etpan_low_close(mailstream_low *);
static int	etpan_low_get_fd(mailstream_low *);
static void	etpan_low_free(mailstream_low *);

static mailstream_low_driver etpan_driver = {
	.mailstream_read = etpan_low_read,
	.mailstream_write = etpan_low_write,
	.mailstream_close = etpan_low_close,
	.mailstream_get_fd = etpan_low_get_fd,
	.mailstream_free = etpan_low_free,
};

void
etpan_failure_clear(struct etpan_failure *f)
{
	g_free(f->why);
	f->why = NULL;
	f->timed_out = 0;
}

static void
etpan_low_failed(struct etpan_low *el, char *cause, int timed_out)
{
	if (el->failure == NULL) {
		g_free(cause);
		return;
	}
	g_free(el->failure->why);
	el->failure->why = cause;
	el->failure->timed_out = timed_out;
}

static ssize_t
etpan_low_read(mailstream_low *low, void *buf, size_t len)
{
	struct etpan_low	*el = low->data;
	char			*cause = NULL;
	ssize_t			 n;
	int			 timed_out = 0;

	if (el->conn == NULL)
		return -1;
	n = conn_read(el->conn, buf, len, &cause);
	/*
	 * libetpan reads a literal until it has it all, counting 0 as no
	 * progress: it would spin forever on a connection closed mid-body.
	 */
	if (n == 0 && len > 0) {
		cause = g_strdup("the server closed the connection");
		n = -1;
	} else if (n == -1 && conn_timed_out(el->conn))
		timed_out = 1;
	if (n == -1)
		etpan_low_failed(el, cause, timed_out);
	return n;
}

static ssize_t
etpan_low_write(mailstream_low *low, const void *buf, size_t len)
{
	struct etpan_low	*el = low->data;
	char			*cause = NULL;

	if (el->conn == NULL)
		return -1;
	if (conn_write(el->conn, buf, len, &cause) == -1) {
		etpan_low_failed(el, cause, conn_timed_out(el->conn));
		return -1;
	}
	return (ssize_t)len;
}

static int
etpan_low_close(mailstream_low *low)
{
	struct etpan_low	*el = low->data;

	conn_close(el->conn);
	el->conn = NULL;
	return 0;
}

static int
etpan_low_get_fd(mailstream_low *low)
{
	struct etpan_low	*el = low->data;

	return el->conn != NULL ? conn_fd(el->conn) : -1;
}

static void
etpan_low_free(mailstream_low *low)
{
	struct etpan_low	*el = low->data;

	/* mailstream_low_free() alone does not close first. */
	conn_close(el->conn);
	g_free(el);
	free(low);
}

static struct etpan_low *
etpan_low_of(mailstream *s)
{
	if (s == NULL || s->low == NULL || s->low->driver != &etpan_driver)
		return NULL;
	return s->low->data;
}

mailstream *
etpan_stream_new(struct conn *conn, struct etpan_failure *failure)
{
	struct etpan_low	*el;
	mailstream_low		*low;
	mailstream		*s;

	el = g_new0(struct etpan_low, 1);
	el->conn = conn;
	el->failure = failure;
	if ((low = mailstream_low_new(el, &etpan_driver)) == NULL) {
		g_free(el);
		return NULL;
	}
	if ((s = mailstream_new(low, ETPAN_STREAM_BUFFER)) == NULL) {
		el->conn = NULL;	/* the caller keeps it */
		mailstream_low_free(low);
	}
	return s;
}

struct conn *
etpan_stream_conn(mailstream *s)
{
	struct etpan_low	*el = etpan_low_of(s);

	return el != NULL ? el->conn : NULL;
}

int
etpan_stream_starttls(mailstream *s, char **cause, int *temporary)
{
	struct conn	*conn;

	if (temporary != NULL)
		*temporary = 0;
	if ((conn = etpan_stream_conn(s)) == NULL)
		return cause_set(cause, "STARTTLS on a closed or foreign "
		    "stream");
	if (s->read_buffer_len != 0)
		return cause_set(cause, "server sent %zu bytes after accepting "
		    "STARTTLS; refusing them as a possible injection",
		    s->read_buffer_len);
	if (s->write_buffer_len != 0)
		return cause_set(cause, "STARTTLS with %zu bytes still unsent",
		    s->write_buffer_len);
	return conn_starttls(conn, cause, temporary);
}
