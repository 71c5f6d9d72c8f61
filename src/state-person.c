/*
 * state-person.c -- where personal data lives, as a table (state-person.h).
 *
 * Every statement takes one parameter, ?1: the person's address.  Places
 * find their rows through the participant row, so it comes last: erasing
 * it (its address) is what makes the others unreachable.
 */
#include <glib.h>

#include "db.h"
#include "state-person.h"

/* The participant at ?1, and their matches. */
#define PID	"(SELECT id FROM participant WHERE email = ?1)"
#define MATCHES	"(SELECT id FROM match WHERE mentee IN " PID \
		" OR mentor IN " PID ")"
/* Whether text column `col` names the address. */
#define NAMES(col)	"instr(lower(" col "), lower(?1)) > 0"

/* Messages from them, about them, or naming them. */
#define THEIR_MESSAGES	"(from_addr = ?1 COLLATE NOCASE OR participant IN " \
			PID " OR " NAMES("text") ")"
/*
 * Our mail to them, about them, introducing them, or naming them (the
 * raw mail is quoted-printable: its soft line breaks are undone first).
 */
#define THEIR_MAIL	"(to_addr = ?1 COLLATE NOCASE OR participant IN " PID \
			" OR match IN " MATCHES " OR message_id IN (SELECT " \
			"intro_mentee FROM match WHERE id IN " MATCHES ") OR " \
			"message_id IN (SELECT intro_mentor FROM match WHERE " \
			"id IN " MATCHES ") OR " NAMES("replace(CAST(raw AS " \
			"TEXT), char(61, 13, 10), '')") ")"
#define THEIR_AUDIT	"(actor = ?1 COLLATE NOCASE OR " NAMES("command") \
			" OR " NAMES("detail") ")"

struct place {
	const char	*name;		/* what `person` calls it */
	const char	*what;		/* what forgetting erases there */
	const char	*show;		/* one text column a row */
	const char	*erase;
};

static const struct place places[] = {
	{ "answers", "answers erased (the role is kept, for counts)",
	    "SELECT name || ': ' || coalesce(value, '') FROM participant_field "
	    "WHERE participant IN " PID " ORDER BY name",
	    "DELETE FROM participant_field WHERE participant IN " PID
	    " AND name <> 'role'" },
	{ "history", "changes erased, with their old and new values",
	    "SELECT changed_at || ' ' || field || ': ' || coalesce(old_value, "
	    "'') || ' -> ' || coalesce(new_value, '') || coalesce(' (message ' "
	    "|| message || ')', '') FROM participant_change WHERE participant "
	    "IN " PID " ORDER BY id",
	    "DELETE FROM participant_change WHERE participant IN " PID },
	{ "messages", "messages' raw mail, text, sender and subject erased",
	    "SELECT 'message ' || id || ', received ' || internaldate || ', ' "
	    "|| coalesce(kind, outcome) || ', \"' || coalesce(subject, '') || "
	    "'\", ' || length(raw) || ' bytes kept' FROM message WHERE "
	    THEIR_MESSAGES " ORDER BY id",
	    "UPDATE message SET raw = x'', text = NULL, from_addr = NULL, "
	    "from_name = NULL, subject = NULL, cause = NULL WHERE "
	    THEIR_MESSAGES },
	{ "mail", "mails erased (those not yet sent will not be)",
	    "SELECT 'mail ' || id || ', ' || created_at || ', ' || kind || "
	    "' to ' || to_addr || ', ' || status FROM outbox WHERE " THEIR_MAIL
	    " ORDER BY id",
	    "UPDATE outbox SET raw = x'', last_error = NULL, to_addr = CASE "
	    "WHEN to_addr = ?1 COLLATE NOCASE THEN 'forgotten' ELSE to_addr "
	    "END, status = CASE status WHEN 'queued' THEN 'failed' ELSE "
	    "status END WHERE " THEIR_MAIL },
	{ "matches", "matches' reasons erased (numbers and states kept)",
	    "SELECT 'match ' || id || ', ' || status || ', score ' || score || "
	    "', ' || created_at || coalesce(', ' || end_reason, '') || ': ' || "
	    "why FROM match WHERE id IN " MATCHES " OR " NAMES("runner_up")
	    " ORDER BY id",
	    "UPDATE match SET why = '', runner_up = NULL, end_reason = NULL "
	    "WHERE id IN " MATCHES " OR " NAMES("runner_up") },
	{ "rules", "pins and exclusions erased",
	    "SELECT kind || ' with participant ' || CASE WHEN mentee IN " PID
	    " THEN mentor ELSE mentee END FROM match_rule WHERE mentee IN "
	    PID " OR mentor IN " PID,
	    "DELETE FROM match_rule WHERE mentee IN " PID " OR mentor IN "
	    PID },
	{ "unmatched", "reasons for no match erased",
	    "SELECT why FROM unmatched WHERE mentee IN " PID,
	    "DELETE FROM unmatched WHERE mentee IN " PID },
	{ "audit", "audit log entries made anonymous",
	    "SELECT at || ' ' || actor || ': ' || command || ': ' || outcome "
	    "|| coalesce(': ' || detail, '') FROM audit WHERE " THEIR_AUDIT
	    " ORDER BY id",
	    "UPDATE audit SET actor = CASE WHEN actor = ?1 COLLATE NOCASE THEN "
	    "'forgotten' ELSE actor END, command = 'forgotten', detail = NULL "
	    "WHERE " THEIR_AUDIT },
	{ "tokens", "command tokens erased",
	    "SELECT 'token for a ' || kind || ' mail, ' || issued_at || "
	    "coalesce(', used ' || used_at, '') FROM token WHERE to_addr = ?1",
	    "DELETE FROM token WHERE to_addr = ?1" },
	/* Last: the others find their rows through it. */
	{ "participant", "participant's address erased (status forgotten)",
	    "SELECT 'participant ' || id || ', ' || email || ', ' || status "
	    "|| coalesce(' (' || reason || ')', '') || ', form ' || "
	    "coalesce(form, '-') || ', since ' || created_at FROM participant "
	    "WHERE email = ?1",
	    "UPDATE participant SET email = 'forgotten-' || id, status = "
	    "'forgotten', reason = NULL WHERE email = ?1" },
};

struct show {
	const char	*place;
	void		(*fn)(const char *, const char *, void *);
	void		*arg;
};

static int
show_row(struct db_row *row, void *arg)
{
	struct show	*s = arg;
	const char	*text = db_row_text(row, 0);

	s->fn(s->place, text != NULL ? text : "", s->arg);
	return 0;
}

int
state_person_each(struct db *db, const char *email,
    void (*fn)(const char *, const char *, void *), void *arg, char **cause)
{
	struct show	s = { NULL, fn, arg };
	size_t		i;
	int		n, total = 0;

	for (i = 0; i < G_N_ELEMENTS(places); i++) {
		s.place = places[i].name;
		if ((n = db_query(db, cause, show_row, &s, places[i].show, "t",
		    email)) < 0)
			return -1;
		total += n;
	}
	return total;
}

int
state_person_forget(struct db *db, const char *email,
    void (*fn)(const char *, const char *, int, void *), void *arg,
    char **cause)
{
	size_t	i;
	int	n, total = 0;

	for (i = 0; i < G_N_ELEMENTS(places); i++) {
		if ((n = db_exec(db, cause, places[i].erase, "t", email)) < 0)
			return -1;
		if (n > 0)
			fn(places[i].name, places[i].what, n, arg);
		total += n;
	}
	return total;
}

struct ids {
	void	(*fn)(const char *, void *);
	void	*arg;
};

static int
id_row(struct db_row *row, void *arg)
{
	struct ids	*ids = arg;

	ids->fn(db_row_text(row, 0), ids->arg);
	return 0;
}

int
state_person_message_ids(struct db *db, const char *email,
    void (*fn)(const char *, void *), void *arg, char **cause)
{
	struct ids	ids = { fn, arg };

	return db_query(db, cause, id_row, &ids, "SELECT message_id FROM "
	    "message WHERE message_id IS NOT NULL AND length(raw) > 0 AND "
	    THEIR_MESSAGES " ORDER BY id", "t", email) < 0 ? -1 : 0;
}
