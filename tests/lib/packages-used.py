#!/usr/bin/python3
"""packages-used.py TRACE PACKAGE... -- what a traced run used that
installing PACKAGE... on a fresh Debian does not bring.

TRACE is `strace -f -z -e trace=execve,open,openat -o TRACE` output: the
programs a make target started and the files they opened.  Each of those
files that a Debian package owns (dpkg's lists; for a Python module's
cached .pyc, its .py) names a package the run used, but for the files
this machine's own set-up has opened (MACHINE below).  The packages a fresh
machine gets from `tools/deps GROUP` are PACKAGE... and everything they
depend on (Depends, Pre-Depends; Recommends are not installed), beside
what every Debian system has (Essential and Priority: required, and what
they depend on).

Prints each used package that is not among them, with a file of it the
run used, and exits 1; exits 0 when there is none.
"""
import glob
import os
import re
import sys

CALL = re.compile(r'^(?:\d+ +)?(?:<\.\.\. )?(?:execve|open|openat)\('
                  r'(?:AT_FDCWD, |\d+, )?"([^"]+)"')
SKIP = ("/proc/", "/sys/", "/dev/", "/tmp/", "/run/", "/var/tmp/")
# Files a run opens because of how this machine is set up, not because the
# target needs them: name service modules (/etc/nsswitch.conf), locale
# data ($LANG), the linker's search paths (/etc/ld.so.conf.d), the plugins
# a library loads because they are there (SASL mechanisms), and what
# Python runs at start for whatever is installed (.pth files,
# setuptools' hook).
MACHINE = re.compile(r"/libnss_[^/]*$|^/usr/share/locale/|^/usr/lib/locale/|"
                     r"^/etc/ld\.so\.conf\.d/|/sasl2/|\.pth$|"
                     r"/_distutils_hack/")


def traced_files(path):
    """The regular files the run executed or opened, absolute paths."""
    files = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = CALL.match(line)
            if m is None:
                continue
            p = m.group(1)
            if p.startswith("/") and not p.startswith(SKIP) and \
                    not MACHINE.search(p) and os.path.isfile(p):
                files.add(p)
    return files


def dpkg_owners():
    """Every path dpkg installed, and its package."""
    owner = {}
    for lst in glob.glob("/var/lib/dpkg/info/*.list"):
        pkg = os.path.basename(lst)[:-len(".list")].split(":")[0]
        with open(lst, encoding="utf-8", errors="replace") as f:
            for line in f:
                owner.setdefault(line.rstrip("\n"), pkg)
    return owner


def candidates(p):
    """The names dpkg may know a file by: merged /usr both ways, the file
    a symlink leads to, the source of a cached module."""
    names = [p, os.path.realpath(p)]
    m = re.match(r"(.*)/__pycache__/([^/.]+)\..*\.pyc$", p)
    if m:
        names.append("%s/%s.py" % (m.group(1), m.group(2)))
    more = []
    for n in names:
        for a, b in (("/usr/lib/", "/lib/"), ("/usr/bin/", "/bin/"),
                     ("/usr/sbin/", "/sbin/"), ("/usr/lib64/", "/lib64/")):
            if n.startswith(a):
                more.append(b + n[len(a):])
            elif n.startswith(b):
                more.append(a + n[len(b):])
    return names + more


def installed():
    """Installed packages: name -> (essential or required, [dependency
    clauses]), and virtual name -> providers."""
    fmt = ("${Package}\\t${db:Status-Abbrev}\\t${Essential}\\t${Priority}\\t"
           "${Provides}\\t${Depends}, ${Pre-Depends}\\n")
    pkgs, provides = {}, {}
    out = os.popen("dpkg-query -W -f '%s'" % fmt).read()
    for line in out.splitlines():
        name, status, essential, prio, prov, deps = line.split("\t")
        if not status.startswith("ii"):
            continue
        base = essential == "yes" or prio == "required"
        clauses = [c.strip() for c in deps.split(",") if c.strip()]
        pkgs[name] = (base, clauses)
        for v in prov.split(","):
            v = re.sub(r"\(.*\)", "", v).strip().split(":")[0]
            if v:
                provides.setdefault(v, []).append(name)
    return pkgs, provides


def closure(roots, pkgs, provides):
    """roots and every installed package they depend on; of a choice
    (a | b), every alternative that is installed."""
    seen, todo = set(), list(roots)
    while todo:
        p = todo.pop()
        if p in seen or p not in pkgs:
            continue
        seen.add(p)
        for clause in pkgs[p][1]:
            for alt in clause.split("|"):
                name = re.sub(r"\(.*\)|\[.*\]", "", alt).strip()
                name = name.split(":")[0]
                todo.extend([name] + provides.get(name, []))
    return seen


def main():
    if len(sys.argv) < 3:
        print("usage: packages-used.py TRACE PACKAGE...", file=sys.stderr)
        return 2
    owner = dpkg_owners()
    used = {}
    for f in sorted(traced_files(sys.argv[1])):
        for n in candidates(f):
            if n in owner:
                used.setdefault(owner[n], f)
                break
    pkgs, provides = installed()
    base = [p for p, (b, _) in pkgs.items() if b]
    have = closure(base + sys.argv[2:], pkgs, provides)
    missing = sorted(p for p in used if p not in have)
    for p in missing:
        print("%s (for %s)" % (p, used[p]))
    print("# %d packages used, %d not installed by the group" %
          (len(used), len(missing)), file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
