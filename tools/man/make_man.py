#!/usr/bin/env python3
"""Writes dotlog's manual pages from their sources, so they cannot drift.

  make_man.py help PROGRAM OUT VERSION    dotlog(1) or dotlog-dump(1), from
                                       PROGRAM --help and, for each of its
                                       subcommands, PROGRAM SUB --help
  make_man.py format README OUT VERSION   dotlog(5), from README.md's
                                       "On-disk format" section
"""
import os
import re
import subprocess
import sys


def escape(text):
    """Text as roff shows it literally."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line if line[:1] in (".", "'") else line)
                     for line in text.split("\n"))


def plain(markdown):
    """Markdown inline text without its markup: code quotes and links."""
    return re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", markdown).replace("`", "")


def verbatim(text):
    return ".nf\n" + escape(text.rstrip("\n")) + "\n.fi\n"


def header(name, section, title, version):
    return f'.TH {name.upper()} {section} "" "dotlog {version}" "{title}"\n'


def run_help(program, *args):
    return subprocess.run([program, *args, "--help"], check=True,
                          capture_output=True, text=True).stdout


def subcommands(help_text):
    names, on = [], False
    for line in help_text.split("\n"):
        if line == "Subcommands:":
            on = True
        elif on and not line:
            break
        elif on and line.startswith("  ") and not line.startswith("   "):
            names.append(line.split()[0])
    return names


def help_page(program, out, version):
    name = os.path.basename(program)
    top = run_help(program)
    summary = top.split("\n", 1)[0]
    page = header(name, 1, "User Commands", version)
    prog, _, what = summary.partition(": ")
    page += ".SH NAME\n" + escape(prog) + " \\- " + escape(what) + "\n"
    page += ".SH DESCRIPTION\n" + verbatim(top)
    subs = subcommands(top)
    if subs:
        page += ".SH COMMANDS\n"
        for sub in subs:
            page += ".SS " + escape(sub) + "\n" + verbatim(run_help(program, sub))
    page += ".SH SEE ALSO\n"
    page += ".BR dotlog (1),\n.BR dotlog\\-dump (1),\n.BR dotlog (5)\n"
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


def format_page(readme, out, version):
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    start = text.index("\n## On-disk format\n") + 1
    end = text.index("\n## ", start + 1)
    lines = text[start:end].split("\n")[1:]
    page = header("dotlog", 5, "File Formats", version)
    page += (".SH NAME\ndotlog \\- the on\\-disk format of a dotlog store\n"
             ".SH DESCRIPTION\n")
    block, paragraph, macro = None, [], ".PP"

    def flush():
        nonlocal page, paragraph, macro
        if paragraph:
            page += macro + "\n" + escape(plain(" ".join(paragraph))) + "\n"
            paragraph, macro = [], ".PP"

    for line in lines:
        if block is not None:
            if line.startswith("```"):
                page += verbatim("\n".join(block))
                block = None
            else:
                block.append(line)
        elif line.startswith("```"):
            flush()
            block = []
        elif line.startswith("#"):
            flush()
            page += ".SH " + escape(line.lstrip("# ").upper()) + "\n"
        elif line.startswith("|"):
            flush()
            if not re.fullmatch(r"[| -]+", line):
                cells = [plain(c.strip()) for c in line.strip("|").split("|")]
                page += ".TP\n" + escape(cells[0]) + "\n" + escape(" \u2014 ".join(cells[1:])) + "\n"
        elif not line.strip():
            flush()
        elif line.startswith("- "):
            flush()
            macro = ".IP \\(bu 2"
            paragraph.append(line[2:].strip())
        else:
            paragraph.append(line.strip())
    flush()
    page += ".SH SEE ALSO\n.BR dotlog (1),\n.BR dotlog\\-dump (1)\n"
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


def main(argv):
    if len(argv) != 5 or argv[1] not in ("help", "format"):
        sys.exit(__doc__)
    (help_page if argv[1] == "help" else format_page)(argv[2], argv[3], argv[4])


if __name__ == "__main__":
    main(sys.argv)
