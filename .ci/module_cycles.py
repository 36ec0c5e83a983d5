#!/usr/bin/env python3
"""Cycles among a crate's top-level modules, read from `crate::` paths (tests and comments left out;
copied from the team's shared tools, comments added: a doc link is not a dependency).
usage: module_cycles.py SRC_DIR   e.g. hmbulk-engine/src — prints the cycles; exit 1 if any."""
import os, re, sys, collections
root = sys.argv[1]  # e.g. hmbulk-engine/src
mods = {}
for dp, dn, fn in os.walk(root):
    for f in fn:
        if not f.endswith(".rs"): continue
        p = os.path.join(dp, f); rel = os.path.relpath(p, root)
        top = rel.split(os.sep)[0].removesuffix(".rs")
        if top in ("lib", "main"): continue
        if "tests" in rel.split(os.sep) or f == "tests.rs": continue
        src = open(p).read()
        # A doc comment's link is not a dependency: comments are left out.
        src = re.sub(r"//[^\n]*", "", src)
        src = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", src, flags=re.S)
        deps = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", src))
        for block in re.findall(r"use crate::\{([^;]*)\};", src, flags=re.S):
            deps |= set(re.findall(r"(?:^|[,{\s])([a-z_][a-z0-9_]*)::", block)) | set(re.findall(r"(?:^|[,{\s])([a-z_][a-z0-9_]*)\s*(?:,|$|\})", block))
        mods.setdefault(top, set()).update(d for d in deps if d != top)
names = set(mods)
g = {m: {d for d in ds if d in names} for m, ds in mods.items()}
# Tarjan SCC
idx, low, st, on, out, c = {}, {}, [], set(), [], [0]
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in g[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        out.append(comp)
sys.setrecursionlimit(10000)
for v in g:
    if v not in idx: sc(v)
cyc = [sorted(x) for x in out if len(x) > 1]
print(f"{len(g)} top-level modules; cycles: {len(cyc)}; modules in cycles: {sum(len(x) for x in cyc)}")
for x in cyc: print("  ", " ".join(x))
sys.exit(1 if cyc else 0)
