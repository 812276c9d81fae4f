#!/usr/bin/env python3
"""Writes a portal export of N single-person applications for the import trials.

Every row is the example file's first application with its own identifier, fiscal code,
name, birth date and stamp number, so that N rows are N distinct valid applications.
Usage: applications.py N [SEED] > domande.csv
"""
import random
import sys
from pathlib import Path

ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))
EVEN = {c: (int(c) if c.isdigit() else ord(c) - ord("A"))
        for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
MONTHS = "ABCDEHLMPRST"
LETTERS = "BCDFGLMNPRSTVZ"


def check_char(first15):
    total = sum(ODD[c] if i % 2 == 0 else EVEN[c] for i, c in enumerate(first15))
    return chr(ord("A") + total % 26)


def person(rng, n):
    year = rng.randint(1940, 2000)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    letters = "".join(rng.choice(LETTERS) for _ in range(6))
    first15 = f"{letters}{year % 100:02d}{MONTHS[month - 1]}{day:02d}D542"
    code = first15 + check_char(first15)
    surname = "Prova" + "".join(rng.choice("abcdefghilmnoprstuvz") for _ in range(6))
    return code, surname, f"Persona{n}", f"{day:02d}/{month:02d}/{year}"


def main():
    count = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    example = Path(__file__).resolve().parents[2] / "fixtures" / "domande-esempio.csv"
    lines = example.read_text(encoding="utf-8").splitlines()
    header, template = lines[0], lines[1].split(";")
    out = [header]
    seen = set()
    n = 0
    while len(out) <= count:
        n += 1
        code, surname, name, born = person(rng, n)
        if code in seen:
            continue
        seen.add(code)
        row = list(template)
        row[0] = f"PROVA-{n:07d}"
        row[2], row[3], row[4], row[5] = code, surname, name, born
        row[22] = f"{10_000_000_000_000 + n:014d}"
        out.append(";".join(row))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
