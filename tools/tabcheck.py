"""Check that each framework tab of a chapter shows its own results.

    python tools/tabcheck.py book/ch03_lstm.md [more pages]   # prints problems, exit 1

Both tabs of a page run in one kernel, PyTorch first, then Keras. A reader may run only
one of them (on Colab, say). This simulates three readers over the page's top-level
code: the kernel that runs every cell, a PyTorch reader (untagged and ``torch`` cells)
and a Keras reader (untagged and ``keras`` cells). For every name a cell reads, all the
readers that run that cell must see it defined, by the same cell. So

- an untagged cell that reads a name both tabs assign sees whichever tab ran last
  (``results`` from Keras in the PyTorch reader's page): reported as a bleed;
- a tab that reads a name defined only in the other tab fails for a one-tab reader:
  reported as undefined.

Reads inside function bodies count only for names already defined when the function is
defined (a function may use a global defined later). Keep per-framework results in
dicts keyed by framework (``results["torch"]``): mutating a shared dict is not an
assignment.
"""

import ast
import builtins
import sys
import symtable
from pathlib import Path

IGNORED = set(dir(builtins)) | {"display", "get_ipython", "In", "Out", "__name__", "__file__"}


def code_cells(path):
    """``(tags, source)`` of every code cell of a MyST notebook page."""
    import jupytext

    nb = jupytext.read(path)
    return [(set(c.metadata.get("tags", [])), c.source) for c in nb.cells if c.cell_type == "code"]


def _clean(source):
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        lines = lines[1:]
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _late_reads(node):
    """Globals that the functions, lambdas and classes inside ``node`` read when called."""
    table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
    late = set()

    def walk(t):
        for child in t.get_children():
            late.update(s.get_name() for s in child.get_symbols() if s.is_referenced() and s.is_global())
            walk(child)

    walk(table)
    return late


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _events(node, local=frozenset()):
    """``("read" | "bind", name)`` in the order Python evaluates ``node``."""
    if isinstance(node, ast.Name):
        if node.id not in local:
            yield ("read" if isinstance(node.ctx, ast.Load) else "bind", node.id)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        for sub in node.decorator_list + getattr(node, "bases", []):
            yield from _events(sub, local)
        if not isinstance(node, ast.ClassDef):
            for sub in node.args.defaults + [d for d in node.args.kw_defaults if d]:
                yield from _events(sub, local)
        yield ("bind", node.name)
    elif isinstance(node, ast.Lambda):
        for sub in node.args.defaults:
            yield from _events(sub, local)
    elif isinstance(node, COMPREHENSIONS):
        inner = set(local)
        for gen in node.generators:
            yield from _events(gen.iter, frozenset(inner))
            inner |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
            for cond in gen.ifs:
                yield from _events(cond, frozenset(inner))
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                yield from _events(getattr(node, part), frozenset(inner))
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:  # the same import in both tabs binds the same module
            module = f"{getattr(node, 'module', None) or ''}:{alias.name}"
            yield (f"import {module}", (alias.asname or alias.name).split(".")[0])
    elif isinstance(node, ast.Assign):
        yield from _events(node.value, local)
        for target in node.targets:
            yield from _events(target, local)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        if node.value is not None:
            yield from _events(node.value, local)
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            yield ("read", node.target.id)
        yield from _events(node.target, local)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        yield from _events(node.iter, local)
        yield from _events(node.target, local)
        for sub in node.body + node.orelse:
            yield from _events(sub, local)
    elif isinstance(node, ast.NamedExpr):
        yield from _events(node.value, local)
        yield from _events(node.target, local)
    else:
        for child in ast.iter_child_nodes(node):
            yield from _events(child, local)


def statements(source):
    """``(late_reads, events)`` for each top-level statement, in order."""
    tree = ast.parse(_clean(source))
    out = []
    for stmt in tree.body:
        late = _late_reads(stmt) if any(isinstance(n, SCOPES) for n in ast.walk(stmt)) else set()
        out.append((late, list(_events(stmt))))
    return out


def _origin(definer):
    return definer if isinstance(definer, str) else f"cell {definer + 1}"


def problems(path):
    """Messages for every bleed or one-tab NameError of the page at ``path``."""
    readers = {"kernel": {}, "torch": {}, "keras": {}}  # name -> index of the defining cell
    found = []
    for index, (tags, source) in enumerate(code_cells(path)):
        kind = "torch" if "torch" in tags else "keras" if "keras" in tags else "shared"
        runs = ["kernel"] + ([kind] if kind != "shared" else ["torch", "keras"])
        try:
            stmts = statements(source)
        except SyntaxError as exc:
            found.append(f"{path}: cell {index + 1}: cannot parse ({exc.msg})")
            continue
        first_line = source.strip().splitlines()[0][:60] if source.strip() else ""
        for late, events in stmts:
            checks = [("read", n) for n in sorted(late)] + events
            for event, name in checks:
                if event != "read":
                    for r in runs:
                        readers[r][name] = event if event.startswith("import") else index
                    continue
                if name in IGNORED:
                    continue
                seen = {r: readers[r].get(name) for r in runs}
                defined = {r: d for r, d in seen.items() if d is not None}
                if (event, name) not in events and not defined:
                    continue  # a function using a global defined later
                where = f"{path}: cell {index + 1} ({kind}: {first_line!r}) reads {name!r}"
                missing = [r for r in runs if r != "kernel" and seen[r] is None]
                if missing and seen["kernel"] is not None:
                    found.append(f"{where}, which a {'/'.join(missing)} reader never defines")
                elif len(set(defined.values())) > 1:
                    found.append(f"{where}: the kernel sees {_origin(seen['kernel'])}'s value, a "
                                 + ", ".join(f"{r} reader {_origin(d)}'s" for r, d in defined.items()
                                             if r != "kernel"))
    return found


def main(argv):
    paths = argv or sorted(str(p) for p in Path(__file__).resolve().parents[1].glob("book/ch[0-9][0-9]_*.md"))
    found = [msg for p in paths for msg in problems(p)]
    print("\n".join(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
