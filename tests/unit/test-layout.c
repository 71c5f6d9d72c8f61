/*
 * test-layout.c -- reading mail that is laid out as people send it: forms
 * whose questions are worded their own way, tables, rows of labels over
 * rows of answers, options ticked in a list, a role said in words, and
 * letters that are no form at all.  Each test is one class of mail, read
 * with a small form of its own ("test.rules" below), so that it states
 * what the engine does, not what one program's form says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "mime.h"
#include "rules.h"
#include "rules-int.h"

static const char test_rules[] =
    "[form]\n"
    "name = test\n"
    "required = role, name, email, library\n"
    "skip = \\b(library goals|motivation)\\b\n"
    "\n"
    "[text]\n"
    "signature = ^--\\s*$|^sent from my\n"
    "closing = ^\\s*(thanks|regards|best|thank you),?!?\\s*$\n"
    "empty = ^(n/?a|none)(\\W|$)\n"
    "noreply = ^no-?reply\\b\n"
    "reply = ^\\s*on\\b.*\\bwrote:\\s*$|^\\s*from:\\s.*<[^>]+@[^>]+>\n"
    "forward = ^\\s*(fw|fwd)\\s*:\n"
    "\n"
    "[field role]\n"
    "labels = Applying as\n"
    "question = \\b(applying as|would like to be)\\b\n"
    "choice.mentee = Mentee | Protégé\n"
    "choice.mentor = Mentor\n"
    "phrase.mentor = \\bas an? mentor\\b|\\bmentor application\\b\n"
    "phrase.mentee = \\bas an? mentee\\b|\\bmentee application\\b|"
    "\\b(have|find) an? mentor\\b\n"
    "decision.mentor = \\bi'd like to apply as an? mentor\\b\n"
    "decision.mentee = \\bi'd like to apply as an? mentee\\b\n"
    "undecided = \\bcan't decide which side\\b|\\bcould i do both\\b\n"
    "implied.mentee = goals\n"
    "implied.mentor = strengths, capacity\n"
    "\n"
    "[field name]\n"
    "labels = Name\n"
    "question = ^\\W*((full )?name)\\b\n"
    "fallback = sender\n"
    "\n"
    "[field email]\n"
    "labels = Email\n"
    "question = \\b(e-?mail( address)?)\\b\n"
    "pattern = ([a-z0-9.]+@[a-z0-9.]+)\n"
    "normalise = lowercase\n"
    "fallback = from\n"
    "\n"
    "[field phone]\n"
    "labels = Phone\n"
    "normalise = phone\n"
    "\n"
    "[field address]\n"
    "labels = Address\n"
    "pattern = ^(.*?)(,\\s*[^,]+?,?\\s+[a-z]{2}\\s+\\d{5})?\\s*$\n"
    "continued = ^[^,\\d][^,]*,\\s+[a-z]{2}\\s+\\d{5}\\s*$\n"
    "\n"
    "[field city]\n"
    "labels = City\n"
    "from.address = ,\\s*([^,]+?),?\\s+[a-z]{2}\\s+\\d{5}\\s*$\n"
    "\n"
    "[field library]\n"
    "labels = Library | Library, school or organization | Employer\n"
    "question = ^(?!.*\\b(?:type|goals)\\b).*?\\b(library|employer)\\b\n"
    "\n"
    "[field position]\n"
    "labels = Position\n"
    "\n"
    "[field library_type]\n"
    "labels = Library type\n"
    "map.academic = college|academic\n"
    "map.public = public\n"
    "\n"
    "[field years_experience]\n"
    "labels = Years of experience\n"
    "question = \\b(years?\\b.*\\bexperience)\\b\n"
    "search = \\bi have worked\\b[^.\\n]{0,60}?\\bfor ((?:\\d+|\\w+) years)\\b\n"
    "prefer = \\b((?:\\d+|\\w+) years) in all\\b\n"
    "normalise = years\n"
    "\n"
    "[field goals]\n"
    "labels = Goals | What do you hope to learn and need help with\n"
    "question = \\b(hope to learn|help with)\\b\n"
    "text = multiline\n"
    "\n"
    "[field strengths]\n"
    "labels = Strengths\n"
    "question = \\b(supporting a mentee)\\b\n"
    "text = multiline\n"
    "\n"
    "[field capacity]\n"
    "labels = How many mentees\n"
    "normalise = capacity\n"
    "\n"
    "[field meeting_mode]\n"
    "labels = Meeting mode\n"
    "map.either = \\beither\\b|in person.*\\b(virtual|zoom)\\b\n"
    "map.in-person = \\bin person\\b\n"
    "map.virtual = \\b(virtual|zoom)\\b\n"
    "\n"
    "[letter]\n"
    "fields = 2\n"
    "apply = \\b(sign me up|my application)\\b\n"
    "ask = \\bhow do i apply\\b|\\bsend me the form\\b\n"
    "prose.library = \\bat the ((?-i:[A-Z])\\w*(?: (?-i:[A-Z])\\w*)* "
    "Library)\\b\n"
    "prose.position = \\bi am the (\\w+)\\b\n"
    "prose.meeting_mode = \\b(in person|zoom)\\b\n"
    "prose.goals = \\b((?<!can )help with|want to learn)\\b\n"
    "prose.strengths = \\b(i can help|i know)\\b\n"
    "sign.name = ^((?-i:[A-Z])\\w+ (?-i:[A-Z])\\w+)$\n"
    "sign.position = \\b(director|librarian)\\b\n"
    "sign.library = \\b(library)\\b\n";

static const char test_kinds[] =
    "[kind application]\n"
    "fields = 3\n";

struct fixture {
	char	*dir;
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);
	char		*path;

	f->dir = g_dir_make_tmp("test-layout.XXXXXX", NULL);
	assert_non_null(f->dir);
	path = g_build_filename(f->dir, "test.rules", NULL);
	assert_true(g_file_set_contents(path, test_rules, -1, NULL));
	g_free(path);
	path = g_build_filename(f->dir, "kinds.rules", NULL);
	assert_true(g_file_set_contents(path, test_kinds, -1, NULL));
	g_free(path);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	GDir		*d = g_dir_open(f->dir, 0, NULL);
	const char	*name;
	char		*path;

	while ((name = g_dir_read_name(d)) != NULL) {
		path = g_build_filename(f->dir, name, NULL);
		g_unlink(path);
		g_free(path);
	}
	g_dir_close(d);
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* The test form's reading of a message with this Subject, From and text. */
static struct extraction *
extract_from(void **state, const char *subject, const char *from_name,
    const char *from, const char *text)
{
	struct fixture		*f = *state;
	struct rules		*r;
	struct extraction	*x;
	struct extract_input	 in = { .subject = subject, .text = text,
				    .from_addr = from, .from_name = from_name };
	char			*cause = NULL;

	if (rules_load(f->dir, NULL, &r, &cause) != 0)
		fail_msg("%s", cause);
	x = extract_message(r, &in);
	rules_free(r);
	return x;
}

static struct extraction *
extract(void **state, const char *text)
{
	return extract_from(state, "Application", NULL, "dana@example.org",
	    text);
}

static void
assert_field(const struct extraction *x, const char *field,
    const char *want)
{
	const char	*got = extraction_get(x, field);

	if (g_strcmp0(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", field,
		    got != NULL ? got : "(none)", want != NULL ? want :
		    "(none)");
}

/* The confidence of field `name`, which must be there. */
static enum extract_confidence
confidence(const struct extraction *x, const char *name)
{
	const struct extract_field	*f;
	guint				 i;

	for (i = 0; i < x->fields->len; i++) {
		f = x->fields->pdata[i];
		if (strcmp(f->name, name) == 0)
			return f->confidence;
	}
	fail_msg("no field %s", name);
	return EXTRACT_SURE;
}

/* Whether some unclear line starts with `prefix`. */
static int
unclear_about(const struct extraction *x, const char *prefix)
{
	guint	i;

	for (i = 0; i < x->unclear->len; i++) {
		if (g_str_has_prefix(x->unclear->pdata[i], prefix))
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static void
test_question_ends(void **state)
{
	struct line	l;
	struct asked	a[8];
	char		s[] = "7. Years (paid or volunteer)? (Please say)\t4";
	int		n;

	l.s = s;
	l.len = strlen(s);
	l.flags = 0;
	n = question_ends(&l, 3, a, 8);
	assert_true(n >= 1);
	/* the '?' ends it; the hint after it is skipped, the answer follows */
	assert_int_equal(a[0].mark, '?');
	assert_int_equal(a[0].end, strlen("7. Years (paid or volunteer)?"));
	assert_string_equal(s + a[0].answer, "4");
	/* prose: a sentence that ends and another that starts is no question */
	{
		char	p[] = "I moved here. Then: budgets";

		l.s = p;
		l.len = strlen(p);
		assert_int_equal(question_ends(&l, 0, a, 8), 0);
	}
}

static void
test_questions_by_wording(void **state)
{
	struct extraction	*x;

	/* a question the rules know by its wording, not its label */
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "7.\tYears of library experience (paid or volunteer)\t4\n"
	    "MENTORS: How do you imagine supporting a mentee?\tI can help "
	    "with budgets.\n"
	    "Preferred e-mail address (we will use it)\tDW@Example.org\n");
	assert_field(x, "years_experience", "4");
	assert_field(x, "strengths", "I can help with budgets.");
	assert_field(x, "email", "dw@example.org");
	extraction_free(x);
	/* a skipped question, and one no rule knows, end the answer above */
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "What do you hope to learn?\n"
	    "Grants.\n"
	    "What are your library goals?\n"
	    "Be a director.\n"
	    "What is your favourite book this year?\n"
	    "Dune.\n");
	assert_field(x, "goals", "Grants.");
	extraction_free(x);
	/* prose with a colon is no question: "county" is not the Region */
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "Goals:\n"
	    "Eleven years in a large library system: youth services.\n"
	    "I'd like help with:\n"
	    "- budgets\n");
	assert_field(x, "goals", "Eleven years in a large library system: "
	    "youth services.\nI'd like help with:\n- budgets");
	extraction_free(x);
}

static void
test_label_begins_question(void **state)
{
	struct extraction	*x;

	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "Applying as: Mentee\n"
	    "Library, school or organization where you work\tMead High "
	    "School\n");
	assert_field(x, "library", "Mead High School");
	extraction_free(x);
	/* "Library / Employer": all label words, the answer is below */
	x = extract(state,
	    "Name\n"
	    "Dana Whitfield\n"
	    "\n"
	    "Library / Employer\n"
	    "Clark College\n"
	    "\n"
	    "Applying as: Mentee\n");
	assert_field(x, "library", "Clark College");
	extraction_free(x);
}

static void
test_rows_of_labels(void **state)
{
	struct extraction	*x;

	/* a table's row of labels over its row of answers, cell by cell */
	x = extract(state,
	    "Name\tPhone\tLibrary\n"
	    "Dana Whitfield\t\tTeton County Library\n"
	    "Applying as: Mentee\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "phone", NULL);
	assert_field(x, "library", "Teton County Library");
	extraction_free(x);
	/* bare labels in cells, one of several label words */
	x = extract(state,
	    "Name\tPhone\tLibrary / Employer\tPosition\n"
	    "Dana Whitfield\t307-555-0101\tClark College\tLibrarian\n"
	    "Applying as: Mentee\n");
	assert_field(x, "phone", "307-555-0101");
	assert_field(x, "library", "Clark College");
	assert_field(x, "position", "Librarian");
	extraction_free(x);
	/* a PDF's column pasted in reading order: labels, then answers */
	x = extract(state,
	    "Name\n"
	    "Phone\n"
	    "Library\n"
	    "Dana Whitfield\n"
	    "307-555-0101\n"
	    "Library Technician Hall\n"
	    "Applying as: Mentee\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "phone", "307-555-0101");
	assert_field(x, "library", "Library Technician Hall");
	extraction_free(x);
	/* a PDF pasted as text: each row of answers above its labels */
	x = extract(state,
	    "Please see my form.\n\n"
	    "Dana Whitfield\n"
	    "Name\n"
	    "dana@example.org          307-555-0101\n"
	    "Email                                         Phone\n"
	    "Teton County Library      Library Director\n"
	    "Library                                         Position\n"
	    "Applying as: Mentee\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "email", "dana@example.org");
	assert_field(x, "phone", "307-555-0101");
	assert_field(x, "library", "Teton County Library");
	assert_field(x, "position", "Library Director");
	extraction_free(x);
	/* answers typed into the blanks, the labels under them */
	x = extract(state,
	    "Dana Whitfield______________   307-555-0101__________\n"
	    "Name                                            Phone\n"
	    "Applying as: Mentee\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "phone", "307-555-0101");
	extraction_free(x);
	/*
	 * Over a line of underscores, labels out of their columns, or
	 * stacked one a line, blank lines between: theirs in order.
	 */
	x = extract(state,
	    "Dana Whitfield                        307-555-0101\n"
	    "______________________    ______________________\n"
	    "Name                                                  Phone\n"
	    "Teton County Library       Library Director\n"
	    "______________________    ______________________\n"
	    "Library\n"
	    "\n"
	    "\n"
	    "          Position\n"
	    "Applying as: Mentee\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "phone", "307-555-0101");
	assert_field(x, "library", "Teton County Library");
	assert_field(x, "position", "Library Director");
	extraction_free(x);
	/* a label's answer on the next line is no row above labels */
	x = extract(state,
	    "Applying as:\n"
	    "Mentee\n"
	    "Name\n"
	    "Dana Whitfield\n"
	    "Library\n"
	    "Teton County Library\n"
	    "Phone\n"
	    "307-555-0101\n");
	assert_field(x, "role", "mentee");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "library", "Teton County Library");
	extraction_free(x);
}

static void
test_ticked_options(void **state)
{
	struct extraction	*x;
	const char		*s;
	char			*t;

	s = "\xe2\x98\x90 Public \xe2\x98\x92 Academic \xe2\x98\x90 School";
	t = ticked_text(s, s + strlen(s));
	assert_string_equal(t, "Academic");
	g_free(t);
	s = "In person \xe2\x9c\x94\nVirtual\nEither";
	t = ticked_text(s, s + strlen(s));
	assert_string_equal(t, "In person");
	g_free(t);
	s = "No preference";
	assert_null(ticked_text(s, s + strlen(s)));
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "Library type: \xe2\x98\x90 Public \xe2\x98\x92 Academic\n"
	    "Meeting mode\n"
	    "In person \xe2\x9c\x94\n"
	    "Virtual\n"
	    "Either\n");
	assert_field(x, "library_type", "academic");
	assert_field(x, "meeting_mode", "in-person");
	extraction_free(x);
	/* "Virtual: Yes" on the lines under the question */
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "Applying as: Mentee\n"
	    "Meeting mode\n"
	    "In person: Yes\n"
	    "Virtual: Yes\n");
	assert_field(x, "meeting_mode", "either");
	extraction_free(x);
}

static void
test_role_marks(void **state)
{
	struct extraction	*x;

	/* bold, as plain text gives it */
	x = extract(state, "Name: Dana\nApplying as: Mentee  *Mentor*\n"
	    "Library: Teton\n");
	assert_field(x, "role", "mentor");
	extraction_free(x);
	/* an arrow */
	x = extract(state, "Name: Dana\nApplying as:\nMentee <-- this one\n"
	    "Mentor\nLibrary: Teton\n");
	assert_field(x, "role", "mentee");
	extraction_free(x);
	/* "I would like to be a: Mentee", worded its own way */
	x = extract(state, "Name: Dana\nI would like to be a: Mentee\n"
	    "Library: Teton\n");
	assert_field(x, "role", "mentee");
	extraction_free(x);
}

static void
test_role_evidence(void **state)
{
	struct extraction	*x;

	/* the box ticked one way, the words the other: asked, never guessed */
	x = extract_from(state, "Mentee application", NULL,
	    "dana@example.org", "Name: Dana\nApplying as: [x] Mentor [ ] "
	    "Mentee\nLibrary: Teton\n");
	assert_field(x, "role", NULL);
	assert_true(unclear_about(x, "role: "));
	extraction_free(x);
	/* the mentee box, the mentor's questions answered: asked */
	x = extract(state, "Name: Dana\nApplying as: [x] Mentee [ ] Mentor\n"
	    "Library: Teton\nStrengths: budgets\nHow many mentees: 2\n");
	assert_field(x, "role", NULL);
	assert_true(unclear_about(x, "role: "));
	extraction_free(x);
	/* the question left blank, only a mentee's answered: kept, unsure */
	x = extract(state, "Name: Dana\nApplying as:\nLibrary: Teton\n"
	    "Goals: grants\n");
	assert_field(x, "role", "mentee");
	assert_int_equal(confidence(x, "role"), EXTRACT_UNSURE);
	assert_int_equal(confidence(x, "name"), EXTRACT_SURE);
	assert_true(unclear_about(x, "role: read as mentee"));
	assert_int_equal(x->missing->len, 0);
	extraction_free(x);
	/* said in words, with no box: stated */
	x = extract(state, "Hello, please sign me up as a mentor.\n\n"
	    "Name: Dana\nLibrary: Teton\n");
	assert_field(x, "role", "mentor");
	assert_int_equal(confidence(x, "role"), EXTRACT_SURE);
	extraction_free(x);	/* both weighed, neither chosen: unclear, asked */
	x = extract(state, "Hello, please sign me up: I could serve as a "
	    "mentor or as a mentee.\n\nName: Dana\nLibrary: Teton\n");
	assert_field(x, "role", NULL);
	assert_true(unclear_about(x, "role: "));
	extraction_free(x);
	/*
	 * Indecision, even asked in a question, leaves it open beside words
	 * naming one role, and beside a ticked box.
	 */
	x = extract(state, "Hello, I can't decide which side to sign up for, "
	    "can you tell me? I would like to have a mentor.\n\n"
	    "Name: Dana\nLibrary: Teton\n");
	assert_field(x, "role", NULL);
	assert_true(unclear_about(x, "role: "));
	extraction_free(x);
	x = extract(state, "Applying as: [x] Mentor [ ] Mentee\n"
	    "Name: Dana\nLibrary: Teton\n\nCould I do both?\n");
	assert_field(x, "role", NULL);
	assert_true(unclear_about(x, "role: "));
	extraction_free(x);
	/* both weighed, then one chosen in so many words: that one */
	x = extract(state, "Hello, I thought of applying as a mentor, but I "
	    "am new here. So I'd like to apply as a mentee.\n\n"
	    "Name: Dana\nLibrary: Teton\n");
	assert_field(x, "role", "mentee");
	assert_int_equal(confidence(x, "role"), EXTRACT_SURE);
	extraction_free(x);
}

static void
test_letter(void **state)
{
	struct extraction	*x;

	x = extract_from(state, "Mentoring", "Whitfield, Dana",
	    "dana@example.org",
	    "Hi,\n"
	    "\n"
	    "Please sign me up as a mentee. I am the director at the Teton "
	    "County Library.\n"
	    "\n"
	    "I moved here last year. I want to learn budgets, and I would "
	    "like help with my board.\n"
	    "\n"
	    "Thanks,\n"
	    "Dana Whitfield\n"
	    "Director, Teton County Library\n");
	assert_string_equal(x->kind, "application");
	assert_field(x, "role", "mentee");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "email", "dana@example.org");
	assert_field(x, "library", "Teton County Library");
	assert_field(x, "position", "director");
	/* the passage from its first cue to the paragraph's end */
	assert_field(x, "goals", "I want to learn budgets, and I would like "
	    "help with my board.");
	assert_int_equal(confidence(x, "goals"), EXTRACT_UNSURE);
	assert_true(unclear_about(x, "goals: "));
	extraction_free(x);
	/* the signature block gives what the sentences do not */
	x = extract_from(state, "Mentoring", NULL, "rob@example.org",
	    "Go ahead and sign me up as a mentor. I know boards.\n"
	    "\n"
	    "Rob\n"
	    "\n"
	    "Rob Heikkinen\n"
	    "Director, Neillsville Public Library\n");
	assert_string_equal(x->kind, "application");
	assert_field(x, "name", "Rob Heikkinen");
	assert_field(x, "position", "Director");
	assert_field(x, "library", "Neillsville Public Library");
	assert_field(x, "strengths", "I know boards.");
	extraction_free(x);
	/* the passage ends where a sentence says another field's answer */
	x = extract_from(state, "Mentoring", "Dana Whitfield",
	    "dana@example.org", "Please sign me up as a mentee. I want to "
	    "learn budgets. Also boards. In person would be great. And "
	    "grants.\n");
	assert_field(x, "goals", "I want to learn budgets. Also boards.");
	assert_field(x, "meeting_mode", "in-person");
	extraction_free(x);
}

static void
test_letter_implied_and_asking(void **state)
{
	struct extraction	*x;

	/* no role named, only what a mentor offers: mentor, not sure */
	x = extract_from(state, "Mentoring", "Dee Whitaker",
	    "dee@example.org",
	    "Hello,\n\nI can help with scheduling and budgets.\n");
	assert_string_equal(x->kind, "application");
	assert_field(x, "role", "mentor");
	assert_int_equal(confidence(x, "role"), EXTRACT_UNSURE);
	extraction_free(x);
	/* asking how to apply is no application, whatever else it says */
	x = extract_from(state, "Question", "Dee Whitaker", "dee@example.org",
	    "Hello, how do I apply? I would like to sign me up as a mentor.\n");
	assert_string_equal(x->kind, "other");
	extraction_free(x);
	/* a role inside a question is no role */
	x = extract_from(state, "Question", "Dee Whitaker", "dee@example.org",
	    "Hello,\n\nDo I need a membership to join as a mentor?\n");
	assert_string_equal(x->kind, "other");
	extraction_free(x);
}

static void
test_sender(void **state)
{
	struct fixture		*f = *state;
	struct rules		*r;
	struct extraction	*x;
	struct extract_input	 in = { .subject = "New submission",
				    .text = "Applying as: Mentee\nLibrary: Teton\n",
				    .from_addr = "noreply@forms.example.com",
				    .from_name = "Form Service",
				    .reply_to = "dana@example.org" };

	assert_int_equal(rules_load(f->dir, NULL, &r, NULL), 0);
	/* a sender no one reads: its Reply-To is the applicant */
	x = extract_message(r, &in);
	assert_field(x, "email", "dana@example.org");
	assert_field(x, "name", NULL);
	extraction_free(x);
	/* "Last, First" is First Last */
	in.from_addr = "dana@example.org";
	in.from_name = "Whitfield, Dana";
	x = extract_message(r, &in);
	assert_field(x, "name", "Dana Whitfield");
	extraction_free(x);
	/* a supervisor forwarding: the forwarded message is the applicant's */
	in.subject = "FW: mentoring";
	in.from_addr = "boss@example.org";
	in.from_name = "Greg Boss";
	in.reply_to = NULL;
	in.text = "Please see Dana's note below.\n\nThanks,\nGreg\n\n"
	    "From: Whitfield, Dana <dana@example.org>\n"
	    "Subject: mentoring\n\n"
	    "Please sign me up as a mentee. I would like to learn grant "
	    "writing.\n\nThanks,\nDana Whitfield\nLibrarian\n";
	x = extract_message(r, &in);
	assert_string_equal(x->kind, "application");
	assert_field(x, "role", "mentee");
	assert_field(x, "email", "dana@example.org");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "position", "Librarian");
	extraction_free(x);
	/* the same text, no forward: the sender's sign-off ends the letter */
	in.subject = "mentoring";
	x = extract_message(r, &in);
	assert_string_not_equal(x->kind, "application");
	extraction_free(x);
	rules_free(r);
}

static void
test_years_and_address(void **state)
{
	struct extraction	*x;

	/* years stated where no question asks them */
	x = extract(state, "Name: Dana\nApplying as: Mentor\n"
	    "Strengths: I have worked at Teton County Library for 17 years.\n");
	assert_field(x, "years_experience", "17");
	extraction_free(x);
	/* the total preferred, though the years of one job come first */
	x = extract(state, "Name: Dana\nApplying as: Mentor\n"
	    "Strengths: I have worked at Teton County Library for 7 years, "
	    "and before that in Cody: 19 years in all.\n");
	assert_field(x, "years_experience", "19");
	extraction_free(x);
	/* an address on two lines */
	x = extract(state, "Name: Dana\nAddress\n110 W. Polk St.\n"
	    "Crandon, WI 54520\nLibrary: Teton\n");
	assert_field(x, "address", "110 W. Polk St.");
	assert_field(x, "city", "Crandon");
	extraction_free(x);
}

static void
test_free_text_edges(void **state)
{
	struct extraction	*x;

	/* a label of the text's own field inside it is part of it */
	x = extract(state, "Name: Dana\nStrengths:\nTwenty years.\n"
	    "Strengths: budgets.\nPhone: 307-555-0101\n");
	assert_field(x, "strengths", "Twenty years.\nStrengths: budgets.");
	assert_field(x, "phone", "307-555-0101");
	extraction_free(x);
	/* an answer that is only the applicant's name is a sign-off */
	x = extract(state, "Name: Dana Whitfield\nGoals:\n\nStrengths:\n\n"
	    "Dana\n");
	assert_field(x, "strengths", NULL);
	extraction_free(x);
	x = extract(state, "Name: Dana Whitfield\nApplying as: Mentor\n"
	    "Strengths:\nBudgets.\n\n-Dana\n");
	assert_field(x, "strengths", "Budgets.");
	extraction_free(x);
	/* a signature block under the last answer, starting with the name */
	x = extract(state, "Name: Dana Whitfield\nApplying as: Mentor\n"
	    "Strengths:\nBudgets.\n\nGrants too.\n\n"
	    "Dana Whitfield | Branch Manager\nTeton County Library\n"
	    "217 E. Third St.\n");
	assert_field(x, "strengths", "Budgets.\n\nGrants too.");
	extraction_free(x);
	/* the rest of the question on the label's line is not the answer */
	x = extract(state, "Name: Dana Whitfield\nApplying as: Mentee\n"
	    "Goals: (1) what you hope, (2) need help with:\nGrants.\n");
	assert_field(x, "goals", "Grants.");
	extraction_free(x);
	x = extract(state, "Name: Dana Whitfield\nApplying as: Mentee\n"
	    "Goals: hope to learn: Grants.\n");
	assert_field(x, "goals", "Grants.");
	extraction_free(x);
	/* a label run on with more label words: "Library/Employer:" */
	x = extract(state, "Name: Dana Whitfield\nApplying as: Mentee\n"
	    "Library/Employer/Name: Teton County Library\n");
	assert_field(x, "library", "Teton County Library");
	extraction_free(x);
}

static void
test_dash_questions(void **state)
{
	struct extraction	*x;

	/* "NAME - René": retyped from memory, a dash between spaces */
	x = extract(state,
	    "NAME - Dana Whitfield\n"
	    "APPLYING AS - Mentor\n"
	    "LIBRARY - Teton County Library\n"
	    "HOW I IMAGINE SUPPORTING A MENTEE - Budgets and boards.\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "role", "mentor");
	assert_field(x, "strengths", "Budgets and boards.");
	extraction_free(x);
	/* but a dash inside an answer is no question */
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "Applying as: Mentee\n"
	    "Library:\n"
	    "Teton County Library - Reference\n");
	assert_field(x, "library", "Teton County Library - Reference");
	extraction_free(x);
}

static void
test_letter_lead_in(void **state)
{
	struct extraction	*x;

	/* a lead-in ending in ':' takes its list, and beats a lone sentence */
	x = extract_from(state, "Mentoring", "Rob Heikkinen",
	    "rob@example.org",
	    "Please sign me up as a mentor. I know a few people.\n"
	    "\n"
	    "I can help with:\n"
	    "- boards\n"
	    "- budgets\n"
	    "\n"
	    "Thanks,\n"
	    "Rob\n");
	assert_field(x, "strengths", "I can help with:\n- boards\n- budgets");
	extraction_free(x);
}

static void
test_html_table_read(void **state)
{
	struct extraction	*x;
	char			*text;
	const char		*html =
	    "<table><tr><td><b>Name</b></td><td><b>Phone</b></td></tr>"
	    "<tr><td>Dana Whitfield</td><td>307.555.0101</td></tr>"
	    "<tr><td>Library</td><td><p>Teton County</p><p>Library</p>"
	    "</td></tr></table>";

	text = html_to_text(html, strlen(html));
	x = extract(state, text);
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "phone", "307-555-0101");
	assert_field(x, "library", "Teton County");
	extraction_free(x);
	g_free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_question_ends),
		cmocka_unit_test_setup_teardown(test_questions_by_wording,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_begins_question,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_of_labels,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticked_options,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_marks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_evidence,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_letter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_letter_implied_and_asking,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_years_and_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_text_edges,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_table_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dash_questions,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_letter_lead_in,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
