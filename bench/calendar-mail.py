#!/usr/bin/python3
# bench/calendar-mail.py DAY START DIR -- the mail of one day of
# bench/calendar.sh's program year, as files in DIR, from what the
# database ($MM_DB) says has happened so far.  DAY "apply" writes the
# 2 x $MM_PAIRS applications (WVLS form); any other day (YYYY-MM-DD)
# writes what the pairs send that day: goals, meeting reports, answers to
# the check-ins and evaluations after the end.  Each pair's behaviour is
# drawn from a generator seeded with its match number, so a run of the
# bench is the same as the last.
import datetime
import os
import random
import sqlite3
import sys

COUNTIES = ["Clark", "Lincoln", "Marathon", "Oneida", "Langlade", "Taylor",
            "Vilas", "Forest", "Portage", "Wood"]


def write(out, n, sender, subject, body, reply=None, date=None):
    headers = [
        "From: <%s>" % sender,
        "To: <mentoring@wvls.example.org>",
        "Subject: %s" % subject,
        "Date: %s" % (date or "Mon, 05 Jan 2026 08:00:00 -0600"),
        "Message-ID: <bench.%s.%d@bench.example.org>" % (os.path.basename(out), n),
    ]
    if reply:
        headers += ["In-Reply-To: <%s>" % reply, "References: <%s>" % reply]
    text = "\n".join(headers) + "\nMIME-Version: 1.0\n" \
        "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n"
    with open(os.path.join(out, "%06d.eml" % n), "w") as f:
        f.write(text)


def application(role, i):
    mentor = role == "mentor"
    county = COUNTIES[i % len(COUNTIES)]
    topic = "Budget planning, board relations and the zeta%d project." % i
    return (("mentor%d@bench.example.org" if mentor else
             "mentee%d@bench.example.org") % i,
            "WVLS Mentoring Program application",
            "WVLS Mentoring Program Application\n"
            "Applying as:  [%s] Mentor (2+ years relevant experience)   "
            "[%s] Mentee (2 or less years of administrative experience)\n"
            "Name: %s %d\n"
            "Library: %s Library %d\n"
            "Position: Library Director\n"
            "Email: %s%d@bench.example.org\n"
            "Geographic location (county): %s County\n"
            "Mentors - Years of relevant experience: %s\n"
            "Mentees - Years of administrative experience: %s\n"
            "Mentees - What do you most need help with?\n%s\n"
            "Mentors - What expertise would you like to share?\n%s\n"
            "Mentors - How many mentees could you take on? 1\n"
            "Preferred way to meet (in person / virtual / either): In person"
            % ("X" if mentor else " ", " " if mentor else "X",
               "Mentor" if mentor else "Mentee", i,
               "Mentor" if mentor else "Mentee", i,
               "mentor" if mentor else "mentee", i, county,
               "5" if mentor else "", "" if mentor else "1",
               "" if mentor else topic, topic if mentor else ""))


def apply(out, pairs):
    n = 0
    for i in range(pairs):
        for role in ("mentee", "mentor"):
            n += 1
            write(out, n, *application(role, i))


def day(d):
    return datetime.date.fromisoformat(d)


def pair_mail(out, today, pairs, n):
    """Goals and meeting reports of the running pairs."""
    for mid, starts, ends, mentee, mentor in pairs:
        start, end = day(starts), day(ends)
        r = random.Random(mid)
        if today == start + datetime.timedelta(days=5 + r.randint(0, 40)):
            n += 1
            write(out, n, mentee, "My goals", "Here are my goals:\n"
                  "1. Present the budget to the city council.\n"
                  "2. A strategic plan with the board.")
        meet = start + datetime.timedelta(days=r.randint(5, 35))
        while meet < today and meet < end:
            meet += datetime.timedelta(days=r.randint(35, 49))
        if meet == today and today < end:
            n += 1
            held = today - datetime.timedelta(days=1)
            if r.random() < 0.6:
                how = "in person for %s hours at the library. I drove %d " \
                      "miles." % (r.choice(["1.5", "2", "3"]), r.randint(5, 80))
            else:
                how = "on Zoom for 1 hour."
            write(out, n, mentor, "Meeting report", "We met on %s %s" % (
                held.isoformat(), how))
    return n


def answers(out, db, today, n):
    """Answers to the check-ins and the end's request, a few days on."""
    rows = db.execute(
        "SELECT o.id, o.kind, o.to_addr, o.message_id, substr(o.created_at, "
        "1, 10), m.mentor = o.participant FROM outbox o JOIN match m ON "
        "m.id = o.match WHERE o.kind IN ('checkin', 'mentorship-end') AND "
        "o.status = 'sent' AND o.created_at >= ?",
        ((today - datetime.timedelta(days=21)).isoformat(),)).fetchall()
    for oid, kind, to, msgid, sent, is_mentor in rows:
        r = random.Random(oid)
        if kind == "checkin":
            if r.random() >= 0.4 or day(sent) + datetime.timedelta(
                    days=1 + r.randint(0, 2)) != today:
                continue
            n += 1
            body = "It is not a good fit, I am afraid." if is_mentor and \
                r.random() < 0.05 else "It is going well, thank you."
            write(out, n, to, "Re: how is your mentorship going?", body, msgid)
        else:
            if r.random() >= 0.7 or day(sent) + datetime.timedelta(
                    days=1 + r.randint(0, 19)) != today:
                continue
            n += 1
            write(out, n, to, "Re: your evaluation",
                  "Satisfaction (1 to 5): %d\n"
                  "Will you keep in touch (yes or no): %s\n%s"
                  "Comments: a good year." % (
                      r.randint(3, 5), r.choice(["yes", "no"]),
                      "Would you mentor again (yes or no): yes\n"
                      if is_mentor else ""), msgid)
    return n


def main():
    what, start, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if what == "apply":
        apply(out, int(os.environ["MM_PAIRS"]))
        return
    today = day(what)
    db = sqlite3.connect("file:%s?mode=ro" % os.environ["MM_DB"], uri=True,
                         timeout=10)
    pairs = db.execute(
        "SELECT m.id, m.starts_on, coalesce(m.ended_on, m.ends_on), "
        "a.email, b.email FROM match m JOIN participant a ON a.id = m.mentee "
        "JOIN participant b ON b.id = m.mentor WHERE m.status = 'approved' "
        "AND m.starts_on IS NOT NULL").fetchall()
    n = pair_mail(out, today, pairs, 0)
    answers(out, db, today, n)


main()
