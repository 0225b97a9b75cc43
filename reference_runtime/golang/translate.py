"""Go source to Python source that calls the runtime (the front end's core).

Parsing is tree-sitter's Go grammar (tree-sitter-go); this module walks the
syntax tree once, with a light static type pass (gotypes.py), and writes one
Python function per Go function, a class per struct type, and module-level
code for constants and package variables.  The shape of the output mirrors
what ``cmd/compile``'s walk does to the same constructs: a ``go`` statement
becomes ``go(f, args...)`` (``newproc``), ``select`` becomes one call of
``select(cases...)`` (``selectgo``) and a switch on the case index, a
``defer`` pushes onto the frame's list of deferred calls, run by
``rundefers`` on return or by ``panicking`` on a panic (``gopanic``).

Every Python line carries the Go line it came from; ``compile_go`` renumbers
the Python code with them, so a traceback or panic report names
``prog.go:LINE``.  Constructs outside the subset raise ``Unsupported`` with
the node's position, before anything runs.
"""
from __future__ import annotations

import keyword
import re

from . import golib
from .gotypes import (BASIC, BOOL, DURATION, ERROR, FLOAT, FLOATS, INT, INT_BITS, PKG_CONSTS,
                    PKG_FIELDS, PKG_FUNCS, PKG_METHODS, PKG_STRUCTS, PKG_ZERO, STRING, TIME,
                    UFLOAT, UINT, URUNE, USTRING, basic_name, is_untyped)


class GoError(Exception):
    """A Go program the front end refuses: ``file:LINE:COL: message``."""

    def __init__(self, filename: str, line: int, col: int, msg: str) -> None:
        super().__init__(f"{filename}:{line}:{col}: {msg}")
        self.filename, self.line, self.col, self.msg = filename, line, col, msg


class _Refuse(Exception):
    def __init__(self, node, msg: str) -> None:
        super().__init__(msg)
        self.node, self.msg = node, msg


PY_RESERVED = set(keyword.kwlist) | set(keyword.softkwlist) | {
    "len", "print", "int", "str", "float", "list", "dict", "range", "isinstance", "type",
    "bool", "tuple", "min", "max", "abs", "ord", "chr", "iter", "next", "object", "super",
    "getattr", "setattr", "hasattr", "id", "hash", "sorted", "repr", "format", "map", "filter",
    "zip", "sum", "any", "all", "bytes", "divmod", "round", "enumerate", "reversed", "set",
    "slice", "callable", "vars", "open", "input", "exec", "eval", "compile", "self",
    "chan", "Chan", "select", "default", "go", "nilchan", "True", "False", "None",
    "BaseException", "Exception", "ValueError", "TypeError", "IndexError", "KeyError",
    "ZeroDivisionError", "StopIteration", "property", "staticmethod", "classmethod",
    "object", "frozenset", "memoryview", "bytearray", "complex", "globals", "locals",
    "main", "__name__", "__builtins__"}

BUILTIN_FUNCS = {"len", "cap", "append", "copy", "delete", "make", "new", "panic", "recover",
                 "close", "print", "println"}


class Var:
    __slots__ = ("py", "t", "kind", "boxed", "fn")

    def __init__(self, py, t, kind, fn, boxed=False) -> None:
        self.py, self.t, self.kind, self.fn, self.boxed = py, t, kind, fn, boxed


class Fn:
    """A Python function being written (a Go function, a func literal, or a
    loop body that must be a scope of its own)."""

    def __init__(self, parent, kind: str, results=None) -> None:
        self.parent = parent
        self.kind = kind                  # "module", "func", "body"
        self.used: set = set() if parent is None else set()
        self.nonlocal_: set = set()
        self.global_: set = set()
        self.brk: list = []
        self.results = results            # list of (pyname or None, type)
        self.named = False
        self.defers = False
        self.goname = None
        self.boxed: set = set()

    def gofn(self):
        f = self
        while f.kind == "body":
            f = f.parent
        return f


def _text(n) -> str:
    return n.text.decode()


def _kids(n):
    return [c for c in n.named_children if c.type != "comment"]


class Translator:
    def __init__(self, src: bytes, filename: str) -> None:
        self.src = src
        self.filename = filename
        self.out: list = []               # [indent, text, goline]
        self.ind = 0
        self.line = 1
        self.tmp = 0
        self.imports: dict = {}           # local name -> package path
        self.types: dict = {}             # Go type name -> underlying type
        self.structs: dict = {}           # name -> [(field, type, embedded)]
        self.methods: dict = {}           # type name -> {method: (functype, ptr)}
        self.funcs: dict = {}             # function name -> func type
        self.module = Fn(None, "module")
        self.fn = self.module
        self.scopes: list = [{}]
        self.prelude: list = []
        self.iota = None
        self.global_boxed: set = set()

    # ------------------------------------------------------------ output

    def refuse(self, node, msg):
        raise _Refuse(node, msg)

    def unsupported(self, node, what: str | None = None):
        raise _Refuse(node, f"{what or node.type.replace('_', ' ')} is not supported")

    def emit(self, text: str, node=None) -> None:
        if node is not None:
            self.line = node.start_point[0] + 1
        self.out.append([self.ind, text, self.line])

    def placeholder(self):
        e = [self.ind, "", self.line]
        self.out.append(e)
        return e

    def newtmp(self, base: str = "t") -> str:
        self.tmp += 1
        return f"_G{base}{self.tmp}"

    # ------------------------------------------------------------ scopes

    def push(self) -> None:
        self.scopes.append({})

    def pop(self) -> None:
        self.scopes.pop()

    def lookup(self, name: str):
        for s in reversed(self.scopes):
            if name in s:
                return s[name]
        return None

    def pyname(self, name: str) -> str:
        base = name
        if name in PY_RESERVED or name.startswith("_"):
            base = "u" + name if name.startswith("_") else name + "_"
        f = self.fn
        # a name may not be reused in one Python function for another Go variable
        py = base
        k = 1
        while py in f.used or (f is not self.module and self._visible_py(py)):
            k += 1
            py = f"{base}_{k}"
        f.used.add(py)
        return py

    def _visible_py(self, py: str) -> bool:
        """py names a variable of an enclosing function or the module: a new
        one must not shadow it if a closure in between refers to it."""
        f = self.fn.parent
        while f is not None:
            if py in f.used:
                return True
            f = f.parent
        return False

    def declare(self, name: str, t, kind: str = "var", node=None) -> Var:
        if name == "_":
            return Var("_", t, kind, self.fn)
        py = self.pyname(name)
        boxed = False
        if kind == "var" and name in self.fn.gofn().boxed and not self.is_pointee_object(t):
            boxed = True
        if kind == "var" and self.fn is self.module and name in self.global_boxed \
                and not self.is_pointee_object(t):
            boxed = True
        v = Var(py, t, kind, self.fn, boxed)
        self.scopes[-1][name] = v
        return v

    def ref(self, v: Var, write: bool = False) -> str:
        """The Python name of a variable, noting nonlocal/global use."""
        if v.fn is not self.fn and v.kind == "var":
            if v.fn is self.module:
                if write and not v.boxed:
                    self.fn.global_.add(v.py)
            elif write and not v.boxed:
                self.fn.nonlocal_.add(v.py)
        return v.py + ".v" if v.boxed else v.py

    # ------------------------------------------------------------ types

    def under(self, t):
        seen = 0
        while t is not None and t[0] == "named" and seen < 20:
            t = self.types.get(t[1])
            seen += 1
        return t

    def is_structlike(self, t) -> bool:
        if t is None:
            return False
        if t[0] == "pkg":
            return t[1] in PKG_STRUCTS
        u = self.under(t)
        return u is not None and u[0] == "struct"

    def is_pointee_object(self, t) -> bool:
        """A pointer to a value of type t is the Python object itself (a
        struct's instance, an array's list), not a Box."""
        if self.is_structlike(t):
            return True
        u = self.under(t)
        return u is not None and u[0] == "array"

    def is_value_aggregate(self, t) -> bool:
        """Struct and array values are copied on assignment."""
        if t is None:
            return False
        if t[0] == "pkg":
            return False
        u = self.under(t)
        return u is not None and (u[0] == "struct" or u[0] == "array")

    def intinfo(self, t):
        if t is None:
            return None
        if t[0] == "pkg":
            return (64, True) if t[1] == "time.Duration" else None
        u = self.under(t)
        b = basic_name(u)
        if b in INT_BITS:
            return INT_BITS[b]
        if b in ("untyped_int", "untyped_rune"):
            return "untyped"
        return None

    def is_float(self, t) -> bool:
        b = basic_name(self.under(t))
        return b in FLOATS or b == "untyped_float"

    def is_string(self, t) -> bool:
        b = basic_name(self.under(t))
        return b in ("string", "untyped_string")

    def wrap(self, code: str, t) -> str:
        info = self.intinfo(t)
        if info is None or info == "untyped":
            return code
        bits, signed = info
        m = (1 << bits) - 1
        if signed:
            h = 1 << (bits - 1)
            return f"((({code}) + {h:#x}) & {m:#x}) - {h:#x}"
        return f"({code}) & {m:#x}"

    def type_of_node(self, n):
        """A Go type expression -> type tuple."""
        k = n.type
        if k == "type_identifier":
            name = _text(n)
            if name == "byte":
                return ("basic", "uint8")
            if name == "rune":
                return ("basic", "int32")
            if name == "any":
                return ("iface", [])
            if name in self.types or self.lookup_type(name):
                return ("named", name)
            if name in BASIC:
                return ("basic", name)
            self.refuse(n, f"undefined: {name}")
        if k == "qualified_type":
            pkg = _text(n.child_by_field_name("package"))
            name = _text(n.child_by_field_name("name"))
            path = self.imports.get(pkg)
            if path is None:
                self.refuse(n, f"undefined: {pkg}")
            short = path.split("/")[-1]
            full = f"{short}.{name}"
            if name not in golib.PACKAGES.get(path, ()):
                self.unsupported(n, f"{path}.{name}")
            return ("pkg", full)
        if k == "pointer_type":
            return ("ptr", self.type_of_node(_kids(n)[0]))
        if k == "slice_type":
            return ("slice", self.type_of_node(n.child_by_field_name("element")))
        if k == "array_type":
            ln = n.child_by_field_name("length")
            if ln.type == "int_literal":
                size = int(_text(ln).replace("_", ""), 0)
            else:
                code, t = self.expr(ln)
                try:
                    size = int(eval(code, {"__builtins__": {}}, self.const_values))
                except Exception:
                    self.unsupported(ln, "a non-constant array length")
            return ("array", size, self.type_of_node(n.child_by_field_name("element")))
        if k == "implicit_length_array_type":
            return ("array", None, self.type_of_node(n.child_by_field_name("element")))
        if k == "map_type":
            return ("map", self.type_of_node(n.child_by_field_name("key")),
                    self.type_of_node(n.child_by_field_name("value")))
        if k == "channel_type":
            return ("chan", self.type_of_node(n.child_by_field_name("value")))
        if k == "function_type":
            return self.functype(n.child_by_field_name("parameters"),
                                 n.child_by_field_name("result"))
        if k == "struct_type":
            fields = self.struct_fields(n)
            if fields:
                return self.anonymous_struct(n, fields)
            return ("struct", [])
        if k == "interface_type":
            ms = []
            for c in _kids(n):
                if c.type == "method_elem":
                    ms.append(_text(c.child_by_field_name("name")))
                elif c.type == "type_elem":
                    inner = _kids(c)
                    if len(inner) == 1 and inner[0].type in ("type_identifier", "qualified_type"):
                        t = self.type_of_node(inner[0])
                        if t == ERROR:
                            ms.append("Error")
                        else:
                            u = self.under(t)
                            if u and u[0] == "iface":
                                ms.extend(u[1])
                    else:
                        self.unsupported(c, "a type constraint")
            return ("iface", ms)
        if k == "parenthesized_type":
            return self.type_of_node(_kids(n)[0])
        if k == "generic_type":
            self.unsupported(n, "generics")
        self.unsupported(n, f"the type {k.replace('_', ' ')}")

    def anonymous_struct(self, n, fields):
        """struct { a int } without a name: a class of its own (one per
        distinct field list), written at the top of the module."""
        key = tuple((f, repr(t), e) for f, t, e in fields)
        if not hasattr(self, "anon"):
            self.anon, self.anon_out = {}, []
        name = self.anon.get(key)
        if name is None:
            name = f"_anon{len(self.anon) + 1}"
            self.anon[key] = name
            self.structs[name] = fields
            self.types[name] = ("struct", fields)
            self.module.used.add("T" + name)
            self.scopes[0][name] = Var("T" + name, ("named", name), "type", self.module)
            self.method_nodes.setdefault(name, [])
            saved = self.out, self.ind, self.line
            self.out, self.ind = [], 0
            try:
                self.struct_class(name, n)
                self.out.append([0, f"T{name}._Gname = {_text(n)!r}", self.line])
                self.anon_out.extend(self.out)
            finally:
                self.out, self.ind, self.line = saved
        return ("named", name)

    def lookup_type(self, name):
        v = self.lookup(name)
        return v is not None and v.kind == "type"

    def struct_fields(self, n):
        out = []
        lst = [c for c in n.named_children if c.type == "field_declaration_list"]
        for fd in (_kids(lst[0]) if lst else []):
            if fd.type != "field_declaration":
                continue
            tnode = fd.child_by_field_name("type")
            names = fd.children_by_field_name("name")
            if names:
                t = self.type_of_node(tnode)
                for nm in names:
                    out.append((_text(nm), t, False))
            else:
                t = self.type_of_node(tnode)
                base = tnode
                if base.type == "pointer_type":
                    base = _kids(base)[0]
                if base.type == "qualified_type":
                    fname = _text(base.child_by_field_name("name"))
                elif base.type == "generic_type":
                    self.unsupported(base, "generics")
                else:
                    fname = _text(base)
                out.append((fname, t, True))
        return out

    def functype(self, params, result):
        ps, variadic = [], False
        if params is not None:
            for p in _kids(params):
                if p.type == "parameter_declaration":
                    t = self.type_of_node(p.child_by_field_name("type"))
                    names = p.children_by_field_name("name")
                    ps.extend([t] * max(1, len(names)))
                elif p.type == "variadic_parameter_declaration":
                    ps.append(("slice", self.type_of_node(p.child_by_field_name("type"))))
                    variadic = True
        rs = self.result_types(result)
        return ("func", ps, rs, variadic)

    def result_types(self, result):
        if result is None:
            return []
        if result.type == "parameter_list":
            rs = []
            for p in _kids(result):
                if p.type == "parameter_declaration":
                    t = self.type_of_node(p.child_by_field_name("type"))
                    names = p.children_by_field_name("name")
                    rs.extend([t] * max(1, len(names)))
            return rs
        return [self.type_of_node(result)]

    def zero(self, t) -> str:
        if t is None:
            return "None"
        if t[0] == "pkg":
            return PKG_ZERO.get(t[1], "None")
        if t[0] == "named":
            u = self.under(t)
            if u is not None and u[0] == "struct":
                return f"{self.typy(t[1])}()"
            return self.zero(u)
        if t[0] == "basic":
            b = t[1]
            if b in INT_BITS or b in ("untyped_int", "untyped_rune"):
                return "0"
            if b in FLOATS or b == "untyped_float":
                return "0.0"
            if b in ("string", "untyped_string"):
                return "''"
            if b in ("bool", "untyped_bool"):
                return "False"
            return "None"
        if t[0] == "slice":
            return "[]"
        if t[0] == "map":
            return "{}"
        if t[0] == "chan":
            return "nilchan"
        if t[0] == "array":
            z = self.zero(t[2])
            if self.is_value_aggregate(t[2]) or t[2] and t[2][0] in ("slice", "map"):
                return f"[{z} for _ in range({t[1]})]"
            return f"[{z}] * {t[1]}"
        if t[0] == "struct":
            return "_GEMPTY"
        return "None"

    def typy(self, name: str) -> str:
        v = self.lookup(name)
        if v is not None and v.kind == "type":
            return v.py
        return "T_" + name

    # ------------------------------------------------------------ program

    def translate(self, root) -> str:
        kids = _kids(root)
        pkg = [c for c in kids if c.type == "package_clause"]
        if not pkg or _text(_kids(pkg[0])[0]) != "main":
            node = pkg[0] if pkg else root
            self.refuse(node, "package is not main: only package main programs are supported")
        for c in kids:
            if c.type == "import_declaration":
                self.imports_of(c)
        self.const_values: dict = {}
        # declare every type, function and method first (Go's package scope)
        for c in kids:
            if c.type == "type_declaration":
                for spec in _kids(c):
                    if spec.type == "type_alias":
                        self.unsupported(spec, "a type alias")
                    if spec.type == "type_spec":
                        if spec.child_by_field_name("type_parameters") is not None:
                            self.unsupported(spec, "generics")
                        name = _text(spec.child_by_field_name("name"))
                        self.types[name] = None
                        self.scopes[0][name] = Var(self.pyname_type(name), ("named", name),
                                                   "type", self.module)
        for c in kids:
            if c.type == "type_declaration":
                for spec in _kids(c):
                    if spec.type == "type_spec":
                        name = _text(spec.child_by_field_name("name"))
                        tn = spec.child_by_field_name("type")
                        if tn.type == "struct_type":
                            fields = self.struct_fields(tn)
                            self.structs[name] = fields
                            self.types[name] = ("struct", fields)
                        else:
                            self.types[name] = self.type_of_node(tn)
        for c in kids:
            if c.type == "function_declaration":
                if c.child_by_field_name("type_parameters") is not None:
                    self.unsupported(c, "generics")
                name = _text(c.child_by_field_name("name"))
                ft = self.functype(c.child_by_field_name("parameters"),
                                   c.child_by_field_name("result"))
                if name == "init":
                    continue
                self.funcs[name] = ft
                self.scopes[0][name] = Var(self.pyname(name) if name != "main" else "main",
                                           ft, "func", self.module)
            elif c.type == "method_declaration":
                recv = _kids(c.child_by_field_name("receiver"))
                rt = recv[0].child_by_field_name("type")
                ptr = rt.type == "pointer_type"
                base = _kids(rt)[0] if ptr else rt
                if base.type == "generic_type":
                    self.unsupported(base, "generics")
                tname = _text(base)
                if tname not in self.types:
                    self.refuse(base, f"undefined: {tname}")
                if tname not in self.structs:
                    kind = self.named_kind(tname)
                    if kind is None:
                        self.unsupported(c, "a method on this kind of type")
                    if ptr:
                        self.unsupported(c, "a pointer-receiver method on a non-struct type")
                ft = self.functype(c.child_by_field_name("parameters"),
                                   c.child_by_field_name("result"))
                self.methods.setdefault(tname, {})[_text(c.child_by_field_name("name"))] = (ft, ptr)
        if "main" not in self.funcs:
            self.refuse(root, "function main is undeclared in the main package")
        self.global_boxed = self.addressed(root)
        # constants first (an array length in a variable's type refers to
        # them); their code goes after the classes (a typed constant
        # converts to its class)
        const_start = len(self.out)
        for c in kids:
            if c.type == "const_declaration":
                self.const_decl(c)
        const_code = self.out[const_start:]
        del self.out[const_start:]
        # the module: package variables (declared first: methods refer to
        # them), classes, constants, the variables' zero values, functions
        inits = []
        zeros = []
        for c in kids:
            if c.type == "var_declaration":
                inits.append(c)
                for spec in self.var_specs(c):
                    tnode = spec.child_by_field_name("type")
                    t = self.type_of_node(tnode) if tnode is not None else None
                    if t is None and spec.child_by_field_name("value") is not None:
                        vals = _kids(spec.child_by_field_name("value"))
                        names = spec.children_by_field_name("name")
                        if len(vals) == len(names) == 1:
                            t = self.literal_type(vals[0])
                    for nm in spec.children_by_field_name("name"):
                        v = self.declare(_text(nm), t)
                        if v.py != "_":
                            zeros.append((v, t, nm))
        for c in kids:
            if c.type == "type_declaration":
                for spec in _kids(c):
                    if spec.type == "type_spec":
                        name = _text(spec.child_by_field_name("name"))
                        if name in self.structs:
                            self.struct_class(name, spec)
                        elif name in self.methods:
                            self.named_class(name, spec)
        self.out.extend(const_code)
        for v, t, nm in zeros:
            z = self.zero(t) if t is not None else "None"
            self.emit(f"{v.py} = {'_GBox(' + z + ')' if v.boxed else z}", nm)
        init_funcs = []
        for c in kids:
            if c.type == "function_declaration":
                name = _text(c.child_by_field_name("name"))
                if name == "init":
                    py = self.newtmp("init")
                    init_funcs.append(py)
                else:
                    py = self.scopes[0][name].py
                self.function(c, py)
                if name == "main":
                    self.emit("_Gmain_go = main")
            elif c.type == "method_declaration":
                pass        # emitted inside the class
            elif c.type not in ("package_clause", "import_declaration", "type_declaration",
                                "const_declaration", "var_declaration", "comment"):
                self.unsupported(c)
        # package initialisation runs in goroutine 1, before main (Go's runtime.main)
        self.emit("def main():", None)
        self.ind += 1
        saved = self.fn
        self.fn = Fn(self.module, "func", [])
        body_start = len(self.out)
        for c in inits:
            self.var_decl(c, module=True)
        for py in init_funcs:
            self.emit(f"{py}()")
        self.emit("_Gmain_go()")
        if self.fn.global_:
            self.out.insert(body_start, [self.ind, "global " + ", ".join(sorted(self.fn.global_)),
                                         self.line])
        self.fn = saved
        self.ind -= 1
        return self.render()

    def literal_type(self, n):
        """The type of a package variable's initialiser, when it shows
        without translating it (make(T, ...), T{...}, &T{...})."""
        if n.type == "call_expression":
            f = n.child_by_field_name("function")
            if f.type == "identifier" and _text(f) in ("make", "new"):
                args = _kids(n.child_by_field_name("arguments"))
                if args:
                    try:
                        t = self.type_of_node(args[0])
                    except _Refuse:
                        return None
                    return t if _text(f) == "make" else ("ptr", t)
        if n.type == "composite_literal":
            try:
                return self.type_of_node(n.child_by_field_name("type"))
            except _Refuse:
                return None
        return None

    def pyname_type(self, name: str) -> str:
        py = "T_" + name
        self.module.used.add(py)
        return py

    def render(self) -> str:
        self.linemap = []
        lines = []
        for ind, text, line in getattr(self, "anon_out", []) + self.out:
            if not text:
                continue
            for sub in text.split("\n"):
                lines.append("    " * ind + sub)
                self.linemap.append(line)
        return "\n".join(lines) + "\n"

    def imports_of(self, n) -> None:
        for spec in n.named_children:
            specs = _kids(spec) if spec.type == "import_spec_list" else [spec]
            for s in specs:
                if s.type != "import_spec":
                    continue
                path = _text(s.child_by_field_name("path"))[1:-1]
                name = s.child_by_field_name("name")
                if path not in golib.PACKAGES:
                    self.unsupported(s, f'package "{path}"')
                local = _text(name) if name is not None else path.split("/")[-1]
                if local in (".", "_"):
                    self.unsupported(s, "a dot or blank import")
                self.imports[local] = path

    def addressed(self, node) -> set:
        """Names whose address is taken (&x) anywhere inside node."""
        out = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "unary_expression" and _text(n.child_by_field_name("operator")) == "&":
                op = n.child_by_field_name("operand")
                while op.type == "parenthesized_expression":
                    op = _kids(op)[0]
                if op.type == "identifier":
                    out.add(_text(op))
            stack.extend(n.named_children)
        return out

    # ------------------------------------------------------------ structs

    def named_kind(self, name: str):
        """For a named non-struct type with methods: the Python base of
        its class ("int", "float", "str"), or "proxy" for a channel, slice,
        map or function type (a wrapper that delegates to the value)."""
        u = self.under(("named", name))
        if u is None:
            return None
        if u[0] == "basic":
            b = u[1]
            if b in INT_BITS:
                return "int"
            if b in FLOATS:
                return "float"
            if b == "string":
                return "str"
            return None
        if u[0] in ("chan", "slice", "map", "func"):
            return "proxy"
        return None

    def has_methods(self, t) -> bool:
        return t is not None and t[0] == "named" and t[1] in self.methods \
            and t[1] not in self.structs

    def named_class(self, name: str, spec) -> None:
        """A named non-struct type with methods (``type Celsius float64``,
        ``type XChan chan int``): a subclass of int/float/str, or a proxy
        of the channel, slice or map, with the methods; conversions make
        its values, and a method called on a value whose static type is
        known is dispatched statically (arithmetic gives plain numbers)."""
        py = self.typy(name)
        kind = self.named_kind(name)
        base = {"int": "int", "float": "float", "str": "str", "proxy": "_GProxy"}[kind]
        self.emit(f"class {py}({base}):", spec)
        self.ind += 1
        self.emit("__slots__ = ()")
        self.emit(f"_Gname = 'main.{name}'")
        for c in self.method_nodes.get(name, []):
            self.function(c, self.field_py(_text(c.child_by_field_name("name"))), method=True)
        self.ind -= 1
        self.emit(f"{py}.__name__ = {name!r}")
        self.emit(f"{py}.__qualname__ = {name!r}")

    def struct_class(self, name: str, spec) -> None:
        py = self.typy(name)
        fields = self.structs[name]
        self.emit(f"class {py}:", spec)
        self.ind += 1
        pyf = [self.field_py(f) for f, _, _ in fields]
        self.emit(f"__slots__ = ({''.join(repr(f) + ', ' for f in pyf)})")
        self.emit(f"_Gfields = ({''.join(repr(f) + ', ' for f in pyf)})")
        self.emit(f"_Gname = 'main.{name}'")
        args = ", ".join(f"{f}=_GZ" for f in pyf)
        self.emit(f"def __init__(self{', ' if args else ''}{args}):")
        self.ind += 1
        if not fields:
            self.emit("pass")
        for (f, t, _), pf in zip(fields, pyf):
            z = self.zero(t)
            if z in ("0", "0.0", "''", "False", "None", "nilchan"):
                self.emit(f"self.{pf} = {z} if {pf} is _GZ else {pf}")
            else:
                self.emit(f"self.{pf} = ({z}) if {pf} is _GZ else {pf}")
        self.ind -= 1
        self.emit("def _Gcp(self):")
        self.ind += 1
        self.emit(f"o = {py}.__new__({py})")
        for (f, t, _), pf in zip(fields, pyf):
            if self.is_value_aggregate(t):
                self.emit(f"o.{pf} = _Gcopy(self.{pf})")
            else:
                self.emit(f"o.{pf} = self.{pf}")
        self.emit("return o")
        self.ind -= 1
        self.emit("def __eq__(self, o):")
        self.ind += 1
        if not self.comparable(("named", name)):
            # reached only through interfaces: Go refuses x == y statically
            self.emit(f"raise _GPanicText('runtime error: comparing uncomparable type main.{name}')")
        else:
            cmp = " and ".join(f"self.{pf} == o.{pf}" for pf in pyf) or "True"
            self.emit(f"return type(o) is {py} and {cmp}")
        self.ind -= 1
        self.emit("def __hash__(self):")
        self.ind += 1
        if not self.comparable(("named", name)):
            self.emit(f"raise _GPanicText('runtime error: hash of unhashable type main.{name}')")
        else:
            self.emit(f"return hash(({''.join('self.' + pf + ', ' for pf in pyf)}))")
        self.ind -= 1
        embeds = [pf for (f, t, e), pf in zip(fields, pyf) if e]
        if embeds:
            # promoted fields and methods (Go's embedding)
            own = {f for f, _, _ in fields} | set(self.methods.get(name, {}))
            for (f, t, e), pf in zip(fields, pyf):
                if not e:
                    continue
                inner = t[1] if t[0] == "ptr" else t
                if inner and inner[0] == "named" and inner[1] in self.structs:
                    for f2, _, _ in self.structs[inner[1]]:
                        if f2 not in own:
                            own.add(f2)
                            p2 = self.field_py(f2)
                            self.emit(f"{p2} = property(lambda s: s.{pf}.{p2}, "
                                      f"lambda s, v: setattr(s.{pf}, {p2!r}, v))")
            self.emit("def __getattr__(self, name):")
            self.ind += 1
            for (f, t, e), pf in zip(fields, pyf):
                if not e:
                    continue
                if t and t[0] == "named" and t[1] not in self.structs and \
                        t[1] in self.methods and self.named_kind(t[1]) != "proxy":
                    # an embedded named number or string (type T int): its
                    # value may be a plain number, so convert to call the method
                    ms = tuple(self.field_py(m) for m in self.methods[t[1]])
                    self.emit(f"if name in {ms!r}: "
                              f"return getattr({self.typy(t[1])}(self.{pf}), name)")
                else:
                    self.emit(f"if hasattr(self.{pf}, name): return getattr(self.{pf}, name)")
            self.emit("raise AttributeError(name)")
            self.ind -= 1
        # methods
        for c in self.method_nodes.get(name, []):
            self.function(c, self.field_py(_text(c.child_by_field_name("name"))), method=True)
        self.ind -= 1
        self.emit(f"{py}.__name__ = {name!r}")
        self.emit(f"{py}.__qualname__ = {name!r}")

    def comparable(self, t, depth: int = 0) -> bool:
        """Whether values of type t may be compared with == (Go's spec:
        not slices, maps, functions, nor structs or arrays holding them)."""
        if t is None or depth > 10:
            return True
        if t[0] == "named" and t[1] in self.structs:
            return all(self.comparable(ft, depth + 1) for _, ft, _ in self.structs[t[1]])
        u = self.under(t) if t[0] == "named" else t
        if u is None:
            return True
        if u[0] in ("slice", "map", "func"):
            return False
        if u[0] == "array":
            return self.comparable(u[2], depth + 1)
        if u[0] == "struct":
            return all(self.comparable(ft, depth + 1) for _, ft, _ in u[1])
        return True

    def field_py(self, f: str) -> str:
        if f in PY_RESERVED and f not in ("print", "len"):
            return f + "_"
        if f.startswith("_"):
            return "u" + f
        return f

    # ------------------------------------------------------------ functions

    def function(self, n, py: str, method: bool = False, literal: bool = False) -> None:
        params = n.child_by_field_name("parameters")
        result = n.child_by_field_name("result")
        body = n.child_by_field_name("body")
        if body is None:
            self.unsupported(n, "a function without a body")
        saved_fn, saved_scopes = self.fn, self.scopes
        outer = self.fn
        fn = Fn(self.fn if literal else self.module, "func")
        fn.goname = py
        if literal:
            fn.boxed = outer.gofn().boxed
        else:
            fn.boxed = self.addressed(n)
        if method:
            fn.parent = self.module
        self.fn = fn
        self.push()
        header_at = len(self.out)
        pnames = []
        recv_name = None
        recv_type = None
        if method:
            r = _kids(n.child_by_field_name("receiver"))[0]
            rt = r.child_by_field_name("type")
            ptr = rt.type == "pointer_type"
            base = _kids(rt)[0] if ptr else rt
            recv_type = ("ptr", ("named", _text(base))) if ptr else ("named", _text(base))
            rn = r.child_by_field_name("name")
            if rn is not None and _text(rn) != "_":
                v = self.declare(_text(rn), recv_type, node=rn)
                recv_name = v
                pnames.append(v.py)
            else:
                pnames.append("self")
                fn.used.add("self")
        boxed_params = []
        for p in (_kids(params) if params is not None else []):
            if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            t = self.type_of_node(p.child_by_field_name("type"))
            variadic = p.type == "variadic_parameter_declaration"
            if variadic:
                t = ("slice", t)
            names = p.children_by_field_name("name")
            if not names:
                pnames.append(("*" if variadic else "") + self.newtmp("p"))
                continue
            for nm in names:
                v = self.declare(_text(nm), t, node=nm)
                if v.py == "_":
                    v.py = self.newtmp("p")
                pnames.append(("*" if variadic else "") + v.py)
                if variadic:
                    boxed_params.append(f"{v.py} = list({v.py})")
                if v.boxed:
                    boxed_params.append(f"{v.py} = _GBox({v.py})")
        results = []
        named = False
        if result is not None:
            if result.type == "parameter_list":
                for p in _kids(result):
                    if p.type != "parameter_declaration":
                        continue
                    t = self.type_of_node(p.child_by_field_name("type"))
                    names = p.children_by_field_name("name")
                    if names:
                        named = True
                        for nm in names:
                            v = self.declare(_text(nm) if _text(nm) != "_" else self.newtmp("r"),
                                             t, node=nm)
                            results.append((v, t))
                    else:
                        results.append((None, t))
            else:
                results.append((None, self.type_of_node(result)))
        fn.results = results
        fn.named = named
        fn.defers = self.has_defer(body)
        self.emit(f"def {py}({', '.join(pnames)}):", n)
        self.ind += 1
        decl_at = len(self.out)
        for line in boxed_params:
            self.emit(line)
        if method and recv_type[0] == "named" and recv_name is not None \
                and self.mutates(body, _text(n.child_by_field_name("receiver").named_children[0]
                                            .child_by_field_name("name"))):
            self.emit(f"{recv_name.py} = {recv_name.py}._Gcp()")
        for v, t in results:
            if v is not None:
                z = self.zero(t)
                self.emit(f"{v.py} = {'_GBox(' + z + ')' if v.boxed else z}")
        if fn.defers:
            self.emit("_Gd = []")
            self.emit("try:")
            self.ind += 1
            self.block(body, scope=False)
            self.emit("pass")
            self.ind -= 1
            self.emit("except BaseException as _Ge:")
            self.ind += 1
            self.emit("_Gpanicking(_Gd, _Ge)")
            self.emit(f"return {self.result_tuple()}")
            self.ind -= 1
            self.emit("_Grundefers(_Gd)")
            if results:
                self.emit(f"return {self.result_tuple()}")
        else:
            self.block(body, scope=False)
            if named:
                self.emit(f"return {self.result_tuple()}")
        if len(self.out) == decl_at:
            self.emit("pass")
        decls = []
        if fn.nonlocal_:
            decls.append("nonlocal " + ", ".join(sorted(fn.nonlocal_)))
        if fn.global_:
            decls.append("global " + ", ".join(sorted(fn.global_)))
        for d in decls:
            self.out.insert(decl_at, [self.ind, d, self.out[header_at][2]])
        self.ind -= 1
        self.pop()
        self.fn, self.scopes = saved_fn, saved_scopes
        # a nested function's nonlocals that live further out must be declared
        # nonlocal in the functions between (Python requires the binding chain)
        if literal:
            for name in fn.nonlocal_:
                if name not in saved_fn.used:
                    saved_fn.nonlocal_.add(name)

    def result_tuple(self) -> str:
        rs = self.fn.gofn().results
        vals = []
        for v, t in rs:
            vals.append(self.ref(v) if v is not None else self.zero(t))
        if not vals:
            return "None"
        if len(vals) == 1:
            return vals[0]
        return "(" + ", ".join(vals) + ")"

    def has_defer(self, node) -> bool:
        stack = list(node.named_children)
        while stack:
            n = stack.pop()
            if n.type == "defer_statement":
                return True
            if n.type == "func_literal":
                continue
            stack.extend(n.named_children)
        return False

    def mutates(self, node, name: str) -> bool:
        """Does node assign to a field or element of variable `name`?"""
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type in ("assignment_statement", "inc_statement", "dec_statement"):
                left = n.child_by_field_name("left") or n.named_children[0]
                for t in (left.named_children if left.type == "expression_list" else [left]):
                    base = t
                    while base.type in ("selector_expression", "index_expression"):
                        base = base.child_by_field_name("operand")
                    if base is not t and base.type == "identifier" and _text(base) == name:
                        return True
            if n.type == "unary_expression" and _text(n.child_by_field_name("operator")) == "&":
                op = n.child_by_field_name("operand")
                if op.type == "identifier" and _text(op) == name:
                    return True
            if n.type == "call_expression":
                f = n.child_by_field_name("function")
                if f.type == "selector_expression":
                    o = f.child_by_field_name("operand")
                    if o.type == "identifier" and _text(o) == name:
                        return True
            stack.extend(n.named_children)
        return False

    # ------------------------------------------------------------ statements

    def block(self, n, scope: bool = True) -> None:
        if scope:
            self.push()
        for c in _kids(n):
            if c.type == "statement_list":
                for s in _kids(c):
                    self.stmt(s)
            else:
                self.stmt(c)
        if scope:
            self.pop()

    def stmts(self, nodes) -> None:
        for s in nodes:
            if s.type == "statement_list":
                for x in _kids(s):
                    self.stmt(x)
            else:
                self.stmt(s)

    def flush(self, node) -> None:
        for text in self.prelude_take():
            self.emit(text, node)

    def prelude_take(self):
        p, self.prelude = self.prelude, []
        return p

    def stmt(self, n) -> None:
        k = n.type
        self.line = n.start_point[0] + 1
        handler = getattr(self, "s_" + k, None)
        if handler is None:
            self.unsupported(n, f"the statement {k.replace('_', ' ')}")
        handler(n)

    def with_prelude(self, n, fn):
        """Translate with fn() -> code lines; emit the closures it needs first."""
        saved = self.prelude
        self.prelude = []
        result = fn()
        pre = self.prelude
        self.prelude = saved
        if pre:
            # the closures are already emitted as lines at their place; nothing to do
            pass
        return result

    def s_empty_statement(self, n):
        self.emit("pass", n)

    def s_comment(self, n):
        pass

    def s_block(self, n):
        self.emit("if True:", n)
        self.ind += 1
        self.block(n)
        self.emit("pass")
        self.ind -= 1

    def s_expression_statement(self, n):
        e = _kids(n)[0]
        code, _ = self.expr(e, stmt=True)
        self.emit(code, n)

    def s_send_statement(self, n):
        c, ct = self.expr(n.child_by_field_name("channel"))
        v, vt = self.expr(n.child_by_field_name("value"),
                          want=ct[1] if ct and ct[0] == "chan" else None)
        v = self.copy_if_value(n.child_by_field_name("value"), v, vt)
        self.emit(f"{c}.send({v})", n)

    def s_inc_statement(self, n):
        self.incdec(n, "+")

    def s_dec_statement(self, n):
        self.incdec(n, "-")

    @staticmethod
    def _has_effects(n) -> bool:
        """Whether evaluating n may call a function or receive."""
        if n.type == "call_expression":
            return True
        if n.type == "unary_expression" and _text(n.child_by_field_name("operator")) == "<-":
            return True
        return any(Translator._has_effects(c) for c in n.children)

    def once(self, target, n):
        """For x op= y and x++: Go evaluates the operands of the target x
        once (f()[i] += 1 calls f once).  Returns (read code, assignable
        code) with a call-bearing operand and index evaluated into
        temporaries first, or None when the target has no such operand."""
        if target.type == "index_expression":
            o, i = target.child_by_field_name("operand"), target.child_by_field_name("index")
            if not (self._has_effects(o) or self._has_effects(i)):
                return None
            to, ti = self.newtmp(), self.newtmp()
            self.emit(f"{to} = {self.expr(o)[0]}", n)
            self.emit(f"{ti} = {self.expr(i)[0]}", n)
            if self.map_index(target):
                mt = self.under(self.expr_type(o))
                z = self.zero(mt[2]) if mt else "0"
                return f"{to}.get({ti}, {z})", f"{to}[{ti}]"
            return f"{to}[{ti}]", f"{to}[{ti}]"
        if target.type == "unary_expression" and \
                _text(target.child_by_field_name("operator")) == "*":
            o = target.child_by_field_name("operand")
            pt = self.expr_type(o)
            pt = self.under(pt) if pt and pt[0] == "named" else pt
            if not self._has_effects(o) or not pt or pt[0] != "ptr" or \
                    self.is_structlike(pt[1]) or self.is_pointee_object(pt[1]):
                return None
            tp = self.newtmp()
            self.emit(f"{tp} = {self.expr(o)[0]}", n)
            return f"{tp}.v", f"{tp}.v"
        return None

    def incdec(self, n, op):
        target = _kids(n)[0]
        code, t = self.expr(target)
        hoisted = self.once(target, n)
        if hoisted is not None:
            code, lhs = hoisted
            self.emit(f"{lhs} = {self.wrap(f'{code} {op} 1', t)}", n)
            return
        if target.type == "index_expression" and self.map_index(target):
            m, k = self.map_parts(target)
            mt = self.expr_type(target.child_by_field_name("operand"))
            z = self.zero(self.under(mt)[2]) if mt and self.under(mt) else "0"
            self.emit(f"{m}[{k}] = {self.wrap(f'{m}.get({k}, {z}) {op} 1', t)}", n)
            return
        lhs = self.lvalue(target)
        w = self.wrap(f"{code} {op} 1", t)
        if w == f"{code} {op} 1":
            self.emit(f"{lhs} {op}= 1", n)
        else:
            self.emit(f"{lhs} = {w}", n)

    def s_assignment_statement(self, n):
        op = _text(n.child_by_field_name("operator"))
        left = _kids(n.child_by_field_name("left"))
        right = _kids(n.child_by_field_name("right"))
        if op != "=":
            bop = op[:-1]
            target = left[0]
            cur, t = self.expr(target)
            hoisted = self.once(target, n)
            if hoisted is not None:
                cur = hoisted[0]
            rhs, rt = self.expr(right[0], want=t)
            val = self.binop(bop, cur, t, rhs, rt, target)
            if hoisted is not None:
                self.emit(f"{hoisted[1]} = {val}", n)
                return
            if target.type == "index_expression" and self.map_index(target):
                m, k = self.map_parts(target)
                mt = self.under(self.expr_type(target.child_by_field_name("operand")))
                z = self.zero(mt[2]) if mt else "0"
                val = self.binop(bop, f"{m}.get({k}, {z})", t, rhs, rt, target)
                self.emit(f"{m}[{k}] = {val}", n)
                return
            self.emit(f"{self.lvalue(target)} = {val}", n)
            return
        self.assign(left, right, n)

    def assign(self, left, right, n, declare: bool = False):
        """= and := (declare=True: new variables for the new names)."""
        if len(right) == 1 and len(left) > 1:
            code, rt = self.multi(right[0], len(left))
            types = rt[1] if rt and rt[0] == "tuple" else [None] * len(left)
            rhs = [code]
        else:
            if len(left) != len(right):
                self.refuse(n, f"assignment mismatch: {len(left)} variables but "
                               f"{len(right)} values")
            rhs, types = [], []
            for l, r in zip(left, right):
                want = None
                if not declare or not self.is_new(l):
                    want = self.expr_type(l) if l.type != "identifier" or _text(l) != "_" else None
                code, rt = self.expr(r, want=want)
                code = self.copy_if_value(r, code, rt)
                if want is not None and r.type == "nil":
                    code = self.zero(want) if self.under(want) and self.under(want)[0] == "chan" \
                        else code
                rhs.append(code)
                types.append(rt)
        targets = []
        for l, t in zip(left, types):
            if declare and l.type == "identifier" and self.is_new(l):
                if t is not None and is_untyped(t):
                    t = self.default_type(t)
                v = self.declare(_text(l), t, node=l)
                targets.append((v.py, v.boxed))
            else:
                targets.append((self.lvalue(l), False))
        # map-index targets and boxed new variables need a form Python can assign
        if len(targets) == 1:
            (tg, boxed), = targets
            val = rhs[0]
            if boxed:
                val = f"_GBox({val})"
            self.emit(f"{tg} = {val}", n)
            return
        tnames = ", ".join(tg for tg, _ in targets)
        self.emit(f"{tnames} = {', '.join(rhs)}", n)
        for tg, boxed in targets:
            if boxed:
                self.emit(f"{tg} = _GBox({tg})", n)

    def default_type(self, t):
        b = basic_name(t)
        return {"untyped_int": INT, "untyped_float": FLOAT, "untyped_rune": ("basic", "int32"),
                "untyped_string": STRING, "untyped_bool": BOOL}.get(b, t)

    def is_new(self, l) -> bool:
        name = _text(l)
        return name != "_" and name not in self.scopes[-1]

    def s_short_var_declaration(self, n):
        left = _kids(n.child_by_field_name("left"))
        right = _kids(n.child_by_field_name("right"))
        self.assign(left, right, n, declare=True)

    def lvalue(self, l) -> str:
        k = l.type
        if k == "identifier":
            name = _text(l)
            if name == "_":
                return "_"
            v = self.lookup(name)
            if v is None:
                self.refuse(l, f"undefined: {name}")
            if v.kind != "var":
                self.refuse(l, f"cannot assign to {name}")
            return self.ref(v, write=True)
        if k == "parenthesized_expression":
            return self.lvalue(_kids(l)[0])
        if k == "selector_expression":
            code, _ = self.expr(l)
            return code
        if k == "index_expression":
            o, ot = self.expr(l.child_by_field_name("operand"))
            i, _ = self.expr(l.child_by_field_name("index"))
            return f"{o}[{i}]"
        if k == "unary_expression" and _text(l.child_by_field_name("operator")) == "*":
            p, pt = self.expr(l.child_by_field_name("operand"))
            pt = self.under(pt) if pt and pt[0] == "named" else pt
            if pt and pt[0] == "ptr" and self.is_structlike(pt[1]):
                self.unsupported(l, "assigning a whole struct through a pointer")
            if pt and pt[0] == "ptr" and self.is_pointee_object(pt[1]):
                return f"{p}[:]"
            return f"{p}.v"
        self.unsupported(l, "this assignment target")

    def map_index(self, n) -> bool:
        t = self.under(self.expr_type(n.child_by_field_name("operand")))
        return t is not None and t[0] == "map"

    def map_parts(self, n):
        m, _ = self.expr(n.child_by_field_name("operand"))
        k, _ = self.expr(n.child_by_field_name("index"))
        return m, k

    def s_var_declaration(self, n):
        self.var_decl(n)

    def var_specs(self, n):
        out = []
        for c in _kids(n):
            if c.type == "var_spec":
                out.append(c)
            elif c.type == "var_spec_list":
                out.extend(x for x in _kids(c) if x.type == "var_spec")
        return out

    def var_decl(self, n, module: bool = False):
        for spec in self.var_specs(n):
            names = spec.children_by_field_name("name")
            tnode = spec.child_by_field_name("type")
            t = self.type_of_node(tnode) if tnode is not None else None
            value = spec.child_by_field_name("value")
            if module:
                vars_ = [self.scopes[0].get(_text(nm)) for nm in names]
                if value is None:
                    continue
                vals = _kids(value)
                if len(vals) == 1 and len(names) > 1:
                    code, rt = self.multi(vals[0], len(names))
                    tn = ", ".join(self.ref(v, write=True) if v else "_" for v in vars_)
                    self.emit(f"{tn} = {code}", spec)
                    continue
                for v, nm, val in zip(vars_, names, vals):
                    code, rt = self.expr(val, want=t)
                    code = self.copy_if_value(val, code, rt)
                    if v is None:
                        self.emit(code, spec)
                        continue
                    if v.t is None:
                        v.t = t or (self.default_type(rt) if rt else None)
                    self.emit(f"{self.ref(v, write=True)} = {code}", spec)
                continue
            if value is None:
                for nm in names:
                    v = self.declare(_text(nm), t, node=nm)
                    z = self.zero(t)
                    self.emit(f"{v.py} = {'_GBox(' + z + ')' if v.boxed else z}", spec)
                continue
            vals = _kids(value)
            if len(vals) == 1 and len(names) > 1:
                code, rt = self.multi(vals[0], len(names))
                types = rt[1] if rt and rt[0] == "tuple" else [t] * len(names)
                vs = [self.declare(_text(nm), t or tt, node=nm) for nm, tt in zip(names, types)]
                self.emit(f"{', '.join(v.py for v in vs)} = {code}", spec)
                for v in vs:
                    if v.boxed:
                        self.emit(f"{v.py} = _GBox({v.py})")
                continue
            codes = []
            for nm, val in zip(names, vals):
                code, rt = self.expr(val, want=t)
                code = self.copy_if_value(val, code, rt)
                if t is not None and val.type == "nil" and self.under(t) and \
                        self.under(t)[0] == "chan":
                    code = "nilchan"
                codes.append((nm, code, t or (self.default_type(rt) if rt else None)))
            for nm, code, tt in codes:
                v = self.declare(_text(nm), tt, node=nm)
                self.emit(f"{v.py} = {'_GBox(' + code + ')' if v.boxed else code}", spec)

    def s_const_declaration(self, n):
        self.const_decl(n)

    def const_decl(self, n):
        prev = None
        ptype = None
        for i, spec in enumerate(x for x in _kids(n) if x.type == "const_spec"):
            names = spec.children_by_field_name("name")
            tnode = spec.child_by_field_name("type")
            value = spec.child_by_field_name("value")
            if value is not None:
                prev = _kids(value)
                ptype = self.type_of_node(tnode) if tnode is not None else None
            if prev is None:
                self.refuse(spec, "missing init expr for const declaration")
            self.iota = i
            for nm, val in zip(names, prev):
                code, t = self.expr(val, want=ptype)
                t = ptype or t
                if ptype is not None and (self.intinfo(ptype) not in (None, "untyped")
                                          or self.has_methods(ptype)):
                    code = self.convert(ptype, code, t)
                v = self.declare(_text(nm), t, kind="const", node=nm)
                if v.py != "_":
                    self.emit(f"{v.py} = {code}", spec)
                    try:
                        self.const_values[v.py] = eval(code, {"__builtins__": {}},
                                                       self.const_values)
                    except Exception:
                        pass
            self.iota = None

    def s_type_declaration(self, n):
        """A type declared in a function: a struct becomes a class defined
        there; other types only name their underlying type.  (Go allows no
        methods on them, so nothing else refers to them.)"""
        for spec in _kids(n):
            if spec.type == "type_alias":
                self.unsupported(spec, "a type alias")
            if spec.type != "type_spec":
                continue
            if spec.child_by_field_name("type_parameters") is not None:
                self.unsupported(spec, "generics")
            name = _text(spec.child_by_field_name("name"))
            if name in self.types:
                self.unsupported(spec, f"a local type {name} shadowing another type")
            tn = spec.child_by_field_name("type")
            py = self.pyname("T_" + name)
            self.scopes[-1][name] = Var(py, ("named", name), "type", self.fn)
            if tn.type == "struct_type":
                fields = self.struct_fields(tn)
                self.structs[name] = fields
                self.types[name] = ("struct", fields)
                self.method_nodes.setdefault(name, [])
                self.struct_class(name, spec)
            else:
                self.types[name] = self.type_of_node(tn)

    def s_go_statement(self, n):
        self.go_or_defer(n, "go")

    def s_defer_statement(self, n):
        self.go_or_defer(n, "defer")

    def go_or_defer(self, n, kind):
        call = _kids(n)[0]
        while call.type == "parenthesized_expression":
            call = _kids(call)[0]
        if call.type != "call_expression":
            self.refuse(n, f"expression in {kind} must be function call")
        fnode = call.child_by_field_name("function")
        args_node = call.child_by_field_name("arguments")
        if fnode.type == "identifier" and _text(fnode) in BUILTIN_FUNCS and \
                self.lookup(_text(fnode)) is None:
            # go/defer of a builtin: wrap the call, evaluating its arguments now
            args = [self.expr(a)[0] for a in _kids(args_node)]
            tmps = []
            for a in args:
                tmp = self.newtmp("a")
                self.emit(f"{tmp} = {a}", n)
                tmps.append(tmp)
            fake = self.builtin_call(_text(fnode), call, pre_args=tmps)
            fn = f"lambda: {fake}"
            arglist = ""
        else:
            f, ft = self.expr(fnode)
            args = self.call_args(call, ft)
            fn = f
            arglist = args
        if kind == "go":
            self.emit(f"go({fn}{', ' + arglist if arglist else ''})", n)
        else:
            if not self.fn.gofn().defers:
                self.refuse(n, "defer outside a function body")
            self.emit(f"_Gd.append(({fn}, ({arglist}{',' if arglist else ''})))", n)

    def s_return_statement(self, n):
        vals = _kids(n)
        vals = _kids(vals[0]) if vals and vals[0].type == "expression_list" else vals
        fn = self.fn
        gofn = fn.gofn()
        rs = gofn.results
        if not vals:
            code = self.result_tuple() if rs else None
        elif len(vals) == 1 and len(rs) > 1:
            code, _ = self.multi(vals[0], len(rs))
        else:
            parts = []
            for v, (rv, rt) in zip(vals, rs):
                c, t = self.expr(v, want=rt)
                c = self.copy_if_value(v, c, t)
                if v.type == "nil" and rt is not None and self.under(rt) and \
                        self.under(rt)[0] == "chan":
                    c = "nilchan"
                parts.append(c)
            code = parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
        self.emit_return(code, n)

    def emit_return(self, code, n):
        fn = self.fn
        gofn = fn.gofn()
        if fn.kind == "body":
            self.emit(f"return ('r', {code})", n)
            return
        if gofn.defers:
            if gofn.named and code is not None:
                rs = [self.ref(v, write=True) for v, _ in gofn.results]
                self.emit(f"{', '.join(rs)} = {code}", n)
                self.emit("_Grundefers(_Gd)")
                self.emit(f"return {self.result_tuple()}")
            elif code is not None:
                tmp = self.newtmp("r")
                self.emit(f"{tmp} = {code}", n)
                self.emit("_Grundefers(_Gd)")
                self.emit(f"return {tmp}")
            else:
                self.emit("_Grundefers(_Gd)", n)
                self.emit("return")
            return
        if code is None:
            self.emit("return", n)
        else:
            self.emit(f"return {code}", n)

    def s_if_statement(self, n):
        self.push()
        init = n.child_by_field_name("initializer")
        if init is not None:
            self.stmt(init)
        cond, _ = self.expr(n.child_by_field_name("condition"))
        self.emit(f"if {cond}:", n)
        self.ind += 1
        self.block(n.child_by_field_name("consequence"))
        self.emit("pass")
        self.ind -= 1
        alt = n.child_by_field_name("alternative")
        if alt is not None:
            self.emit("else:", alt)
            self.ind += 1
            if alt.type == "if_statement":
                self.s_if_statement(alt)
            else:
                self.block(alt)
                self.emit("pass")
            self.ind -= 1
        self.pop()

    # -- loops, break, continue

    def s_labeled_statement(self, n):
        label = _text(n.child_by_field_name("label"))
        kids = [c for c in _kids(n) if c.type != "label_name"]
        if not kids:
            return
        s = kids[0]
        if s.type in ("for_statement", "expression_switch_statement", "type_switch_statement",
                      "select_statement"):
            self.pending_label = label
            self.stmt(s)
            return
        self.unsupported(n, "a label on a statement other than for, switch or select (goto)")

    def take_label(self):
        label = getattr(self, "pending_label", None)
        self.pending_label = None
        return label

    def s_for_statement(self, n):
        label = self.take_label()
        body = n.child_by_field_name("body")
        kids = _kids(n)
        clause = kids[0] if kids and kids[0].type in ("for_clause", "range_clause") else None
        cond_node = None
        if clause is None and kids and kids[0] != body:
            cond_node = kids[0]
        self.push()
        init_ph = self.placeholder()
        entry = {"kind": "for", "label": label, "pyloop": True, "post": [], "after": [],
                 "init": init_ph, "flags": {}}
        if clause is not None and clause.type == "range_clause":
            self.range_loop(clause, body, entry, n)
        else:
            post_node = None
            fast = None
            if clause is not None:
                init = clause.child_by_field_name("initializer")
                cond_node = clause.child_by_field_name("condition")
                post_node = clause.child_by_field_name("update")
                fast = self.range_fastpath(init, cond_node, post_node, body)
                if fast is None and init is not None:
                    self.stmt(init)
            if fast is not None:
                name, lo, hi = fast
                v = self.declare(name, INT)
                self.emit(f"for {v.py} in range({lo}, {hi}):", n)
            else:
                cond = self.expr(cond_node)[0] if cond_node is not None else "True"
                if post_node is not None:
                    entry["post"] = self.capture(lambda: self.stmt(post_node))
                self.emit(f"while {cond}:", n)
            self.ind += 1
            self.loop_body(body, entry)
            if entry["post"]:
                for ind, text, line in entry["post"]:
                    self.out.append([self.ind + ind, text, line])
            self.ind -= 1
        self.after_loop(entry)
        self.pop()

    def capture(self, fn):
        """Translate into a separate list of lines (indent relative 0)."""
        saved_out, saved_ind = self.out, self.ind
        self.out, self.ind = [], 0
        try:
            fn()
            return self.out
        finally:
            self.out, self.ind = saved_out, saved_ind

    def after_loop(self, entry):
        for text in entry["after"]:
            self.emit(text)
        inits = [f"{f} = False" for f in entry["flags"].values()]
        if inits:
            entry["init"][1] = "; ".join(inits)

    def range_fastpath(self, init, cond, post, body):
        """for i := a; i < b; i++ with a loop-invariant b, i not assigned in
        the body nor captured by a closure: Python's range."""
        if init is None or cond is None or post is None:
            return None
        if init.type != "short_var_declaration" or post.type != "inc_statement":
            return None
        left = _kids(init.child_by_field_name("left"))
        right = _kids(init.child_by_field_name("right"))
        if len(left) != 1 or len(right) != 1:
            return None
        name = _text(left[0])
        if _text(_kids(post)[0]) != name:
            return None
        if cond.type != "binary_expression":
            return None
        op = _text(cond.child_by_field_name("operator"))
        cl, cr = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if op not in ("<", "<=") or cl.type != "identifier" or _text(cl) != name:
            return None
        if self.assigns(body, name) or self.captured(body, name):
            return None
        if cr.type == "identifier":
            if self.assigns(body, _text(cr)):
                return None
        elif cr.type not in ("int_literal",):
            if cr.type == "call_expression" and _text(cr.child_by_field_name("function")) == "len":
                arg = _kids(cr.child_by_field_name("arguments"))
                if len(arg) != 1 or arg[0].type != "identifier" or \
                        self.assigns(body, _text(arg[0])) or self.mutates(body, _text(arg[0])):
                    return None
            else:
                return None
        lt = self.expr_type(right[0])
        if self.intinfo(lt) not in ("untyped", (64, True)):
            return None
        lo = self.expr(right[0])[0]
        hi = self.expr(cr)[0]
        if op == "<=":
            hi = f"{hi} + 1"
        return name, lo, hi

    def assigns(self, node, name: str) -> bool:
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type in ("assignment_statement", "inc_statement", "dec_statement",
                          "short_var_declaration"):
                left = n.child_by_field_name("left") or n.named_children[0]
                for t in (left.named_children if left.type == "expression_list" else [left]):
                    if t.type == "identifier" and _text(t) == name:
                        return True
            if n.type == "unary_expression" and _text(n.child_by_field_name("operator")) == "&":
                op = n.child_by_field_name("operand")
                if op.type == "identifier" and _text(op) == name:
                    return True
            if n.type == "range_clause":
                left = n.child_by_field_name("left")
                if left is not None and any(_text(t) == name for t in left.named_children):
                    return True
            stack.extend(n.named_children)
        return False

    def captured(self, node, name: str) -> bool:
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "func_literal":
                inner = [n]
                while inner:
                    m = inner.pop()
                    if m.type == "identifier" and _text(m) == name:
                        return True
                    inner.extend(m.named_children)
                continue
            stack.extend(n.named_children)
        return False

    def body_needs_scope(self, body) -> bool:
        """A variable declared in the loop body and captured by a closure:
        each iteration has its own, so the body becomes a function."""
        declared = set()
        stack = [body]
        lits = []
        while stack:
            n = stack.pop()
            if n.type == "func_literal":
                lits.append(n)
                continue
            if n.type in ("short_var_declaration", "range_clause", "receive_statement"):
                left = n.child_by_field_name("left")
                if left is not None and (n.type == "short_var_declaration" or
                                         any(c.type == ":=" for c in n.children)):
                    declared.update(_text(t) for t in left.named_children
                                    if t.type == "identifier")
            if n.type == "var_spec":
                declared.update(_text(t) for t in n.children_by_field_name("name"))
            if n.type == "type_switch_statement":
                a = n.child_by_field_name("alias")
                if a is not None:
                    declared.update(_text(t) for t in a.named_children)
            stack.extend(n.named_children)
        if not declared or not lits:
            return False
        for lit in lits:
            st = [lit]
            while st:
                m = st.pop()
                if m.type == "identifier" and _text(m) in declared:
                    return True
                st.extend(m.named_children)
        return False

    def loop_body(self, body, entry):
        if self.body_needs_scope(body):
            name = self.newtmp("body")
            saved = self.fn
            fn = Fn(self.fn, "body")
            fn.goname = name
            self.emit(f"def {name}():", body)
            self.ind += 1
            decl_at = len(self.out)
            self.fn = fn
            self.fn.brk = [{"kind": "bodyfn", "label": entry["label"], "pyloop": False,
                            "post": [], "after": [], "flags": {}, "init": None}]
            self.block(body)
            self.emit("pass")
            self.fn = saved
            decls = []
            if fn.nonlocal_:
                decls.append("nonlocal " + ", ".join(sorted(fn.nonlocal_)))
                for nm in fn.nonlocal_:
                    if nm not in saved.used:
                        saved.nonlocal_.add(nm)
            if fn.global_:
                decls.append("global " + ", ".join(sorted(fn.global_)))
            for d in decls:
                self.out.insert(decl_at, [self.ind, d, self.line])
            self.ind -= 1
            r = self.newtmp("r")
            self.emit(f"{r} = {name}()")
            self.emit(f"if {r} is not None:")
            self.ind += 1
            self.emit(f"if {r} == 'b': break")
            if self.fn.kind == "body":
                self.emit(f"return {r}")
            else:
                self.emit_return(f"{r}[1]", None)
            self.ind -= 1
            return
        self.fn.brk.append(entry)
        try:
            self.block(body)
            self.emit("pass")
        finally:
            self.fn.brk.pop()

    def range_loop(self, clause, body, entry, n):
        left = clause.child_by_field_name("left")
        right = clause.child_by_field_name("right")
        declare = any(c.type == ":=" for c in clause.children)
        names = [c for c in left.named_children] if left is not None else []
        x, xt = self.expr(right)
        u = self.under(xt)
        kind = u[0] if u else None
        if kind == "basic" and self.is_string(xt):
            kind = "string"
        if kind == "ptr" and self.under(u[1]) and self.under(u[1])[0] == "array":
            u = self.under(u[1])
            kind = "array"
        ktype = vtype = None
        if kind in ("slice", "array"):
            ktype, vtype = INT, u[-1]
        elif kind == "map":
            ktype, vtype = u[1], u[2]
        elif kind == "string":
            ktype, vtype = INT, ("basic", "int32")
        elif kind == "chan":
            ktype = u[1]

        def target(i, t):
            if i >= len(names):
                return None
            nm = names[i]
            if declare:
                if _text(nm) == "_":
                    return "_"
                v = self.declare(_text(nm), t, node=nm)
                if v.boxed:
                    self.refuse(nm, "taking the address of a range variable is not supported")
                return v.py
            return self.lvalue(nm)
        nvars = len(names)
        if kind == "chan":
            if nvars > 1:
                self.refuse(clause, "range over a channel permits only one iteration variable")
            fix = self.recv_fix(u[1]) if u[1] == TIME else None
            t0 = target(0, ktype) or "_"
            head = f"for {t0} in {x}:"
            self.emit(head, n)
            if fix and t0 != "_":
                self.ind += 1
                self.emit(f"{t0} = {fix.format(t0)}")
                self.ind -= 1
        elif kind in ("slice", "array"):
            copy = vtype is not None and self.is_value_aggregate(vtype) and nvars > 1 and \
                self.mutates(body, _text(names[1]))
            if nvars <= 1:
                t0 = target(0, ktype) or "_"
                self.emit(f"for {t0} in range(len({x})):", n)
            elif _text(names[0]) == "_":
                t1 = target(1, vtype)
                self.emit(f"for {t1} in {x}:" if not copy else
                          f"for {t1} in map(_Gcopy, {x}):", n)
            else:
                t0, t1 = target(0, ktype), target(1, vtype)
                src = x if not copy else f"map(_Gcopy, {x})"
                self.emit(f"for {t0}, {t1} in enumerate({src}):", n)
        elif kind == "map":
            if nvars <= 1:
                t0 = target(0, ktype) or "_"
                self.emit(f"for {t0} in list({x}):", n)
            else:
                t0, t1 = target(0, ktype), target(1, vtype)
                self.emit(f"for {t0}, {t1} in list({x}.items()):", n)
        elif kind == "string":
            if nvars <= 1:
                t0 = target(0, ktype) or "_"
                self.emit(f"for {t0}, _ in _Grange_str({x}):", n)
            else:
                t0, t1 = target(0, ktype), target(1, vtype)
                self.emit(f"for {t0}, {t1} in _Grange_str({x}):", n)
        elif kind == "basic" and self.intinfo(xt):
            self.unsupported(clause, "range over an integer (Go 1.22)")
        elif kind == "func":
            self.unsupported(clause, "range over a function (Go 1.23)")
        else:
            if nvars <= 1:
                t0 = target(0, None) or "_"
                self.emit(f"for {t0} in _Grange1({x}):", n)
            else:
                t0, t1 = target(0, None), target(1, None)
                self.emit(f"for {t0}, {t1} in _Grange2({x}):", n)
        self.ind += 1
        self.loop_body(body, entry)
        self.ind -= 1

    def s_break_statement(self, n):
        lab = _kids(n)
        self.jump("break", _text(lab[0]) if lab else None, n)

    def s_continue_statement(self, n):
        lab = _kids(n)
        self.jump("continue", _text(lab[0]) if lab else None, n)

    def jump(self, kind, label, n):
        stack = self.fn.brk
        idx = None
        for i in range(len(stack) - 1, -1, -1):
            e = stack[i]
            if label is not None:
                if e["label"] == label:
                    idx = i
                    break
            elif kind == "break" and e["kind"] != "bodyfn" or e["kind"] == "for":
                idx = i
                break
            elif e["kind"] == "bodyfn":
                idx = i
                break
        if idx is None:
            if label is not None:
                self.refuse(n, f"invalid {kind} label {label}")
            self.refuse(n, f"{kind} is not in a loop, switch, or select")
        target = stack[idx]
        if kind == "continue" and target["kind"] not in ("for", "bodyfn"):
            self.refuse(n, f"invalid continue label {label}")
        crossed = [e for e in stack[idx + 1:] if e["pyloop"]]
        if target["kind"] == "bodyfn":
            if crossed:
                flag = self.newtmp("j")
                self.fn.brk[0]["flags"][flag] = flag
                self.emit(f"{flag} = True", n)
                self.emit("break")
                for j, e in enumerate(crossed):
                    if j == 0:
                        out = "'b'" if kind == "break" else "None"
                        e["after"].append(f"if {flag}: return {out}")
                    else:
                        e["after"].append(f"if {flag}: break")
                # initialise the flag at the start of the body function
                self.out.insert(self.body_start_index(), [self.ind, f"{flag} = False", self.line])
                return
            self.emit("return 'b'" if kind == "break" else "return None", n)
            return
        if not crossed:
            if kind == "break":
                self.emit("break", n)
            else:
                for ind, text, line in target["post"]:
                    self.out.append([self.ind + ind, text, line])
                self.emit("continue", n)
            return
        key = kind
        flag = target["flags"].get(key)
        if flag is None:
            flag = target["flags"][key] = self.newtmp("b" if kind == "break" else "c")
        self.emit(f"{flag} = True", n)
        self.emit("break")
        # after each crossed Python loop, pass the jump on outwards
        for j, e in enumerate(reversed(crossed)):
            outermost = j == 0
            if not outermost:
                line = f"if {flag}: break"
            elif kind == "break":
                line = f"if {flag}: break" if target["pyloop"] else None
            else:
                post = "; ".join(t for _, t, _ in target["post"] if "\n" not in t)
                line = f"if {flag}: {flag} = False; {post + '; ' if post else ''}continue"
            if line and line not in e["after"]:
                e["after"].append(line)
        if kind == "break" and not target["pyloop"]:
            self.refuse(n, "internal: break out of an unwrapped switch")

    def body_start_index(self) -> int:
        # the line after the innermost body function's def (its first statement)
        for i in range(len(self.out) - 1, -1, -1):
            if self.out[i][1].startswith(f"def {self.fn.goname}("):
                return i + 1
        return len(self.out)

    def targets_me(self, node, label) -> bool:
        """Is there a break inside this switch/select's cases that ends it?"""
        stack = list(node.named_children)
        while stack:
            n = stack.pop()
            if n.type == "break_statement":
                lab = _kids(n)
                if not lab or (label is not None and _text(lab[0]) == label):
                    return True
                continue
            if n.type in ("for_statement", "expression_switch_statement",
                          "type_switch_statement", "select_statement"):
                # only labeled breaks inside can reach us
                if label is not None:
                    st = [n]
                    while st:
                        m = st.pop()
                        if m.type == "break_statement":
                            lab = _kids(m)
                            if lab and _text(lab[0]) == label:
                                return True
                        if m.type != "func_literal":
                            st.extend(m.named_children)
                continue
            if n.type == "func_literal":
                continue
            stack.extend(n.named_children)
        return False

    def breakable(self, node, kind, body_fn):
        """Run body_fn inside a switch/select, as a loop when a break ends it."""
        label = self.take_label()
        wrap = self.targets_me(node, label)
        init_ph = self.placeholder()
        entry = {"kind": kind, "label": label, "pyloop": wrap, "post": [], "after": [],
                 "init": init_ph, "flags": {}}
        if wrap:
            self.emit("while True:", node)
            self.ind += 1
        self.fn.brk.append(entry)
        try:
            body_fn()
        finally:
            self.fn.brk.pop()
        if wrap:
            self.emit("break")
            self.ind -= 1
        self.after_loop(entry)

    # -- switch

    def s_expression_switch_statement(self, n):
        self.push()
        init = n.child_by_field_name("initializer")
        if init is not None:
            self.stmt(init)
        value = n.child_by_field_name("value")
        tag = tagt = None
        if value is not None:
            tag, tagt = self.expr(value)
            tmp = self.newtmp("s")
            self.emit(f"{tmp} = {tag}", n)
            tag = tmp
        cases = [c for c in _kids(n) if c.type in ("expression_case", "default_case")]

        def conds(c):
            if c.type == "default_case":
                return None
            vals = _kids(c.child_by_field_name("value"))
            parts = []
            for v in vals:
                code, _ = self.expr(v, want=tagt)
                parts.append(f"{tag} == {code}" if tag is not None else f"({code})")
            return " or ".join(parts)
        self.breakable(n, "switch", lambda: self.switch_body(n, cases, conds))
        self.pop()

    def case_stmts(self, c):
        out = []
        for i, x in enumerate(c.children):
            if not x.is_named or x.type == "comment":
                continue
            if c.field_name_for_child(i) in ("communication", "value", "type"):
                continue
            out.append(x)
        return out

    def switch_body(self, n, cases, conds, bind=None):
        fall = any(self.ends_fallthrough(c) for c in cases)
        if not cases:
            self.emit("pass")
            return
        if not fall:
            first = True
            default = None
            for c in cases:
                if c.type == "default_case":
                    default = c
                    continue
                cond = conds(c)
                self.emit(f"{'if' if first else 'elif'} {cond}:", c)
                first = False
                self.case_body(c, bind)
            if default is not None:
                if first:
                    self.emit("if True:", default)
                else:
                    self.emit("else:", default)
                self.case_body(default, bind)
            return
        # with fallthrough: pick the case index, then run bodies in order
        idx = self.newtmp("k")
        first = True
        dflt = None
        for i, c in enumerate(cases):
            if c.type == "default_case":
                dflt = i
                continue
            self.emit(f"{'if' if first else 'elif'} {conds(c)}:", c)
            first = False
            self.ind += 1
            self.emit(f"{idx} = {i}")
            self.ind -= 1
        if first:
            self.emit(f"{idx} = {dflt if dflt is not None else -1}")
        else:
            self.emit("else:")
            self.ind += 1
            self.emit(f"{idx} = {dflt if dflt is not None else -1}")
            self.ind -= 1
        for i, c in enumerate(cases):
            self.emit(f"if {idx} == {i}:", c)
            self.ind += 1
            self.push()
            if bind:
                bind(c)
            body = self.case_stmts(c)
            if body and self.ends_fallthrough(c):
                self.stmts_without_fallthrough(body)
                self.emit(f"{idx} = {i + 1}")
            else:
                self.stmts(body)
            self.emit("pass")
            self.pop()
            self.ind -= 1

    def ends_fallthrough(self, c) -> bool:
        body = self.case_stmts(c)
        flat = []
        for b in body:
            flat.extend(_kids(b) if b.type == "statement_list" else [b])
        return bool(flat) and flat[-1].type == "fallthrough_statement"

    def stmts_without_fallthrough(self, body):
        flat = []
        for b in body:
            flat.extend(_kids(b) if b.type == "statement_list" else [b])
        self.stmts(flat[:-1])

    def s_fallthrough_statement(self, n):
        self.refuse(n, "fallthrough statement out of place")

    def case_body(self, c, bind=None):
        self.ind += 1
        self.push()
        if bind:
            bind(c)
        self.stmts(self.case_stmts(c))
        self.emit("pass")
        self.pop()
        self.ind -= 1

    def s_type_switch_statement(self, n):
        self.push()
        init = n.child_by_field_name("initializer")
        if init is not None:
            self.stmt(init)
        alias = n.child_by_field_name("alias")
        value = n.child_by_field_name("value")
        x, xt = self.expr(value)
        tmp = self.newtmp("s")
        self.emit(f"{tmp} = {x}", n)
        aname = _text(_kids(alias)[0]) if alias is not None else None
        cases = [c for c in _kids(n) if c.type in ("type_case", "default_case")]

        def conds(c):
            types = [t for t in c.children_by_field_name("type") if t.is_named]
            parts = [self.type_check(t, tmp) for t in types]
            return " or ".join(parts)

        def bind(c):
            if aname is None:
                return
            t = None
            if c.type == "type_case":
                types = [t for t in c.children_by_field_name("type") if t.is_named]
                if len(types) == 1 and types[0].type != "nil" and _text(types[0]) != "nil":
                    t = self.type_of_node(types[0])
            v = self.declare(aname, t)
            self.emit(f"{v.py} = {tmp}")
        self.breakable(n, "switch", lambda: self.switch_body(n, cases, conds, bind))
        self.pop()

    def type_check(self, tnode, x) -> str:
        """A Python test that x (an interface value) holds the type tnode."""
        if tnode.type == "nil" or (tnode.type == "type_identifier" and _text(tnode) == "nil"):
            return f"{x} is None"
        t = self.type_of_node(tnode)
        return self.check_for(t, x)

    def check_for(self, t, x) -> str:
        if t == ERROR:
            return f"hasattr({x}, 'Error')"
        if t[0] == "basic":
            b = t[1]
            if b in INT_BITS:
                return f"_Gisint({x})"
            if b in FLOATS:
                return f"type({x}) is float"
            if b == "string":
                return f"type({x}) is str"
            if b == "bool":
                return f"type({x}) is bool"
        if t[0] == "named":
            u = self.under(t)
            if u and u[0] == "struct":
                return f"type({x}) is {self.typy(t[1])}"
            if u and u[0] == "iface":
                ms = ", ".join(repr(m) for m in u[1])
                return f"({x} is not None and _Ghas({ms})({x}))"
            if self.has_methods(t):
                return f"isinstance({x}, {self.typy(t[1])})"
            return self.check_for(u, x) if u else "False"
        if t[0] == "ptr":
            inner = t[1]
            if inner[0] == "named" and inner[1] in self.structs:
                return f"type({x}) is {self.typy(inner[1])}"
            return f"isinstance({x}, _GBox)"
        if t[0] == "iface":
            ms = ", ".join(repr(m) for m in t[1])
            return f"({x} is not None and _Ghas({ms})({x}))"
        if t[0] == "slice" or t[0] == "array":
            return f"type({x}) is list"
        if t[0] == "map":
            return f"type({x}) is dict"
        if t[0] == "chan":
            return f"isinstance({x}, Chan)"
        if t[0] == "func":
            return f"callable({x})"
        if t[0] == "pkg":
            if t[1] == "time.Duration":
                return f"type({x}) is _GDuration"
            if t[1] == "time.Time":
                return f"type({x}) is _GTime"
            if t[1] == "runtime.Error":     # the runtime's own panics
                return f"isinstance({x}, _GRuntimeErr)"
        self.unsupported(None, f"a type switch on {t}")

    # -- select

    def s_select_statement(self, n):
        cases = [c for c in _kids(n) if c.type in ("communication_case", "default_case")]
        parts = []
        binds = []
        for c in cases:
            if c.type == "default_case":
                parts.append("default")
                binds.append(None)
                continue
            comm = c.child_by_field_name("communication")
            if comm.type == "send_statement":
                ch, ct = self.expr(comm.child_by_field_name("channel"))
                v, vt = self.expr(comm.child_by_field_name("value"),
                                  want=ct[1] if ct and ct[0] == "chan" else None)
                v = self.copy_if_value(comm.child_by_field_name("value"), v, vt)
                parts.append(f"({ch}.send, {v})")
                binds.append(None)
                continue
            if comm.type == "receive_statement":
                right = comm.child_by_field_name("right")
                left = comm.child_by_field_name("left")
                declare = any(x.type == ":=" for x in comm.children)
            elif comm.type == "expression_statement":
                right, left, declare = _kids(comm)[0], None, False
            else:
                self.unsupported(comm, "this select case")
            while right.type == "parenthesized_expression":
                right = _kids(right)[0]
            if right.type != "unary_expression" or _text(right.child_by_field_name("operator")) != "<-":
                self.refuse(comm, "select case must be receive, send or assign recv")
            ch, ct = self.expr(right.child_by_field_name("operand"))
            et = self.under(ct)[1] if ct and self.under(ct) and self.under(ct)[0] == "chan" else None
            lefts = _kids(left) if left is not None else []
            if len(lefts) == 2:
                parts.append(f"{ch}.recv_ok")
            else:
                parts.append(f"{ch}.recv")
            binds.append((lefts, declare, et))
        k, v = self.newtmp("k"), self.newtmp("v")
        self.emit(f"{k}, {v} = select({', '.join(parts)})", n)

        def body():
            first = True
            for i, (c, b) in enumerate(zip(cases, binds)):
                self.emit(f"{'if' if first else 'elif'} {k} == {i}:", c)
                first = False
                self.ind += 1
                self.push()
                if b is not None and b[0]:
                    lefts, declare, et = b
                    fix = self.recv_fix(et)
                    if len(lefts) == 2:
                        names = self.recv_targets(lefts, declare, [et, BOOL])
                        val = f"{v}[0]"
                        if fix:
                            val = fix.format(val)
                        self.emit(f"{names[0]}, {names[1]} = {val}, {v}[1]")
                    else:
                        names = self.recv_targets(lefts, declare, [et])
                        self.emit(f"{names[0]} = {fix.format(v) if fix else v}")
                    for py in self.recv_boxed:
                        self.emit(f"{py} = _GBox({py})")
                self.stmts(self.case_stmts(c))
                self.emit("pass")
                self.pop()
                self.ind -= 1
            if not cases:
                self.emit("pass")
        self.breakable(n, "select", body)

    def recv_targets(self, lefts, declare, types):
        """The targets of a select case's receive; self.recv_boxed lists
        the new variables whose address is taken (boxed once assigned)."""
        out = []
        self.recv_boxed = []
        for l, t in zip(lefts, types):
            if declare:
                if _text(l) == "_":
                    out.append("_")
                else:
                    v = self.declare(_text(l), t, node=l)
                    if v.boxed:
                        self.recv_boxed.append(v.py)
                    out.append(v.py)
            else:
                out.append(self.lvalue(l))
        return out

    def recv_fix(self, et):
        """Code (with {}) turning a received None (closed channel) into the
        element type's zero value, or None when the zero is nil anyway."""
        if et is None:
            return None
        if et == TIME:
            return "_Gastime({})"
        z = self.zero(et)
        if z == "None":
            return None
        return "({0} if {0} is not None else " + z.replace("{", "{{").replace("}", "}}") + ")"

    def s_goto_statement(self, n):
        self.unsupported(n, "goto")

    # ------------------------------------------------------------ expressions

    def expr_type(self, n):
        saved_out, saved_ind, saved_pre, saved_tmp = self.out, self.ind, self.prelude, self.tmp
        self.out = []
        try:
            return self.expr(n)[1]
        except _Refuse:
            return None
        finally:
            self.out, self.ind, self.prelude, self.tmp = saved_out, saved_ind, saved_pre, saved_tmp

    def multi(self, n, count):
        """An expression giving `count` values (a call, v, ok := m[k] ...)."""
        k = n.type
        if k == "index_expression":
            m, mt = self.expr(n.child_by_field_name("operand"))
            key, _ = self.expr(n.child_by_field_name("index"))
            u = self.under(mt)
            z = self.zero(u[2]) if u and u[0] == "map" else "None"
            return f"_Gmapok({m}, {key}, {z})", ("tuple", [u[2] if u else None, BOOL])
        if k == "type_assertion_expression":
            return self.type_assertion(n, ok=True)
        if k == "unary_expression" and _text(n.child_by_field_name("operator")) == "<-":
            c, ct = self.expr(n.child_by_field_name("operand"))
            u = self.under(ct)
            et = u[1] if u and u[0] == "chan" else None
            fix = self.recv_fix(et)
            if fix:
                tmp = self.newtmp("t")
                return (f"(lambda {tmp}: ({fix.format(tmp + '[0]')}, {tmp}[1]))({c}.recv_ok())",
                        ("tuple", [et, BOOL]))
            return f"{c}.recv_ok()", ("tuple", [et, BOOL])
        if k == "parenthesized_expression":
            return self.multi(_kids(n)[0], count)
        code, t = self.expr(n)
        return code, t

    def expr(self, n, want=None, stmt: bool = False):
        k = n.type
        h = getattr(self, "e_" + k, None)
        if h is None:
            self.unsupported(n, f"the expression {k.replace('_', ' ')}")
        if k in ("call_expression",):
            return h(n, want, stmt)
        if k in ("composite_literal", "nil", "func_literal", "literal_value"):
            return h(n, want)
        return h(n)

    def e_parenthesized_expression(self, n):
        c, t = self.expr(_kids(n)[0])
        return f"({c})", t

    def e_identifier(self, n):
        name = _text(n)
        v = self.lookup(name)
        if v is None:
            if name in ("true", "false"):
                return ("True" if name == "true" else "False"), ("basic", "untyped_bool")
            if name == "iota" and self.iota is not None:
                return str(self.iota), UINT
            if name == "_":
                self.refuse(n, "cannot use _ as value")
            if name in self.imports:
                self.refuse(n, f"use of package {name} without selector")
            self.refuse(n, f"undefined: {name}")
        if v.kind == "type":
            return v.py, ("typename", ("named", name))
        return self.ref(v), v.t

    def e_true(self, n):
        return "True", ("basic", "untyped_bool")

    def e_false(self, n):
        return "False", ("basic", "untyped_bool")

    def e_iota(self, n):
        if self.iota is None:
            self.refuse(n, "cannot use iota outside constant declaration")
        return str(self.iota), UINT

    def e_nil(self, n, want=None):
        u = self.under(want)
        if u is not None and u[0] == "chan":
            return "nilchan", want
        return "None", ("basic", "nil")

    def e_int_literal(self, n):
        t = _text(n).replace("_", "")
        if len(t) > 1 and t[0] == "0" and t[1].isdigit():
            t = "0o" + t[1:]
        return str(int(t, 0)), UINT

    def e_float_literal(self, n):
        t = _text(n).replace("_", "")
        try:
            v = float.fromhex(t) if t.lower().startswith("0x") else float(t)
        except ValueError:
            self.refuse(n, f"invalid float literal {t}")
        return repr(v), UFLOAT

    def e_imaginary_literal(self, n):
        self.unsupported(n, "complex numbers")

    def e_rune_literal(self, n):
        t = _text(n)[1:-1]
        if t.startswith("\\"):
            c = t[1]
            simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92,
                      "'": 39, '"': 34}
            if c in simple:
                v = simple[c]
            elif c in "xuU":
                v = int(t[2:], 16)
            else:
                v = int(t[1:], 8)
        else:
            v = ord(t)
        return str(v), URUNE

    def e_interpreted_string_literal(self, n):
        raw = _text(n)
        body = raw[1:-1]
        # Go's escapes are Python's, but \x and octal escapes are bytes
        if re.search(r"\\(x[0-9a-fA-F]{2}|[0-7]{3})", body):
            b = bytearray()
            i = 0
            while i < len(body):
                ch = body[i]
                if ch == "\\":
                    c = body[i + 1]
                    if c == "x":
                        b.append(int(body[i + 2:i + 4], 16))
                        i += 4
                        continue
                    if c in "01234567":
                        b.append(int(body[i + 1:i + 4], 8))
                        i += 4
                        continue
                    if c in "uU":
                        ln = 4 if c == "u" else 8
                        b.extend(chr(int(body[i + 2:i + 2 + ln], 16)).encode())
                        i += 2 + ln
                        continue
                    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
                              "\\": 92, "'": 39, '"': 34}
                    b.append(simple[c])
                    i += 2
                    continue
                b.extend(ch.encode())
                i += 1
            return repr(b.decode("utf-8", "replace")), USTRING
        try:
            val = eval(raw)          # a Python string literal with the same escapes
        except Exception:
            self.refuse(n, "invalid string literal")
        return repr(val), USTRING

    def e_raw_string_literal(self, n):
        return repr(_text(n)[1:-1].replace("\r", "")), USTRING

    def e_unary_expression(self, n):
        op = _text(n.child_by_field_name("operator"))
        operand = n.child_by_field_name("operand")
        if op == "&":
            return self.address_of(operand)
        if op == "<-":
            c, ct = self.expr(operand)
            u = self.under(ct)
            et = u[1] if u and u[0] == "chan" else None
            if et == TIME:
                return f"_Gastime({c}.recv())", et
            z = self.zero(et) if et is not None else "None"
            if z != "None":
                tmp = self.newtmp("t")
                return f"({tmp} if ({tmp} := {c}.recv()) is not None else {z})", et
            return f"{c}.recv()", et
        x, t = self.expr(operand)
        if op == "-":
            return self.wrap(f"-{x}", t) if not is_untyped(t) else f"(-{x})", t
        if op == "+":
            return x, t
        if op == "!":
            return f"(not {x})", t
        if op == "^":
            return self.wrap(f"~{x}", t), t
        if op == "*":
            pt = self.under(t) if t and t[0] == "named" else t
            if pt and pt[0] == "ptr" and self.is_pointee_object(pt[1]):
                return x, pt[1]
            if pt and pt[0] == "ptr":
                return f"{x}.v", pt[1]
            return f"{x}.v", None
        self.unsupported(n, f"the operator {op}")

    def address_of(self, operand):
        while operand.type == "parenthesized_expression":
            operand = _kids(operand)[0]
        if operand.type == "composite_literal":
            c, t = self.expr(operand)
            return c, ("ptr", t)
        if operand.type == "identifier":
            v = self.lookup(_text(operand))
            if v is None:
                self.refuse(operand, f"undefined: {_text(operand)}")
            if self.is_pointee_object(v.t):
                return self.ref(v), ("ptr", v.t)
            if not v.boxed:
                self.unsupported(operand, "taking this address")
            return v.py, ("ptr", v.t)
        if operand.type == "selector_expression":
            c, t = self.expr(operand)
            if self.is_structlike(t):
                return c, ("ptr", t)
            o, _ = self.expr(operand.child_by_field_name("operand"))
            base, _, last = c.rpartition(".")
            return f"_GFieldRef({base}, {last!r})", ("ptr", t)
        if operand.type == "index_expression":
            c, t = self.expr(operand)
            if self.is_structlike(t):
                return c, ("ptr", t)
            o, _ = self.expr(operand.child_by_field_name("operand"))
            i, _ = self.expr(operand.child_by_field_name("index"))
            return f"_GIndexRef({o}, {i})", ("ptr", t)
        self.unsupported(operand, "taking this address")

    def e_binary_expression(self, n):
        op = _text(n.child_by_field_name("operator"))
        ln, rn = n.child_by_field_name("left"), n.child_by_field_name("right")
        l, lt = self.expr(ln)
        r, rt = self.expr(rn, want=lt)
        if ln.type == "nil" and rt is not None:
            l, lt = self.expr(ln, want=rt)
        if op == "&&":
            return f"({l} and {r})", BOOL
        if op == "||":
            return f"({l} or {r})", BOOL
        if op in ("==", "!=", "<", "<=", ">", ">="):
            nil_l, nil_r = ln.type == "nil", rn.type == "nil"
            if nil_l or nil_r:
                other, ot = (r, rt) if nil_l else (l, lt)
                u = self.under(ot)
                if u is not None and u[0] in ("slice", "map"):
                    return (f"(not {other})" if op == "==" else f"bool({other})"), BOOL
                if u is not None and u[0] == "chan":
                    return (f"({other} is nilchan)" if op == "==" else
                            f"({other} is not nilchan)"), BOOL
                return (f"({other} is None)" if op == "==" else f"({other} is not None)"), BOOL
            return f"({l} {op} {r})", BOOL
        t = self.arith_type(lt, rt)
        code = self.binop(op, l, lt, r, rt, n)
        if self.has_methods(t) and self.named_kind(t[1]) != "proxy":
            code = f"{self.typy(t[1])}({code})"
        return code, t

    def arith_type(self, lt, rt):
        if lt is None:
            return rt if rt is not None and not is_untyped(rt) else lt
        if is_untyped(lt):
            if rt is not None and not is_untyped(rt):
                return rt
            if rt is not None and basic_name(rt) == "untyped_float":
                return rt
            return lt
        return lt

    def binop(self, op, l, lt, r, rt, node):
        t = self.arith_type(lt, rt)
        if op in ("<<", ">>"):
            t = lt
        if op == "+":
            if self.is_string(t):
                return f"({l} + {r})"
            return self.wrap(f"{l} + {r}", t) if self.intinfo(t) not in (None, "untyped", (64, True)) \
                else f"({l} + {r})"
        if op == "-":
            return self.wrap(f"{l} - {r}", t) if self.intinfo(t) not in (None, "untyped", (64, True)) \
                else f"({l} - {r})"
        if op == "*":
            if self.intinfo(t) == "untyped" or self.is_float(t) or t is None:
                return f"({l} * {r})"
            if t == DURATION:
                return f"({l} * {r})"
            return self.wrap(f"{l} * {r}", t)
        if op == "/":
            if self.is_float(t):
                return f"({l} / {r})"
            if self.intinfo(t) == "untyped" and is_untyped(lt) and is_untyped(rt):
                return f"_Gdiv({l}, {r})"
            return f"_Gdiv({l}, {r})"
        if op == "%":
            return f"_Gmod({l}, {r})"
        if op == "&":
            return f"({l} & {r})"
        if op == "|":
            return f"({l} | {r})"
        if op == "^":
            return self.wrap(f"{l} ^ {r}", t)
        if op == "&^":
            return f"({l} & ~{r})"
        if op == "<<":
            if self.intinfo(t) == "untyped" or t is None:
                return f"({l} << {r})"
            return self.wrap(f"{l} << {r}", t)
        if op == ">>":
            return f"({l} >> {r})"
        self.unsupported(node, f"the operator {op}")

    def e_selector_expression(self, n):
        operand = n.child_by_field_name("operand")
        field = _text(n.child_by_field_name("field"))
        if operand.type == "identifier" and self.lookup(_text(operand)) is None \
                and _text(operand) in self.imports:
            path = self.imports[_text(operand)]
            if field not in golib.PACKAGES[path]:
                self.unsupported(n, f"{path}.{field}")
            short = path.split("/")[-1]
            full = f"{short}.{field}"
            pkgvar = golib.PKGVAR[path]
            code = f"{pkgvar}.{field}"
            if full in PKG_CONSTS:
                return code, PKG_CONSTS[full]
            if full in PKG_FUNCS:
                return code, ("func", [], self.tuple_to_list(PKG_FUNCS[full]), False)
            if full == "os.Stdout" or full == "os.Stderr":
                return code, ("pkg", "os.File")
            if full in PKG_STRUCTS or full == "time.Duration":
                return code, ("typename", ("pkg", full))
            return code, None
        o, ot = self.expr(operand)
        if ot and ot[0] == "typename":
            self.unsupported(n, "a method expression")
        return self.select_field(o, ot, field, n)

    def tuple_to_list(self, t):
        if t is None:
            return [None]
        if t[0] == "tuple":
            return t[1]
        return [t]

    def select_field(self, o, ot, field, n):
        t = ot
        if t and t[0] == "named" and not self.has_methods(t):
            u = self.under(t)
            if u is not None and u[0] == "ptr":       # type PS *dch
                t = u
        if t and t[0] == "ptr":
            t = t[1]
        if t and t[0] == "pkg":
            ms = PKG_METHODS.get(t[1], {})
            if field in ms:
                return f"{o}.{field}", ("func", [], [ms[field]], False)
            fs = PKG_FIELDS.get(t[1], {})
            if field in fs:
                return f"{o}.{field}", fs[field]
            return f"{o}.{field}", None
        if self.has_methods(t) and field in self.methods[t[1]]:
            ft, _ = self.methods[t[1]][field]
            return f"{self.typy(t[1])}.{self.field_py(field)}.__get__({o})", ft
        if t and t[0] == "named":
            name = t[1]
            path = self.find_member(name, field)
            if path is not None:
                code = o
                for step in path[:-1]:
                    code += "." + self.field_py(step[0])
                last, lt = path[-1]
                owner = path[-2][1] if len(path) > 1 else None
                if owner and owner[0] == "named" and owner[1] not in self.structs and \
                        self.has_methods(owner) and last in self.methods[owner[1]]:
                    # a method promoted from an embedded type T int: static dispatch
                    return f"{self.typy(owner[1])}.{self.field_py(last)}.__get__({code})", lt
                return f"{code}.{self.field_py(last)}", lt
            u = self.under(t)
            if u and u[0] == "iface":
                return f"{o}.{self.field_py(field)}", None
            self.refuse(n, f"{o}.{field} undefined (type {name} has no field or method {field})")
        if t == ERROR and field == "Error":
            return f"{o}.Error", ("func", [], [STRING], False)
        return f"{o}.{self.field_py(field)}", None

    def find_member(self, name, field, depth=0):
        """[(step, type)...] to a field or method of struct type name,
        through embedded fields (the shallowest, as Go's selector rules)."""
        if depth > 5:
            return None
        fields = self.structs.get(name)
        if fields is None:
            ms = self.methods.get(name, {})     # an embedded type T int's methods
            if depth and field in ms:
                return [(field, ms[field][0])]
            return None
        for f, t, e in fields:
            if f == field:
                return [(f, t)]
        ms = self.methods.get(name, {})
        if field in ms:
            ft, _ = ms[field]
            return [(field, ft)]
        for f, t, e in fields:
            if not e:
                continue
            inner = t[1] if t[0] == "ptr" else t
            if inner[0] == "named":
                sub = self.find_member(inner[1], field, depth + 1)
                if sub is not None:
                    return [(f, t)] + sub
            if inner[0] == "pkg":
                ms2 = PKG_METHODS.get(inner[1], {})
                return [(f, t), (field, ("func", [], [ms2.get(field)], False))]
        return None

    def e_index_expression(self, n):
        o, ot = self.expr(n.child_by_field_name("operand"))
        idx = n.child_by_field_name("index")
        u = self.under(ot)
        if u and u[0] == "ptr":
            u = self.under(u[1])
        if u and u[0] == "map":
            k, _ = self.expr(idx, want=u[1])
            z = self.zero(u[2])
            return f"{o}.get({k}, {z})", u[2]
        i, _ = self.expr(idx)
        if u and self.is_string(u):
            return f"_Gsindex({o}, {i})", ("basic", "uint8")
        if u and u[0] in ("slice", "array"):
            return f"{o}[{i}]", u[-1]
        if u and u[0] == "func":
            self.unsupported(n, "generics")
        return f"{o}[{i}]", None

    def e_slice_expression(self, n):
        o, ot = self.expr(n.child_by_field_name("operand"))
        if n.child_by_field_name("capacity") is not None:
            self.unsupported(n, "a full slice expression (a[i:j:k])")
        s = n.child_by_field_name("start")
        e = n.child_by_field_name("end")
        sc = self.expr(s)[0] if s is not None else ""
        ec = self.expr(e)[0] if e is not None else ""
        u = self.under(ot)
        if u and u[0] == "ptr":
            u = self.under(u[1])
        if u and self.is_string(u):
            return f"_Gsslice({o}, {sc or 'None'}, {ec or 'None'})", STRING
        t = ("slice", u[-1]) if u and u[0] in ("slice", "array") else ot
        if not sc and not ec:
            return f"{o}[:]", t
        what = ", 'length'" if u and u[0] == "array" else ""
        return f"_Gslice({o}, {sc or 'None'}, {ec or 'None'}{what})", t

    def e_type_assertion_expression(self, n):
        return self.type_assertion(n, ok=False)

    def type_assertion(self, n, ok):
        x, _ = self.expr(n.child_by_field_name("operand"))
        tnode = n.child_by_field_name("type")
        t = self.type_of_node(tnode)
        tmp = self.newtmp("a")
        check = self.check_for(t, tmp)
        name = _text(tnode).replace("main.", "")
        if t[0] == "named":
            name = "main." + t[1]
        u = self.under(t) if t[0] == "named" else t
        ms = f", {tuple(u[1])!r}" if u and u[0] == "iface" and u[1] else ""
        code = f"_Gassert({x}, lambda {tmp}: {check}, {name!r}, {ok}{ms})"
        if ok:
            z = self.zero(t)
            if z != "None":
                code = f"(lambda {tmp}: ({tmp}[0] if {tmp}[1] else {z}, {tmp}[1]))({code})"
            return code, ("tuple", [t, BOOL])
        return code, t

    def e_func_literal(self, n, want=None):
        name = self.newtmp("f")
        self.fn.used.add(name)
        lines = self.capture_fn(lambda: self.function(n, name, literal=True))
        # the def goes right before the statement being translated
        for ind, text, line in lines:
            self.out.append([self.ind + ind, text, line])
        ft = self.functype(n.child_by_field_name("parameters"), n.child_by_field_name("result"))
        return name, ft

    def capture_fn(self, fn):
        saved_out, saved_ind = self.out, self.ind
        self.out, self.ind = [], 0
        try:
            fn()
            return self.out
        finally:
            self.out, self.ind = saved_out, saved_ind

    def e_composite_literal(self, n, want=None):
        tnode = n.child_by_field_name("type")
        t = self.type_of_node(tnode)
        return self.literal(t, n.child_by_field_name("body"), n), t

    def e_literal_value(self, n, want=None):
        if want is None:
            self.unsupported(n, "a composite literal without a type here")
        t = want
        if t[0] == "ptr":
            return self.literal(t[1], n, n), t
        return self.literal(t, n, n), t

    def literal(self, t, body, node):
        u = self.under(t)
        elems = [c for c in _kids(body) if c.type in ("literal_element", "keyed_element")]
        if t is not None and t[0] == "pkg" and t[1] in PKG_ZERO and not elems:
            return PKG_ZERO[t[1]]
        if u is None:
            self.unsupported(node, "a composite literal of this type")
        if u[0] == "struct":
            if t[0] == "struct":
                if elems:
                    self.unsupported(node, "an anonymous struct literal")
                return "_GEMPTY"
            name = t[1]
            fields = self.structs[name]
            py = self.typy(name)
            if not elems:
                return f"{py}()"
            if elems[0].type == "keyed_element":
                args = []
                for e in elems:
                    kn, vn = [c for c in _kids(e)]
                    key = _text(kn)
                    ft = next((ft for f, ft, _ in fields if f == key), None)
                    if ft is None and all(f != key for f, _, _ in fields):
                        self.refuse(kn, f"unknown field {key} in struct literal of type {name}")
                    v = self.elem(vn, ft)
                    args.append(f"{self.field_py(key)}={v}")
                return f"{py}({', '.join(args)})"
            args = [self.elem(e, ft) for e, (f, ft, _) in zip(elems, fields)]
            return f"{py}({', '.join(args)})"
        if u[0] in ("slice", "array"):
            et = u[-1]
            vals = []
            keyed = False
            for e in elems:
                if e.type == "keyed_element":
                    keyed = True
                    break
                vals.append(self.elem(e, et))
            if keyed:
                pairs = []
                nxt = 0
                for e in elems:
                    if e.type == "keyed_element":
                        kn, vn = _kids(e)
                        kc, _ = self.expr(_kids(kn)[0] if kn.type == "literal_element" else kn)
                        try:
                            nxt = int(eval(kc, {"__builtins__": {}}, self.const_values))
                        except Exception:
                            self.unsupported(kn, "a non-constant index in a literal")
                        pairs.append((nxt, self.elem(vn, et)))
                    else:
                        pairs.append((nxt, self.elem(e, et)))
                    nxt += 1
                size = max(p[0] for p in pairs) + 1 if pairs else 0
                if u[0] == "array" and u[1] is not None:
                    size = u[1]
                z = self.zero(et)
                code = f"[{z} for _ in range({size})]"
                tmp = self.newtmp("l")
                sets = "".join(f"{tmp}.__setitem__({i}, {v}) or " for i, v in pairs)
                return f"(lambda {tmp}: ({sets}{tmp}))({code})"
            if u[0] == "array" and u[1] is not None and len(vals) < u[1]:
                z = self.zero(et)
                pad = u[1] - len(vals)
                return f"[{', '.join(vals)}{', ' if vals else ''}*[{z} for _ in range({pad})]]"
            return f"[{', '.join(vals)}]"
        if u[0] == "map":
            items = []
            for e in elems:
                if e.type != "keyed_element":
                    self.refuse(e, "missing key in map literal")
                kn, vn = _kids(e)
                k = self.elem(kn, u[1])
                v = self.elem(vn, u[2])
                items.append(f"{k}: {v}")
            return "{" + ", ".join(items) + "}"
        self.unsupported(node, "a composite literal of this type")

    def elem(self, e, t):
        if e.type == "literal_element":
            inner = _kids(e)[0]
        else:
            inner = e
        if inner.type == "literal_value":
            code, _ = self.expr(inner, want=t)
            return code
        code, vt = self.expr(inner, want=t)
        if inner.type == "nil" and t is not None and self.under(t) and self.under(t)[0] == "chan":
            return "nilchan"
        return self.copy_if_value(inner, code, vt)

    def copy_if_value(self, node, code, t):
        """Struct and array values are copied when assigned, passed or stored."""
        if t is None or not self.is_value_aggregate(t):
            return code
        while node.type == "parenthesized_expression":
            node = _kids(node)[0]
        if node.type in ("composite_literal", "call_expression", "literal_value",
                         "type_conversion_expression"):
            return code
        if self.under(t)[0] == "array":
            return f"_Gcopy({code})"
        return f"{code}._Gcp()"

    def e_type_conversion_expression(self, n):
        t = self.type_of_node(n.child_by_field_name("type"))
        x, xt = self.expr(n.child_by_field_name("operand"))
        return self.convert(t, x, xt), t

    def convert(self, t, x, xt):
        u = self.under(t)
        if xt == ("basic", "nil"):
            return self.zero(t)               # []int(nil), (chan int)(nil)
        if t == DURATION:
            return f"_GDuration({x})"
        if self.has_methods(t):
            inner = self.convert(u, x, xt) if u is not None and u[0] == "basic" else x
            return f"{self.typy(t[1])}({inner})"
        if u is None:
            return x
        if u[0] == "basic":
            b = u[1]
            if b in INT_BITS:
                if self.is_float(xt):
                    return self.wrap(f"int({x})", t)
                if self.intinfo(xt) == INT_BITS.get(b) or (xt and is_untyped(xt)):
                    return f"int({x})" if xt == DURATION else x
                return self.wrap(x, t) if xt is not None else self.wrap(f"int({x})", t)
            if b in FLOATS:
                return f"float({x})"
            if b == "string":
                if self.is_string(xt):
                    return x
                return f"_Gstring({x})"
            return x
        if u[0] == "slice":
            eb = basic_name(self.under(u[1]))
            if eb == "uint8" and (self.is_string(xt) or xt is None):
                return f"_Gbytes({x})"
            if eb == "int32" and (self.is_string(xt) or xt is None):
                return f"_Grunes({x})"
            return x
        if u[0] == "struct" and t[0] == "named":
            return f"_Gcopy({x})"
        return x

    def e_call_expression(self, n, want=None, stmt=False):
        fnode = n.child_by_field_name("function")
        if n.child_by_field_name("type_arguments") is not None:
            self.unsupported(n, "generics")
        if fnode.type == "identifier":
            name = _text(fnode)
            v = self.lookup(name)
            if v is None and name in BUILTIN_FUNCS:
                return self.builtin(name, n, want)
            if v is None and name in BASIC or name in ("byte", "rune"):
                if v is None:
                    t = self.type_of_node_name(name, fnode)
                    args = _kids(n.child_by_field_name("arguments"))
                    x, xt = self.expr(args[0])
                    return self.convert(t, x, xt), t
            if v is not None and v.kind == "type":
                args = _kids(n.child_by_field_name("arguments"))
                x, xt = self.expr(args[0])
                t = ("named", name)
                return self.convert(t, x, xt), t
        if fnode.type in ("parenthesized_expression",):
            inner = _kids(fnode)[0]
            if inner.type in ("pointer_type", "unary_expression") and \
                    self.looks_like_type(inner):
                args = _kids(n.child_by_field_name("arguments"))
                x, xt = self.expr(args[0])
                return x, None
        if fnode.type in ("slice_type", "array_type", "map_type", "channel_type", "function_type",
                          "pointer_type", "qualified_type", "interface_type"):
            t = self.type_of_node(fnode)
            args = _kids(n.child_by_field_name("arguments"))
            x, xt = self.expr(args[0])
            return self.convert(t, x, xt), t
        f, ft = self.expr(fnode)
        if ft and ft[0] == "typename":
            args = _kids(n.child_by_field_name("arguments"))
            x, xt = self.expr(args[0])
            return self.convert(ft[1], x, xt), ft[1]
        args = self.call_args(n, ft)
        rtype = None
        if ft and ft[0] == "func":
            rs = ft[2]
            rtype = rs[0] if len(rs) == 1 else (("tuple", rs) if rs else None)
        code = f"{f}({args})"
        if f.startswith("_Gfmt.Print") and stmt:
            pass
        return code, rtype

    def looks_like_type(self, n) -> bool:
        if n.type == "pointer_type":
            return True
        op = n.child_by_field_name("operand")
        return op is not None and op.type == "identifier" and self.lookup_type(_text(op))

    def type_of_node_name(self, name, node):
        if name == "byte":
            return ("basic", "uint8")
        if name == "rune":
            return ("basic", "int32")
        return ("basic", name)

    def call_args(self, n, ft) -> str:
        argsn = n.child_by_field_name("arguments")
        args = _kids(argsn)
        ptypes = ft[1] if ft and ft[0] == "func" else []
        variadic = ft[3] if ft and ft[0] == "func" else False
        out = []
        for i, a in enumerate(args):
            if a.type == "variadic_argument":
                c, _ = self.expr(_kids(a)[0])
                out.append(f"*{c}")
                continue
            want = None
            if i < len(ptypes):
                want = ptypes[i]
                if variadic and i >= len(ptypes) - 1:
                    want = ptypes[-1][1] if ptypes[-1] and ptypes[-1][0] == "slice" else None
            elif variadic and ptypes:
                want = ptypes[-1][1] if ptypes[-1] and ptypes[-1][0] == "slice" else None
            c, t = self.expr(a, want=want)
            if t == UFLOAT and want is not None and self.intinfo(want) not in (None, "untyped"):
                c = f"int({c})"           # an untyped constant such as 1e3, as an int
            if len(args) == 1 and t and t[0] == "tuple":
                out.append(f"*{c}")
                continue
            if a.type == "nil" and want is not None and self.under(want) and \
                    self.under(want)[0] == "chan":
                c = "nilchan"
            c = self.copy_if_value(a, c, t)
            if t and t[0] == "ptr" and self.is_structlike(t[1]) and ft and ft[0] == "func" \
                    and not ptypes and self.fmt_like(n):
                c = f"_GPtr({c})"
            out.append(c)
        return ", ".join(out)

    def fmt_like(self, n) -> bool:
        f = n.child_by_field_name("function")
        return f.type == "selector_expression" and _text(f.child_by_field_name("operand")) == "fmt"

    # -- builtins

    def builtin(self, name, n, want):
        return self.builtin_call(name, n), self.builtin_type(name, n)

    def builtin_type(self, name, n):
        args = _kids(n.child_by_field_name("arguments"))
        if name in ("len", "cap", "copy"):
            return INT
        if name == "append":
            return self.expr_type(args[0]) if args else None
        if name == "make":
            return self.type_of_node(args[0])
        if name == "new":
            return ("ptr", self.type_of_node(args[0]))
        if name == "recover":
            return ("iface", [])
        return None

    def builtin_call(self, name, n, pre_args=None):
        args = _kids(n.child_by_field_name("arguments"))

        def arg(i):
            if pre_args is not None:
                return pre_args[i], self.expr_type(args[i])
            return self.expr(args[i])
        if name == "len":
            x, t = arg(0)
            u = self.under(t)
            if u and self.is_string(u):
                return f"_Gslen({x})"
            return f"len({x})"
        if name == "cap":
            x, t = arg(0)
            u = self.under(t)
            if u and u[0] == "chan":
                return f"{x}.cap"
            if u and u[0] in ("slice", "array"):
                return f"len({x})"
            return f"(lambda v: v.cap if isinstance(v, Chan) else len(v))({x})"
        if name == "close":
            x, _ = arg(0)
            return f"{x}.close()"
        if name == "panic":
            x, t = arg(0)
            return f"_Gpanic({x})"
        if name == "recover":
            return "_Grecover()"
        if name == "print":
            return f"_Gprint({', '.join(arg(i)[0] for i in range(len(args)))})"
        if name == "println":
            return f"_Gprintln({', '.join(arg(i)[0] for i in range(len(args)))})"
        if name == "delete":
            m, _ = arg(0)
            k, _ = arg(1)
            return f"{m}.pop({k}, None)"
        if name == "copy":
            d, _ = arg(0)
            s, _ = arg(1)
            return f"_Gcopyslice({d}, {s})"
        if name == "new":
            t = self.type_of_node(args[0])
            if self.is_pointee_object(t):
                return self.zero(t)
            return f"_GBox({self.zero(t)})"
        if name == "make":
            t = self.type_of_node(args[0])
            u = self.under(t)
            if u[0] == "chan":
                size = self.expr(args[1])[0] if len(args) > 1 else ""
                return f"chan({size})"
            if u[0] == "map":
                return "{}"
            if u[0] == "slice":
                size = self.expr(args[1])[0] if len(args) > 1 else "0"
                z = self.zero(u[1])
                if self.is_value_aggregate(u[1]) or z.endswith(")") or z in ("[]", "{}"):
                    return f"[{z} for _ in range({size})]"
                return f"[{z}] * ({size})"
            self.unsupported(n, f"make of {u[0]}")
        if name == "append":
            s, st = arg(0)
            rest = args[1:]
            et = self.under(st)[1] if st and self.under(st) and self.under(st)[0] == "slice" else None
            parts = []
            spread = None
            for a in rest:
                if a.type == "variadic_argument":
                    spread, spt = self.expr(_kids(a)[0])
                    if self.is_string(spt):
                        spread = f"_Gbytes({spread})"
                    continue
                c, t = self.expr(a, want=et)
                if a.type == "nil" and et and self.under(et) and self.under(et)[0] == "chan":
                    c = "nilchan"
                parts.append(self.copy_if_value(a, c, t))
            if spread is not None:
                return f"({s} + list({spread}))"
            return f"({s} + [{', '.join(parts)}])"
        self.unsupported(n, f"the builtin {name}")


def parse_and_translate(src: bytes, filename: str) -> tuple[str, list]:
    """Go source -> (Python source, Python line -> Go line)."""
    parser = _parser()
    tree = parser.parse(src)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        line, col = bad.start_point[0] + 1, bad.start_point[1] + 1
        if bad.is_missing:
            msg = f"syntax error: missing {bad.type}"
        else:
            tok = src[bad.start_byte:bad.end_byte].decode(errors="replace").split("\n")[0][:20]
            msg = f"syntax error: unexpected {tok or 'newline'}"
        raise GoError(filename, line, col, msg)
    tr = Translator(src, filename)
    tr.method_nodes = {}
    for c in root.named_children:
        if c.type == "method_declaration":
            recv = _kids(c.child_by_field_name("receiver"))
            if not recv:
                continue
            rt = recv[0].child_by_field_name("type")
            base = _kids(rt)[0] if rt.type == "pointer_type" else rt
            tr.method_nodes.setdefault(_text(base), []).append(c)
    try:
        py = tr.translate(root)
    except _Refuse as r:
        node = r.node if r.node is not None else root
        line, col = node.start_point[0] + 1, node.start_point[1] + 1
        raise GoError(filename, line, col, r.msg) from None
    except RecursionError:
        raise GoError(filename, tr.line, 1, "this program nests too deeply to translate") from None
    except Exception as e:        # a gap in the translator: still Go's one-line form
        raise GoError(filename, tr.line, 1, f"this construct is not supported (the front end "
                      f"failed on it: {type(e).__name__}: {e})") from None
    return py, tr.linemap


def _first_error(n):
    stack = [n]
    while stack:
        m = stack.pop(0)
        if m.is_error or m.is_missing:
            # the deepest first error
            for c in m.children:
                if c.is_missing:
                    return c
            return m
        if m.has_error:
            stack = list(m.children) + stack
            continue
    return n


_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_go
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    return _PARSER
