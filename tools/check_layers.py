#!/usr/bin/env python3
"""Checks that data flows one way between the source folders: grammar -> compiler -> runtime ->
lib -> tools. Every quoted #include is resolved against the include roots; a file that includes
one from a later folder (or a compiler stage that includes a later stage) is reported."""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = ["grammar", "compiler", "runtime", "lib", "tools"]
# Inside the compiler, its parts in the order they may depend on each other (sema uses autodiff's
# forward-mode Jacobian while it elaborates `df/dx`).
STAGES = ["support", "ir", "autodiff", "passes", "sema", "eval", "codegen", "driver"]
ROOTS = ["compiler", "grammar", "", "lib/src", "lib/include", "tools"]

def resolve(inc, here):
    for r in [os.path.dirname(here)] + [os.path.join(ROOT, r) for r in ROOTS]:
        p = os.path.normpath(os.path.join(r, inc))
        if os.path.isfile(p):
            return os.path.relpath(p, ROOT)
    return None

def rank(path):
    parts = path.split(os.sep)
    folder = FOLDERS.index(parts[0])
    stage = STAGES.index(parts[1]) if parts[0] == "compiler" and parts[1] in STAGES else -1
    return folder, stage

def main():
    problems, edges = [], {}
    for folder in FOLDERS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, folder)):
            for f in files:
                if not f.endswith((".h", ".cpp", ".def")):
                    continue
                here = os.path.join(dirpath, f)
                rel = os.path.relpath(here, ROOT)
                for inc in re.findall(r'^#include "([^"]+)"', open(here, encoding="utf-8").read(), re.M):
                    target = resolve(inc, here)
                    if target is None or target.split(os.sep)[0] not in FOLDERS:
                        continue  # generated or third-party
                    a, b = rank(rel), rank(target)
                    key = lambda p: p.split(os.sep)[0] + ("/" + p.split(os.sep)[1] if p.startswith("compiler") else "")
                    edges.setdefault(key(rel), set()).add(key(target))
                    if b[0] > a[0] or (a[0] == b[0] == 1 and b[1] > a[1] >= 0):
                        problems.append(f"{rel}: includes {target}, a later stage")
    if "--list" in sys.argv:
        for k in sorted(edges, key=lambda k: rank(k + ("/x" if "/" not in k else ""))):
            print(f"{k}: {', '.join(sorted(e for e in edges[k] if e != k)) or '(nothing of the project)'}")
    for p in problems:
        print(p)
    return 1 if problems else 0

sys.exit(main())
