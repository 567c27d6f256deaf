#!/usr/bin/env python3
"""Turns the statements PostgreSQL logged for ONE basalt request (log_statement=all) into a
pgbench script plus -D parameter definitions, so pgbench runs exactly the SQL basalt sent,
in one pipeline like basalt does. Usage: extract_sql.py <postgres.log> <marker> <out.sql> <out.defs>
<marker> is a unique value that appears in the request's parameters (finds the right request)."""
import re
import sys

log_path, marker, out_sql, out_defs = sys.argv[1:5]
text = open(log_path, encoding="utf-8", errors="replace").read()
lines = text.split("\n")
entries = []
i = 0
while i < len(lines):
    m = re.search(r"LOG:  (?:execute [^:]*|statement): (.*)", lines[i])
    if m:
        sql = [m.group(1)]
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
        entries.append(("\n".join(sql).strip(), params))
    else:
        i += 1

# The request = the statements from the BEGIN before the marker's statement to the next COMMIT.
idx = next(k for k, (_, p) in enumerate(entries) if any(v and marker in v for v in p.values()) or marker in entries[k][0])
start = max(k for k in range(idx + 1) if entries[k][0].upper().startswith("BEGIN"))
end = next(k for k in range(idx, len(entries)) if entries[k][0].upper().startswith(("COMMIT", "ROLLBACK")))
counter = 0
defs = []
script = ["\\startpipeline"]
for sql, params in entries[start : end + 1]:
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
