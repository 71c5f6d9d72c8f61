#!/usr/bin/python3
"""smtpd.py -- a real SMTP server for tests (Debian's python3-aiosmtpd).

usage: smtpd.py --port P --maildir DIR [--tls-cert C --tls-key K]
                [--starttls] [--auth USER:PASS [--auth-mechanisms M,...]]
                [--fail-file F]

  --port 0        listen on a free port; either way, print "ready PORT"
                  once listening, and stop on SIGTERM or SIGINT
  --tls-cert/key  TLS from the first byte (SMTPS), unless --starttls
  --starttls      offer STARTTLS and refuse mail until it is used
  --auth          offer AUTH PLAIN and LOGIN and require them for mail;
                  AUTH is offered only under TLS, as real servers do
  --auth-mechanisms  offer only these of PLAIN and LOGIN (default both)
  --fail-file     refusals to make, re-read at every command; each line is
                  "STAGE CODE [ADDRESS]", '#' starts a comment:
                    ehlo CODE       answer EHLO with CODE (HELO still works)
                    mail CODE       answer MAIL FROM with CODE
                    rcpt CODE [A]   answer RCPT TO (only to A, if given)
                    data CODE [A]   answer the end of DATA (for mail to A)
                    drop 0 [A]      keep the message, then hang up without
                                    answering the end of DATA
                    hold SECONDS [A]  keep the message, then wait SECONDS
                                    before answering the end of DATA
                  A 421 answer closes the connection, as RFC 5321 says.

Each accepted message is saved as DIR/NNNNNN.eml (written to a temporary
name, then renamed): its bytes exactly as received, after these lines
    X-Envelope-From: <address>
    X-Envelope-To: <address>          (one per recipient)
    X-Session: N                      (the connection it came on, from 1)
    X-TLS: yes | no
    X-Auth-User: USER                 (only after AUTH)
"""

import argparse
import asyncio
import logging
import os
import signal
import socket
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


def fail_rules(path):
    """The fail file's rules as (stage, code, address or None)."""
    rules = []
    if path is None or not os.path.exists(path):
        return rules
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) >= 2:
                addr = words[2].lower() if len(words) > 2 else None
                rules.append((words[0].lower(), int(words[1]), addr))
    return rules


def answer(code):
    """A full reply line for a simulated refusal."""
    cls = code // 100
    return "%d %d.0.0 Simulated failure" % (code, cls if cls in (4, 5) else 2)


class Handler:
    def __init__(self, args):
        self.args = args
        self.sessions = 0
        self.saved = 0

    def rule(self, stage, addrs=()):
        addrs = [a.lower() for a in addrs]
        for st, code, addr in fail_rules(self.args.fail_file):
            if st == stage and (addr is None or addr in addrs):
                return code
        return None

    def refuse(self, server, code):
        if code == 421:
            asyncio.get_running_loop().call_soon(server.transport.close)
        return answer(code)

    def number(self, server):
        """The connection's number; STARTTLS makes a new session, not this."""
        if not hasattr(server, "test_number"):
            self.sessions += 1
            server.test_number = self.sessions
        return server.test_number

    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        self.number(server)
        code = self.rule("ehlo")
        if code is not None:
            return [self.refuse(server, code)]
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.number(server)
        session.host_name = hostname
        return "250 %s" % server.hostname

    async def handle_MAIL(self, server, session, envelope, address, options):
        code = self.rule("mail")
        if code is not None:
            return self.refuse(server, code)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        code = self.rule("rcpt", [address])
        if code is not None:
            return self.refuse(server, code)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        code = self.rule("data", envelope.rcpt_tos)
        if code is not None:
            return self.refuse(server, code)
        self.save(server, session, envelope)
        if self.rule("drop", envelope.rcpt_tos) is not None:
            # The answer below is written to a closed transport: lost.
            server.transport.close()
        hold = self.rule("hold", envelope.rcpt_tos)
        if hold is not None:
            await asyncio.sleep(hold)
        return "250 2.0.0 Ok: queued as %06d" % self.saved

    def save(self, server, session, envelope):
        self.saved += 1
        head = ["X-Envelope-From: <%s>" % envelope.mail_from]
        head += ["X-Envelope-To: <%s>" % a for a in envelope.rcpt_tos]
        head.append("X-Session: %d" % self.number(server))
        head.append("X-TLS: %s" % ("yes" if session.ssl or
                                   self.args.implicit_tls else "no"))
        if session.authenticated:
            head.append("X-Auth-User: %s" %
                        session.auth_data.login.decode("utf-8", "replace"))
        data = ("\r\n".join(head) + "\r\n").encode() + \
            envelope.original_content
        name = os.path.join(self.args.maildir, "%06d.eml" % self.saved)
        tmp = os.path.join(self.args.maildir, ".tmp-%06d" % self.saved)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, name)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login == user.encode() and
              auth_data.password == password.encode())
        # handled=False: aiosmtpd itself answers 535 to a refusal.
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data if ok else None)
    return check


def tls_context(args):
    if args.tls_cert is None:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.tls_cert, args.tls_key)
    return ctx


def smtp_factory(args, handler, ctx):
    kwargs = {"hostname": "smtpd.test", "auth_require_tls":
              not args.implicit_tls}
    if args.starttls:
        kwargs.update(tls_context=ctx, require_starttls=True)
    if args.auth is not None:
        user, _, password = args.auth.partition(":")
        offered = set(args.auth_mechanisms.upper().split(","))
        kwargs.update(authenticator=authenticator(user, password),
                      auth_required=True,
                      auth_exclude_mechanism={"PLAIN", "LOGIN"} - offered)
    return lambda: SMTP(handler, **kwargs)


async def serve(args):
    ctx = tls_context(args)
    handler = Handler(args)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(16)
    server = await asyncio.get_running_loop().create_server(
        smtp_factory(args, handler, ctx), sock=sock,
        ssl=ctx if args.implicit_tls else None)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    print("ready %d" % sock.getsockname()[1], flush=True)
    await stop.wait()
    server.close()


def main():
    p = argparse.ArgumentParser(description="SMTP server for tests")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--auth-mechanisms", default="PLAIN,LOGIN")
    p.add_argument("--fail-file")
    args = p.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    if args.starttls and args.tls_cert is None:
        p.error("--starttls needs --tls-cert and --tls-key")
    args.implicit_tls = args.tls_cert is not None and not args.starttls
    # aiosmtpd warns about its own deprecated attributes at every AUTH, and
    # about AUTH without STARTTLS even under implicit TLS.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.simplefilter("ignore", UserWarning)
    os.makedirs(args.maildir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
