#!/usr/bin/python3
"""gen-applications.py SRC OUT N -- write N applications into OUT.

The forms in SRC (tests/corpus/applications/*.eml) are copied round-robin
as OUT/000000.eml, OUT/000001.eml, ...  Copy i gets its own Message-ID, its
own sender (aI@b.example.org) and, for every person's address in the form,
also inside base64 and quoted-printable parts, an address of its own
(aIxxx@b.example.org, as long as the one it replaces when it can be), so
that each copy is a new participant.  The program's own addresses
(mentoring@, mentorship@) are left alone, and so is the rest of each
message: the rules read each copy as they read its form.
"""
import base64
import email
import os
import quopri
import re
import sys
from email import policy

ADDR = re.compile(rb"[\w.+-]+@(?:[\w-]+\.)*example\.(?:org|edu|com|gov|net)")
KEEP = re.compile(rb"^mentor(?:ing|ship)@|@b\.example\.org$", re.I)
DOMAIN = b"@b.example.org"


def person(i, like=b""):
    """Copy i's address, padded to the length of `like` when it can be, so
    that text laid out in columns stays so."""
    local = b"a%d" % i
    return local + b"x" * (len(like) - len(DOMAIN) - len(local)) + DOMAIN


def retarget(text, i):
    return ADDR.sub(lambda m: m.group(0) if KEEP.search(m.group(0))
                    else person(i, m.group(0)), text)


def encoded_parts(raw):
    """(encoding, payload as in the file) of each encoded leaf part."""
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    for part in msg.walk():
        cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if not part.is_multipart() and cte in ("base64", "quoted-printable"):
            yield cte, part.get_payload().encode("ascii", "surrogateescape")


def reencode(cte, payload, i):
    """The payload with its addresses retargeted, encoded as before."""
    eol = b"\r\n" if b"\r\n" in payload else b"\n"
    data = (base64.b64decode if cte == "base64" else quopri.decodestring)(
        payload)
    new = retarget(data, i)
    if new == data:
        return payload
    if cte == "quoted-printable":
        new = new.replace(b"\r\n", b"\n")
        return quopri.encodestring(new).replace(b"\n", eol)
    width = len(payload.split(eol, 1)[0]) or 76
    b = base64.b64encode(new)
    return eol.join(b[i:i + width] for i in range(0, len(b), width)) + eol


def application(raw, i):
    who = person(i)
    cut = re.search(rb"\r?\n\r?\n", raw).end()
    head, body = raw[:cut], raw[cut:]
    head = re.sub(rb"(?im)^Message-ID:[^\r\n]*",
                  b"Message-ID: <bench.%d@b.example.org>" % i, head,
                  count=1)
    head = re.sub(rb"(?im)^From:[^\r\n]*", b"From: Applicant %d <%s>" % (i, who),
                  head, count=1)
    for cte, payload in encoded_parts(raw):
        body = body.replace(payload, reencode(cte, payload, i), 1)
    return head + retarget(body, i)


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    forms = sorted(f for f in os.listdir(src) if f.endswith(".eml"))
    texts = [open(os.path.join(src, f), "rb").read() for f in forms]
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        with open(os.path.join(out, "%06d.eml" % i), "wb") as f:
            f.write(application(texts[i % len(texts)], i))
    return 0


if __name__ == "__main__":
    sys.exit(main())
