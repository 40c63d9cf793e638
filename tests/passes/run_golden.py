#!/usr/bin/env python3
"""Runs one golden test of tests/passes/: the file's `; RUN:` line (with `aec` the binary given
and `%s` the file itself) must print exactly the lines of its `; CHECK:` block (each without its
leading `; `). With --update, the CHECK block is rewritten to what the command prints now.

usage: run_golden.py PATH/TO/aec FILE.txt [--update]"""
import difflib, shlex, subprocess, sys

def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    aec, path, update = sys.argv[1], sys.argv[2], "--update" in sys.argv[3:]
    lines = open(path, encoding="utf-8").read().split("\n")
    run = [l[len("; RUN:"):].strip() for l in lines if l.startswith("; RUN:")]
    if len(run) != 1:
        print(f"{path}: expected one '; RUN:' line, found {len(run)}")
        return 2
    argv = [path if a == "%s" else a for a in shlex.split(run[0])]
    if argv[0] != "aec":
        print(f"{path}: the RUN line must run aec")
        return 2
    result = subprocess.run([aec] + argv[1:], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"{path}: `{run[0]}` exited {result.returncode}\n{result.stderr}")
        return 1
    actual = result.stdout.rstrip("\n").split("\n")
    if "; CHECK:" not in lines:
        print(f"{path}: no '; CHECK:' block")
        return 2
    start = lines.index("; CHECK:") + 1
    expected = [l[2:] if l.startswith("; ") else l[1:] for l in lines[start:] if l.startswith(";")]
    if actual == expected:
        return 0
    if update:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines[:start] + ["; " + l if l else ";" for l in actual]) + "\n")
        print(f"{path}: CHECK block updated")
        return 0
    print(f"{path}: `{run[0]}` printed something else than the CHECK block:")
    sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in expected], [l + "\n" for l in actual], "expected", "actual"))
    return 1

sys.exit(main())
