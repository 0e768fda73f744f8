"""Renumber lessons: move their notebooks, quizzes and worked solutions, and rewrite every
reference to their numbers in the course's text files, in one pass.

    python scripts/renumber_lessons.py 11:12 12:13 13:14 14:15 15:16 16:17 17:18

Each OLD:NEW moves lesson OLD to NEW (run it from a clean git tree: it uses `git mv`, and
`git diff` then shows every change it made). References rewritten: "lesson 11" and
"lessons 11 and 13" in any case, "Exercise 11.2", exercise keys such as "11.2" in quotes,
file names such as 11_controlling_what_gans_make, quizzes/11.json and the README's table
rows. Every number is mapped once, so 11->12 and 12->13 do not chain. Used when a lesson
is inserted into or split in the sequence; read `git diff` afterwards for prose such as
"the next lesson" that no pattern can see.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEXT = {".py", ".md", ".ipynb", ".json", ".toml", ".yml", ".yaml", ".txt", ".cfg", ".html",
        ".js", ".css"}


def main(argv):
    mapping = {}
    for pair in argv:
        old, _, new = pair.partition(":")
        if not (old.isdigit() and new.isdigit()):
            sys.exit(f"expected OLD:NEW pairs such as 11:12; got {pair!r}")
        mapping[f"{int(old):02d}"] = f"{int(new):02d}"
    lessons = {p.name[:2]: p for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")}
    missing = sorted(set(mapping) - set(lessons))
    if missing:
        sys.exit(f"no lesson numbered {', '.join(missing)} in lessons/")
    stems = {lessons[n].stem[3:] for n in mapping}

    def number(n):
        return mapping.get(n, n)

    def numbers(text):
        return re.sub(r"\d\d", lambda m: number(m.group()), text)

    patterns = [
        # lesson 11, Lessons 13 and 14, lessons 13-18, Exercise 11.2, quiz 11
        (r"\b(?:[Ll]essons?|[Ee]xercises?|[Qq]uiz(?:zes)?)\s+\d\d(?:\s*(?:,|and|or|to|-|–)\s*\d\d)*",
         lambda m: numbers(m.group())),
        # exercise keys in quotes: "11.2", and \"11.2\" inside a notebook's JSON
        (r"(?<=[\"'])\d\d(?=\.\d\\?[\"'])", lambda m: number(m.group())),
        # file names: 11_controlling_what_gans_make, quizzes/11.json
        (r"(?<![0-9])\d\d(?=_(?:%s)\b)" % "|".join(map(re.escape, sorted(stems))),
         lambda m: number(m.group())),
        (r"(?<=quizzes/)\d\d(?=\.json)", lambda m: number(m.group())),
        # the README's table of lessons: | 11 | `11_...` |
        (r"^\| \d\d(?= \|)", lambda m: "| " + number(m.group()[2:])),
    ]
    pattern = re.compile("|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(patterns)),
                         re.M)

    def rewrite(m):
        return patterns[int(m.lastgroup[1:])][1](m)

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    changed = 0
    for name in files:
        path = ROOT / name
        if path.suffix not in TEXT or name.startswith("data/") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new = pattern.sub(rewrite, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    # move the files last, highest number first, so no move lands on a name still in use
    for old in sorted(mapping, reverse=True):
        new = mapping[old]
        moves = [(lessons[old], lessons[old].with_name(new + lessons[old].name[2:])),
                 (ROOT / "lessons" / "quizzes" / f"{old}.json",
                  ROOT / "lessons" / "quizzes" / f"{new}.json")]
        moves += [(p, p.with_name(new + p.name[2:]))
                  for p in (ROOT / "lessons" / "solutions").glob(f"{old}_*.py")]
        for src, dst in moves:
            if src.exists():
                subprocess.run(["git", "mv", str(src), str(dst)], cwd=ROOT, check=True)
    print(f"rewrote references in {changed} files; moved lessons "
          + ", ".join(f"{o} -> {n}" for o, n in sorted(mapping.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
