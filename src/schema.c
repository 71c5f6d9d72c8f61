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
	 * 4 -> 5: the pool's generation.  A round of proposals depends on
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
	NULL
};

const int schema_version = 5;
