#!/usr/bin/env python3
"""Turns the statements PostgreSQL logged for ONE basalt request (log_statement=all) into a
pgbench script plus -D parameter definitions, so pgbench runs exactly the SQL basalt sent,
in one pipeline like basalt does. Usage: extract_sql.py <postgres.log> <marker> <out.sql> <out.defs>
<marker> is a unique value that appears in the request's parameters (finds the right request).
A request is [BEGIN;] SELECT set_config(...); <statement>; [COMMIT;] on one backend: reads run as
one implicit transaction without BEGIN/COMMIT (log_line_prefix '%m [%p] ' gives the backend)."""
import re
import sys

log_path, marker, out_sql, out_defs = sys.argv[1:5]
text = open(log_path, encoding="utf-8", errors="replace").read()
lines = text.split("\n")
entries = []
i = 0
while i < len(lines):
    m = re.search(r"(?:\[(\d+)\] )?LOG:  (?:execute [^:]*|statement): (.*)", lines[i])
    if m:
        pid = m.group(1)
        sql = [m.group(2)]
        i += 1
        while i < len(lines) and not re.search(r"^\d{4}-\d\d-\d\d .*?(LOG|DETAIL|ERROR|STATEMENT|FATAL|WARNING):", lines[i]):
            sql.append(lines[i])
            i += 1
        params = {}
        if i < len(lines) and "DETAIL:  parameters:" in lines[i]:
            detail = lines[i].split("DETAIL:  parameters:", 1)[1]
            i += 1
            while i < len(lines) and not re.search(r"^\d{4}-\d\d-\d\d ", lines[i]):
                detail += "\n" + lines[i]
                i += 1
            for pm in re.finditer(r"\$(\d+) = (NULL|'((?:[^']|'')*)')", detail):
                params[int(pm.group(1))] = None if pm.group(2) == "NULL" else pm.group(3).replace("''", "'")
        entries.append(("\n".join(sql).strip(), params, pid))
    else:
        i += 1

# The request = the marker's statement, the set_config statement before it on the same backend,
# and BEGIN / COMMIT around them when there are.
idx = next(k for k, (_, p, _) in enumerate(entries) if any(v and marker in v for v in p.values()) or marker in entries[k][0])
pid = entries[idx][2]
same = [k for k in range(len(entries)) if entries[k][2] == pid] if pid else list(range(len(entries)))
pos = same.index(idx)
first = pos
if first > 0 and "set_config(" in entries[same[first - 1]][0]:
    first -= 1
if first > 0 and entries[same[first - 1]][0].upper().startswith("BEGIN"):
    first -= 1
last = pos
if last + 1 < len(same) and entries[same[last + 1]][0].upper().startswith(("COMMIT", "ROLLBACK")):
    last += 1
counter = 0
defs = []
script = ["\\startpipeline"]
for sql, params, _ in (entries[k] for k in same[first : last + 1]):
    mapping = {}
    for n in sorted(params):
        counter += 1
        mapping[n] = f"p{counter}"
        defs.append(f"p{counter}={params[n] if params[n] is not None else ''}")
    sql = re.sub(r"\$(\d+)", lambda m: ":" + mapping[int(m.group(1))], sql)
    script.append(" ".join(sql.split()) + ";")
script.append("\\endpipeline")
open(out_sql, "w").write("\n".join(script) + "\n")
open(out_defs, "w").write("\n".join(defs) + "\n")
