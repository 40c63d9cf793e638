#!/usr/bin/env python3
"""Seeds for `tools/fuzz.sh --large`: valid and nearly valid programs that are deep or long
(nesting at and past the 256-level bound, chains of operators, exponents and unary signs,
long lines, long chains of named values), each under libFuzzer's 1 MB input bound. The programs
that compile stay small enough to go through the sanitizer build well within the fuzzer's 30 s
bound (a sum of 20000 terms took 17 s in the fuzz build, 0.6 s in a release one;
tests/cli/test_deep_input.cpp trains 10^5 terms).
Usage: deep_programs.py DIRECTORY"""
import os
import sys

HEADER = "dim D\ninput x : [D]\nparam W : [4, D] = glorot\n"


def programs():
    for n in (255, 256, 257, 5000):
        yield f"parens{n}", "minimize " + "(" * n + "sum(x)" + ")" * n + "\n"
        yield f"signs{n}", "minimize " + "-" * n + "sum(x)\n"
        yield f"norms{n}", "minimize " + "||" * n + "x" + "||" * n + "\n"
        yield f"calls{n}", "minimize sum(" + "tanh(" * n + "x" + ")" * n + ")\n"
        yield f"exponents{n}", "minimize sum(x)" + "^1" * n + "\n"
        yield f"transposes{n}", "minimize sum(W" + "'" * n + " * (W * x))\n"
    for n in (1000, 3000, 8000):
        yield f"sum{n}", "minimize sum(x" + " + x" * (n - 1) + ") + ||W * x||^2\n"
        yield f"mixed{n}", "minimize sum(x" + " .* x - x" * (n // 2) + ")\n"
    yield "products600", "minimize sum(" + "W' * W * " * 300 + "x)\n"
    yield "chain5000", "a0 = x\n" + "".join(f"a{i} = a{i - 1} + x\n" for i in range(1, 5000)) + "minimize sum(a4999)\n"
    yield "unrolls300", "minimize sum(" + "unroll 1 from y = x: " * 300 + "y)\n"
    yield "longline", "minimize ||x - W' * (W * x)||^2" + " " * 500000 + "\n"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, body in programs():
        text = HEADER + body
        assert len(text) <= 1 << 20, name
        with open(os.path.join(out, f"deep-{name}.ae"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
