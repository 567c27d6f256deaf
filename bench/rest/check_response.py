#!/usr/bin/env python3
"""Checks one bench request before wrk hammers it, so a broken setup fails loudly instead of
benchmarking error responses: HTTP 200, JSON without GraphQL "errors", and exactly the rows
expected (ids first..first+count-1 in order, four columns each).
Usage: check_response.py <url> <first_id> <count> [-H 'Name: value']... [--body <json file>]
With --body the request is a POST of that file (GraphQL); otherwise a GET (basalt REST)."""
import json
import sys
import urllib.error
import urllib.request


def rows_in(value):
    """The row objects in a response: basalt's top-level array, or the objects with an "id"
    anywhere under GraphQL's "data" (a single node or a connection's nodes)."""
    if isinstance(value, list):
        return [r for v in value for r in rows_in(v)]
    if isinstance(value, dict):
        if "id" in value:
            return [value]
        return [r for v in value.values() for r in rows_in(v)]
    return []


def main(argv):
    url, first, count = argv[0], int(argv[1]), int(argv[2])
    headers, body, rest = {}, None, argv[3:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "-H":
            name, _, val = value.partition(":")
            headers[name.strip()] = val.strip()
        elif flag == "--body":
            body = open(value, "rb").read()
            headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode(errors="replace")
    doc = json.loads(text) if status == 200 else None
    problem = None
    if status != 200:
        problem = f"HTTP {status}"
    elif isinstance(doc, dict) and (doc.get("errors") or "data" not in doc):
        problem = "GraphQL errors / no data"
    else:
        rows = rows_in(doc if isinstance(doc, list) else doc["data"])
        ids = [int(r["id"]) for r in rows]
        if ids != list(range(first, first + count)):
            problem = f"expected ids {first}..{first + count - 1}, got {ids[:5]}..."
        elif any(len(r) != 4 for r in rows):
            problem = f"expected 4 columns per row, got {sorted(rows[0])}"
    if problem:
        sys.exit(f"bench request failed ({problem}): {url}\n{text[:2000]}")


if __name__ == "__main__":
    main(sys.argv[1:])
