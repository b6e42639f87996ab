#!/usr/bin/env python3
"""Runs every code example in the README and the reference in docs/, as a new user would copy it.

- `sh` blocks: each `varex ...` command (continuation lines joined) runs through the built binary
  in a scratch folder that sees the repository's fixtures/, and must exit 0; each output file it
  names must then exist and not be empty. `scripts/*.sh` lines are the set-up commands: they must
  be the two the README promises, and `.ci/run` must call the test one (running them here would
  run this script again).
- `yaml` blocks: an excerpt of fixtures/specs/council-explain.yaml; every line must be in that
  file, a line with `...` matching on both sides of it.
- `swift` blocks: the first is a Package.swift, the second a test. A new package is made from
  them beside a link named `varex` to this repository (the README's `../varex`), with the spec
  and the fixture its test names (made by `varex snapshot`), and `swift test` must pass in it.
- `text` blocks are output or usage, not commands: their first words must be a varex command.

Usage: scripts/readme_examples.py VAREX_BINARY. Prints "N passed, M failed" last.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT_FLAGS = {"--out", "--json", "--html", "--xlsx", "--residuals", "--persistent-out", "--save-model", "--ranef", "--peers-out", "--report"}


def blocks(text):
    return re.findall(r"```(\w*)\n(.*?)```", text, re.S)


def commands(body):
    """The command lines of a shell block, continuation lines joined, comments dropped."""
    out, current = [], ""
    for line in body.splitlines():
        stripped = line.split("  #")[0].rstrip() if "  #" in line else line.rstrip()
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip():
            out.append(current.strip())
        current = ""
    return out


def main():
    binary = os.path.abspath(sys.argv[1])
    # The README, then the reference pages in docs/ (each a part of the same documentation).
    pages = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md"))
    readme = "\n".join(open(os.path.join(ROOT, p), encoding="utf-8").read() for p in pages)
    passed, failed = 0, []

    def check(ok, what):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failed.append(what)
            print(f"FAILED: {what}", file=sys.stderr)

    scratch = tempfile.mkdtemp(prefix="varex-readme-")
    os.symlink(os.path.join(ROOT, "fixtures"), os.path.join(scratch, "fixtures"))
    env = dict(os.environ, PATH=os.path.dirname(binary) + os.pathsep + os.environ.get("PATH", ""))
    swift = []
    found = {"sh": 0, "yaml": 0, "swift": 0, "text": 0}
    for lang, body in blocks(readme):
        found[lang or "text"] = found.get(lang or "text", 0) + 1
        if lang == "sh":
            for line in commands(body):
                words = shlex.split(line)
                if words[0].startswith("scripts/"):
                    check(line in ("scripts/demo.sh", "scripts/test.sh"), f"set-up command {line!r}")
                    continue
                check(words[0] == "varex", f"a shell example that is not a varex command: {line!r}")
                r = subprocess.run(words, cwd=scratch, env=env, capture_output=True, text=True, timeout=600)
                check(r.returncode == 0, f"{line!r} exited {r.returncode}: {r.stderr.strip()[:400]}")
                for k, w in enumerate(words[:-1]):
                    if w in OUTPUT_FLAGS or (words[1] == "snapshot" and w == "--out"):
                        path = os.path.join(scratch, words[k + 1])
                        check(os.path.exists(path) and (os.path.isdir(path) or os.path.getsize(path) > 0),
                              f"{line!r} did not write {words[k + 1]}")
        elif lang == "yaml":
            spec = open(os.path.join(ROOT, "fixtures/specs/council-explain.yaml"), encoding="utf-8").read()
            for line in body.splitlines():
                if "..." in line:
                    head, tail = line.split("...", 1)
                    check(any(l.startswith(head.rstrip()) and l.endswith(tail.lstrip()) for l in spec.splitlines())
                          or re.search(re.escape(head.strip()) + ".*" + re.escape(tail.strip()), spec) is not None,
                          f"README yaml line not in the spec: {line!r}")
                else:
                    check(line in spec.splitlines() or line.strip() in [l.strip() for l in spec.splitlines()],
                          f"README yaml line not in the spec: {line!r}")
        elif lang == "swift":
            swift.append(body)
        elif lang == "text":
            first = body.split()[0] if body.split() else ""
            check(first in ("varex", "Varex"), f"a text block that is neither output nor usage: {body[:60]!r}")
    check(found["sh"] >= 6 and found["yaml"] == 1 and len(swift) == 2, f"the README's code blocks: {found}, {len(swift)} swift")
    ci = open(os.path.join(ROOT, ".ci/run"), encoding="utf-8").read()
    check("scripts/test.sh" in ci, ".ci/run calls scripts/test.sh")

    # The Swift example: a package beside `varex`, a link to this repository.
    if len(swift) == 2:
        parent = tempfile.mkdtemp(prefix="varex-dependent-")
        os.symlink(ROOT, os.path.join(parent, "varex"))
        package = os.path.join(parent, "MyAnalysis")
        os.makedirs(os.path.join(package, "Tests/MyAnalysisTests"))
        os.makedirs(os.path.join(package, "analyses"))
        open(os.path.join(package, "Package.swift"), "w").write(swift[0])
        open(os.path.join(package, "Tests/MyAnalysisTests/PublishedTests.swift"), "w").write(swift[1])
        # The spec the test names: the bundled one, its paths made relative to analyses/.
        spec = open(os.path.join(ROOT, "fixtures/specs/council-explain.yaml"), encoding="utf-8").read()
        spec = spec.replace("../councils/", os.path.join(ROOT, "fixtures/councils") + "/")
        open(os.path.join(package, "analyses/asc-2019.yaml"), "w").write(spec)
        r = subprocess.run([binary, "snapshot", "analyses/asc-2019.yaml", "--out", "fixtures/asc-2019"], cwd=package,
                           capture_output=True, text=True)
        check(r.returncode == 0, f"varex snapshot for the Swift example: {r.stderr.strip()[:300]}")
        scratch_path = os.environ.get("VAREX_DEPENDENT_BUILD", os.path.join(ROOT, ".build-dependent"))
        r = subprocess.run(["swift", "test", "--scratch-path", scratch_path], cwd=package, capture_output=True, text=True,
                           timeout=1800)
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        check(r.returncode == 0, f"swift test in a package that depends on Varex by path:\n{tail}")
        check("publishedRankingStillHolds" in r.stdout + r.stderr and "passed" in r.stdout + r.stderr,
              "the README's Swift test ran and passed")
        shutil.rmtree(parent)
    shutil.rmtree(scratch)
    print(f"readme: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
