/*
 * schema.c -- the database schema, as the list of migrations that built it.
 *
 * Migration N takes a database from version N to N + 1 and runs in one
 * transaction with the version bump.  Never edit a released migration:
 * append a new one.
 */
#include <stddef.h>
#include <stdint.h>

#include "db.h"

const char *const schema_migrations[] = {
	/* 0 -> 1: the spine: mailbox position, every message, every run. */
	"CREATE TABLE mailbox ("
	"  name TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE message ("
	"  id INTEGER PRIMARY KEY,"
	"  mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  message_id TEXT,"		/* NULL when the message has none */
	"  internaldate TEXT NOT NULL,"	/* when it counts as received */
	"  from_addr TEXT,"
	"  from_name TEXT,"
	"  subject TEXT,"
	"  size INTEGER NOT NULL,"
	"  hash TEXT NOT NULL,"		/* SHA-256 of raw, hex */
	"  raw BLOB NOT NULL,"
	"  text TEXT,"			/* the decoded best text, UTF-8 */
	"  auto_reason TEXT,"		/* why it is automatic mail */
	"  outcome TEXT NOT NULL,"	/* decoded | unparseable | automatic */
	"  cause TEXT,"			/* what went wrong decoding */
	"  recorded_at TEXT NOT NULL,"
	"  UNIQUE (mailbox, uidvalidity, uid)"
	");"
	"CREATE INDEX message_by_message_id ON message (message_id, hash);"
	"CREATE INDEX message_by_hash ON message (hash);"
	"CREATE TABLE duplicate ("
	"  mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  message INTEGER NOT NULL REFERENCES message (id),"
	"  seen_at TEXT NOT NULL,"
	"  PRIMARY KEY (mailbox, uidvalidity, uid)"
	");"
	"CREATE TABLE run ("
	"  id INTEGER PRIMARY KEY,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  now TEXT NOT NULL,"		/* the clock the run used (--now) */
	"  outcome TEXT,"		/* ok | tempfail | error; NULL: died */
	"  fetched INTEGER NOT NULL DEFAULT 0,"
	"  recorded INTEGER NOT NULL DEFAULT 0,"
	"  duplicates INTEGER NOT NULL DEFAULT 0,"
	"  moved INTEGER NOT NULL DEFAULT 0,"
	"  cause TEXT"
	");",

	/*
	 * 1 -> 2: the outbox.  Every mail is queued here in the transaction
	 * of the state change that caused it, then sent (outbox.h).
	 */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  created_at TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"		/* receipt, reminder, digest... */
	"  message INTEGER REFERENCES message (id),"	/* what it answers */
	"  to_addr TEXT NOT NULL,"
	"  message_id TEXT NOT NULL UNIQUE,"	/* without angle brackets */
	"  raw BLOB NOT NULL,"		/* the message, CRLF line ends */
	"  status TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (status IN ('queued', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at TEXT NOT NULL,"
	"  last_error TEXT,"
	"  sent_at TEXT"
	");"
	"CREATE INDEX outbox_due ON outbox (status, next_attempt_at);"
	"CREATE INDEX outbox_by_to ON outbox (to_addr COLLATE NOCASE, "
	"  created_at);"
	"CREATE INDEX outbox_by_message ON outbox (message);",

	/*
	 * 2 -> 3: participants, keyed by e-mail address, their fields as
	 * name/value rows (a new form field needs no migration), and the
	 * history of every change with the message that made it.  Each
	 * message gets the kind the rules gave it and its participant.
	 */
	"CREATE TABLE participant ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  form TEXT,"
	"  status TEXT NOT NULL,"	/* incomplete | ineligible | applied */
	"  reason TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL"
	");"
	"CREATE TABLE participant_field ("
	"  participant INTEGER NOT NULL REFERENCES participant (id),"
	"  name TEXT NOT NULL,"
	"  value TEXT,"
	"  PRIMARY KEY (participant, name)"
	");"
	"CREATE TABLE participant_change ("
	"  id INTEGER PRIMARY KEY,"
	"  participant INTEGER NOT NULL REFERENCES participant (id),"
	"  message INTEGER REFERENCES message (id),"
	"  field TEXT NOT NULL,"
	"  old_value TEXT,"
	"  new_value TEXT,"
	"  changed_at TEXT NOT NULL"
	");"
	"CREATE INDEX participant_change_by_participant ON participant_change "
	"  (participant, id);"
	"ALTER TABLE message ADD COLUMN kind TEXT;"
	"ALTER TABLE message ADD COLUMN participant INTEGER "
	"  REFERENCES participant (id);",

	/*
	 * 3 -> 4: matches.  A proposal waits for the coordinator (status
	 * proposed) unless matching is automatic; approved pairs are
	 * introduced, and the introductions' Message-IDs kept so that replies
	 * can be tied to the match.  Pins and exclusions are the
	 * coordinator's hard constraints; unmatched says why a mentee has no
	 * proposal.
	 */
	"CREATE TABLE match ("
	"  id INTEGER PRIMARY KEY,"
	"  mentee INTEGER NOT NULL REFERENCES participant (id),"
	"  mentor INTEGER NOT NULL REFERENCES participant (id),"
	"  score INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('proposed', 'approved',"
	"    'rejected', 'ended')),"
	"  why TEXT NOT NULL,"
	"  runner_up TEXT,"
	"  end_reason TEXT,"
	"  created_at TEXT NOT NULL,"
	"  decided_at TEXT,"
	"  intro_mentee TEXT,"		/* Message-IDs of the introductions */
	"  intro_mentor TEXT"
	");"
	"CREATE INDEX match_by_status ON match (status, mentee);"
	"CREATE TABLE match_rule ("
	"  mentee INTEGER NOT NULL REFERENCES participant (id),"
	"  mentor INTEGER NOT NULL REFERENCES participant (id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('pin', 'exclude')),"
	"  created_at TEXT NOT NULL,"
	"  PRIMARY KEY (mentee, mentor)"
	");"
	"CREATE TABLE unmatched ("
	"  mentee INTEGER PRIMARY KEY REFERENCES participant (id),"
	"  why TEXT NOT NULL,"
	"  at TEXT NOT NULL"
	");",

	/*
	 * 4 -> 5: each outgoing mail knows whom it is to and which match it
	 * is about, so that a reply in its thread is tied to them.  A message
	 * that could not be handled has the outcome "failed" (no CHECK on
	 * outcome: nothing to change there).
	 */
	"ALTER TABLE outbox ADD COLUMN participant INTEGER "
	"  REFERENCES participant (id);"
	"ALTER TABLE outbox ADD COLUMN match INTEGER REFERENCES match (id);"
	"UPDATE outbox SET participant = (SELECT participant FROM message "
	"  WHERE message.id = outbox.message) WHERE message IS NOT NULL;"
	"CREATE INDEX outbox_by_participant ON outbox (participant);",

	/*
	 * 5 -> 6: the program calendar (state-calendar.h).  A match knows
	 * when its mentorship starts and ends (days in the program's zone)
	 * and whether a confirmation is awaited; every message tied to a
	 * match says so.  Time-driven work is a row of `event`, so that
	 * "exactly once per match and event" is a primary key.  What the pair
	 * send (goals, meeting reports, check-in answers, evaluations) has a
	 * table each; `notice` keeps what the coordinator must be told.
	 */
	"ALTER TABLE match ADD COLUMN starts_on TEXT;"
	"ALTER TABLE match ADD COLUMN ends_on TEXT;"
	"ALTER TABLE match ADD COLUMN ended_on TEXT;"
	"ALTER TABLE match ADD COLUMN confirm TEXT;"	/* waiting | confirmed */
	"ALTER TABLE message ADD COLUMN match INTEGER REFERENCES match (id);"
	"CREATE TABLE confirmation ("
	"  match INTEGER NOT NULL REFERENCES match (id),"
	"  who TEXT NOT NULL,"		/* mentee | mentor | supervisor */
	"  address TEXT NOT NULL,"
	"  answer TEXT,"		/* yes | no; NULL while awaited */
	"  reason TEXT,"
	"  message INTEGER REFERENCES message (id),"
	"  asked_at TEXT NOT NULL,"
	"  answered_at TEXT,"
	"  PRIMARY KEY (match, who)"
	");"
	"CREATE TABLE event ("
	"  match INTEGER NOT NULL REFERENCES match (id),"
	"  name TEXT NOT NULL,"		/* goals.remind.1, contact.3, end... */
	"  due_on TEXT NOT NULL,"
	"  done_at TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"	/* sent | skipped | told */
	"  PRIMARY KEY (match, name)"
	");"
	"CREATE TABLE goals ("
	"  id INTEGER PRIMARY KEY,"
	"  match INTEGER NOT NULL REFERENCES match (id),"
	"  message INTEGER REFERENCES message (id),"
	"  revision INTEGER NOT NULL,"
	"  items TEXT NOT NULL,"	/* one goal a line */
	"  received_on TEXT NOT NULL,"
	"  on_time INTEGER NOT NULL"
	");"
	"CREATE INDEX goals_by_match ON goals (match, revision);"
	"CREATE TABLE meeting ("
	"  id INTEGER PRIMARY KEY,"
	"  match INTEGER NOT NULL REFERENCES match (id),"
	"  message INTEGER REFERENCES message (id),"
	"  reported_by INTEGER REFERENCES participant (id),"
	"  held_on TEXT NOT NULL,"
	"  mode TEXT,"			/* in-person | virtual */
	"  hours REAL,"
	"  place TEXT,"
	"  miles REAL,"
	"  travel REAL,"		/* an amount reported */
	"  topics TEXT,"
	"  paid REAL NOT NULL DEFAULT 0,"	/* the stipend for it */
	"  reimbursed REAL NOT NULL DEFAULT 0,"
	"  received_at TEXT NOT NULL"
	");"
	"CREATE INDEX meeting_by_match ON meeting (match, held_on);"
	"CREATE TABLE checkin ("
	"  id INTEGER PRIMARY KEY,"
	"  match INTEGER NOT NULL REFERENCES match (id),"
	"  participant INTEGER REFERENCES participant (id),"
	"  message INTEGER REFERENCES message (id),"
	"  verdict TEXT NOT NULL,"	/* fine | not-a-good-fit | withdraw */
	"  comments TEXT,"
	"  received_at TEXT NOT NULL"
	");"
	"CREATE INDEX checkin_by_match ON checkin (match);"
	"CREATE TABLE evaluation ("
	"  id INTEGER PRIMARY KEY,"
	"  match INTEGER NOT NULL REFERENCES match (id),"
	"  participant INTEGER NOT NULL REFERENCES participant (id),"
	"  message INTEGER REFERENCES message (id),"
	"  role TEXT NOT NULL,"
	"  satisfaction INTEGER,"	/* 1-5 */
	"  keep_in_touch INTEGER,"	/* 1 yes, 0 no */
	"  mentor_again INTEGER,"
	"  comments TEXT,"
	"  received_at TEXT NOT NULL,"
	"  UNIQUE (match, participant)"
	");"
	"CREATE TABLE notice ("
	"  id INTEGER PRIMARY KEY,"
	"  match INTEGER REFERENCES match (id),"
	"  participant INTEGER REFERENCES participant (id),"
	"  message INTEGER REFERENCES message (id),"
	"  what TEXT NOT NULL,"		/* goals-late, not-a-good-fit, ... */
	"  text TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  reported_at TEXT"		/* when a digest told it */
	");",

	/*
	 * 6 -> 7: the coordinators' daily digest, one row a day (the day in
	 * the program's zone), saying what period it covered.
	 */
	"CREATE TABLE digest ("
	"  day TEXT PRIMARY KEY,"
	"  covers_from TEXT,"		/* NULL: the first digest */
	"  covers_to TEXT NOT NULL,"
	"  outbox INTEGER REFERENCES outbox (id)"	/* NULL: a quiet day */
	");",

	/*
	 * 7 -> 8: commands by mail.  Each mail to a coordinator carries a
	 * fresh token that authenticates one reply (token.h): issued to one
	 * address, for one outbox mail, until it expires or is used.  The
	 * audit log keeps every decision: by whom, by which message and line
	 * or on the command line, when, and what came of it.
	 */
	"CREATE TABLE token ("
	"  token TEXT PRIMARY KEY,"
	"  outbox INTEGER REFERENCES outbox (id),"	/* the mail with it */
	"  to_addr TEXT NOT NULL COLLATE NOCASE,"
	"  kind TEXT NOT NULL,"			/* that mail's kind */
	"  issued_at TEXT NOT NULL,"
	"  expires_at TEXT NOT NULL,"
	"  used_at TEXT,"
	"  used_by INTEGER REFERENCES message (id)"
	");"
	"CREATE INDEX token_by_outbox ON token (outbox);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"	/* an address, or "user NAME" */
	"  via TEXT NOT NULL,"		/* mail | command line */
	"  message INTEGER REFERENCES message (id),"
	"  line INTEGER,"		/* of the command in its message */
	"  command TEXT NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'not done',"
	"    'refused')),"
	"  detail TEXT"			/* what was done, or why not */
	");",

	/*
	 * 8 -> 9: the pool's generation.  A round of proposals depends on
	 * the participants (who, their status, their fields), on the
	 * decided matches and on the coordinator's pins and exclusions;
	 * every change to those bumps the generation, by trigger, so that
	 * no code path, present or future, can forget it.  Proposals made
	 * and withdrawn by a round are its output, not its input: they bump
	 * nothing.  A round records the generation it saw (after its own
	 * decisions, under [matching] mode = auto) and the [matching]
	 * settings it used; `run` skips the round while both are the same
	 * (match.h: match_pool_changed).
	 */
	"CREATE TABLE match_pool ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  generation INTEGER NOT NULL,"
	"  round_generation INTEGER,"	/* NULL: no round yet */
	"  round_settings TEXT,"
	"  round_at TEXT"
	");"
	"INSERT INTO match_pool (id, generation) VALUES (1, 1);"
	"CREATE TRIGGER pool_participant_insert AFTER INSERT ON participant "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_participant_update AFTER UPDATE ON participant "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_participant_delete AFTER DELETE ON participant "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_field_insert AFTER INSERT ON participant_field "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_field_update AFTER UPDATE ON participant_field "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_field_delete AFTER DELETE ON participant_field "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_match_insert AFTER INSERT ON match "
	"  WHEN new.status <> 'proposed' "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_match_update AFTER UPDATE ON match "
	"  WHEN old.status IS NOT new.status OR old.mentee IS NOT new.mentee "
	"  OR old.mentor IS NOT new.mentor "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_match_delete AFTER DELETE ON match "
	"  WHEN old.status <> 'proposed' "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_rule_insert AFTER INSERT ON match_rule "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_rule_update AFTER UPDATE ON match_rule "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;"
	"CREATE TRIGGER pool_rule_delete AFTER DELETE ON match_rule "
	"  BEGIN UPDATE match_pool SET generation = generation + 1; END;",

	/*
	 * 9 -> 10: a mentor's matches by index, as a mentee's are
	 * (match_by_status): what a mentor has taken is looked up for every
	 * mentor of the pool.
	 */
	"CREATE INDEX match_by_mentor ON match (status, mentor);",

	/*
	 * 10 -> 11: the coordinator's hand on the outbox, and a proposal's
	 * dates.  A mail put back in the queue keeps its five days of tries
	 * from then (retried_at); one dropped stays failed, and is no longer
	 * shown as failed (dropped_at).  A match is decided_at only when the
	 * coordinator (or automatic matching) decided it; proposed_at is
	 * when a round last proposed it.
	 */
	"ALTER TABLE outbox ADD COLUMN retried_at TEXT;"
	"ALTER TABLE outbox ADD COLUMN dropped_at TEXT;"
	"ALTER TABLE match ADD COLUMN proposed_at TEXT;"
	"UPDATE match SET proposed_at = CASE status WHEN 'proposed' THEN "
	"  coalesce(decided_at, created_at) ELSE created_at END;"
	"UPDATE match SET decided_at = NULL WHERE status = 'proposed';",
	NULL
};

const int schema_version = 11;
