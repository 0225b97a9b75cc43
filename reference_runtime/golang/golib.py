"""The Go library layer: what translated Go code calls besides the runtime.

Go's ``fmt`` (src/fmt/print.go, format.go), ``time`` (Duration.String in
src/time/time.go), ``sync`` (RWMutex after src/sync/rwmutex.go, on the
runtime's semaphores), ``sync/atomic``, ``errors``, ``strings``,
``strconv``, ``math``, ``math/rand``, ``os`` and ``runtime``, written for the
value representation of the translator (translate.py):

* integers are Python ints (wrapped to their Go width by the translated
  code), floats are floats, strings are str, bool is bool, nil is None;
* a struct is an instance of a generated class (``_Gfields`` names its
  fields, ``_Gcp()`` copies it), a pointer to a struct is the object itself;
  a pointer to anything else is a ``Box`` (or a FieldRef / IndexRef);
* slices and arrays are lists, maps are dicts, channels are the runtime's.

``environment(rt)`` builds the globals a translated program runs in, bound
to a runtime module (``reference_runtime`` or the learner's ``gokernel``).
"""
from __future__ import annotations

import math as _math
import sys
import time as _time

import greenlet

from ..errors import FatalError, Goexit, Panic, RunTimeout
from ..sync import Sema

_NOPE = (greenlet.GreenletExit, SystemExit, KeyboardInterrupt, FatalError, RunTimeout)


# ------------------------------------------------------------ panics, defer

class GoPanic(Panic):
    """panic(v) in Go code: ``value`` is the Go value."""

    def __str__(self) -> str:
        return panic_text(self.value)


class RuntimeErr:
    """A runtime.Error value (what recover returns for a runtime panic)."""

    __slots__ = ("msg",)
    _Gname = "runtime.Error"

    def __init__(self, msg: str) -> None:
        self.msg = msg

    def Error(self) -> str:
        return self.msg

    def RuntimeError(self) -> None:
        pass


def go_error_text(e: BaseException) -> str:
    """The Go text of a panic raised as a Python exception."""
    if isinstance(e, GoPanic):
        return panic_text(e.value)
    if isinstance(e, Panic):
        return str(e)
    if isinstance(e, ZeroDivisionError):
        return "runtime error: integer divide by zero"
    if isinstance(e, IndexError):
        return "runtime error: index out of range"
    if isinstance(e, (AttributeError, TypeError)) and "NoneType" in str(e):
        return "runtime error: invalid memory address or nil pointer dereference"
    if isinstance(e, RecursionError):
        return "runtime error: stack overflow"
    return f"runtime error: {type(e).__name__}: {e}"


def panic_value(e: BaseException):
    """What recover() returns for exception e."""
    if isinstance(e, GoPanic):
        return e.value
    return RuntimeErr(go_error_text(e))


def to_go_panic(e: BaseException) -> BaseException:
    """A Python error from translated code, as the Go panic it stands for."""
    if isinstance(e, Panic) or isinstance(e, _NOPE) or isinstance(e, Goexit) \
            or not isinstance(e, Exception):
        return e
    p = Panic(go_error_text(e))
    p.__traceback__ = e.__traceback__
    for attr in ("_go_goid",):
        if hasattr(e, attr):
            setattr(p, attr, getattr(e, attr))
    return p


def panic_text(v) -> str:
    """Go's printpanicval: an error's Error(), a Stringer's String(), else
    the value as print would show it."""
    if v is None:
        return "nil"
    if hasattr(v, "Error"):
        return v.Error()
    if hasattr(v, "String"):
        return v.String()
    if isinstance(v, str):
        return v
    if isinstance(v, Box):
        return f"({type_name(v)}) {addr(v)}"
    s = fmt_v(v)
    if hasattr(v, "_Gfields"):
        return f"{v._Gname}{fmt_sharp(v)[len(v._Gname):]}"
    return s


_panics: dict = {}      # greenlet -> stack of [value, recovered, goexit]


def rundefers(d: list) -> None:
    """Run the deferred calls of a returning function, last first."""
    while d:
        f, a = d.pop()
        f(*a)


def panicking(d: list, e: BaseException) -> None:
    """A function with deferred calls is unwinding with e (a panic, or
    runtime.Goexit): run them, last first, with e visible to recover().
    Returns if one recovered (the function then returns normally);
    otherwise re-raises.  Exits, fatal errors and the unwinding of
    abandoned goroutines run no deferred calls, as in Go."""
    if isinstance(e, _NOPE) or not d:
        raise e
    goexit = isinstance(e, Goexit)
    rec = [None if goexit else panic_value(e), False, goexit]
    g = greenlet.getcurrent()
    stack = _panics.setdefault(g, [])
    stack.append(rec)
    try:
        while d:
            f, a = d.pop()
            try:
                f(*a)
            except BaseException as e2:
                if isinstance(e2, _NOPE):
                    raise
                e = e2
                rec[:] = [None if isinstance(e2, Goexit) else panic_value(e2), False,
                          isinstance(e2, Goexit)]
                continue
            if rec[1]:
                stack.remove(rec)
                rundefers(d)
                return
    finally:
        if rec in stack:
            stack.remove(rec)
        if not stack:
            _panics.pop(g, None)
    raise e


def recover():
    """Go's recover: the value of the panic being handled, once; nil when
    not panicking (or during runtime.Goexit)."""
    st = _panics.get(greenlet.getcurrent())
    if not st:
        return None
    rec = st[-1]
    if rec[1] or rec[2]:
        return None
    rec[1] = True
    return rec[0]


def gopanic(v):
    """panic(v)."""
    if v is None:
        raise GoPanic(RuntimeErr("panic called with nil argument (use runtime.PanicNilError)")) \
            if False else GoPanic(None)
    raise GoPanic(v)


# ------------------------------------------------------------- pointers

class Box:
    """A variable whose address is taken (``&x`` of a non-struct)."""

    __slots__ = ("v",)

    def __init__(self, v=None) -> None:
        self.v = v


class FieldRef:
    """``&s.f``: a pointer to a field."""

    __slots__ = ("o", "f")

    def __init__(self, o, f: str) -> None:
        self.o, self.f = o, f

    @property
    def v(self):
        return getattr(self.o, self.f)

    @v.setter
    def v(self, x) -> None:
        setattr(self.o, self.f, x)


class IndexRef:
    """``&a[i]``: a pointer to an element."""

    __slots__ = ("o", "i")

    def __init__(self, o, i) -> None:
        self.o, self.i = o, i

    @property
    def v(self):
        return self.o[self.i]

    @v.setter
    def v(self, x) -> None:
        self.o[self.i] = x


class Ptr:
    """Marks a pointer to a struct for fmt (``&{...}``)."""

    __slots__ = ("p",)

    def __init__(self, p) -> None:
        self.p = p


class GoProxy:
    """The value of a named channel, slice, map or function type that has
    methods (``type XChan chan int``): it stands for the value ``_Gv`` and
    passes every other attribute and operation on to it, so that
    ``c.send`` is the channel's own bound method (select needs that)."""

    __slots__ = ("_Gv",)

    def __init__(self, v=None) -> None:
        while isinstance(v, GoProxy):
            v = v._Gv
        object.__setattr__(self, "_Gv", v)

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, "_Gv"), name)

    def __len__(self) -> int:
        return len(self._Gv)

    def __iter__(self):
        return iter(self._Gv)

    def __getitem__(self, i):
        return self._Gv[i]

    def __setitem__(self, i, v) -> None:
        self._Gv[i] = v

    def __call__(self, *a):
        return self._Gv(*a)

    def __eq__(self, o) -> bool:
        return self._Gv == (o._Gv if isinstance(o, GoProxy) else o)

    def __hash__(self) -> int:
        return hash(id(self._Gv))

    def __add__(self, o):
        return self._Gv + o

    def __bool__(self) -> bool:
        return bool(self._Gv)


class Empty:
    """The value of struct{} (``struct{}{}``)."""

    __slots__ = ()
    _Gfields = ()
    _Gname = "struct {}"

    def _Gcp(self):
        return self

    def __eq__(self, o) -> bool:
        return isinstance(o, Empty)

    def __hash__(self) -> int:
        return 0


EMPTY = Empty()


def copyval(x):
    """A copy of a struct or array value (Go's assignment of a value)."""
    if type(x) is list:
        return [copyval(e) for e in x]
    cp = getattr(x, "_Gcp", None)
    return cp() if cp is not None else x


# --------------------------------------------------------------- integers

def idiv(a, b):
    """Go's / on integers (truncates toward zero), or on floats."""
    if type(a) is float or type(b) is float:
        return a / b
    if b == 0:
        raise ZeroDivisionError
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    if isinstance(a, Duration) or isinstance(b, Duration):
        return Duration(q)
    return q


def imod(a, b):
    """Go's % (the sign of the dividend)."""
    if a >= 0 and b > 0:
        return a % b
    if type(a) is float or type(b) is float:
        return _math.fmod(a, b)
    if b == 0:
        raise ZeroDivisionError
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def slen(s: str) -> int:
    """len of a Go string: its UTF-8 bytes."""
    return len(s) if s.isascii() else len(s.encode())


def sindex(s: str, i: int) -> int:
    """s[i] of a Go string: a byte."""
    if s.isascii():
        if i < 0:
            raise IndexError
        return ord(s[i])
    return s.encode()[i]


def sslice(s: str, lo, hi) -> str:
    if s.isascii():
        return s[lo:hi]
    return s.encode()[lo:hi].decode("utf-8", "replace")


def slice_(s, lo, hi, what: str = "capacity"):
    """s[lo:hi] on a slice or array, with Go's bounds check
    (runtime.panicSliceAcap, panicSliceB): the capacity is the length."""
    n = 0 if s is None else len(s)
    lo = 0 if lo is None else lo
    hi = n if hi is None else hi
    if not 0 <= hi <= n:
        raise Panic(f"runtime error: slice bounds out of range [:{hi}] with {what} {n}")
    if not 0 <= lo <= hi:
        raise Panic(f"runtime error: slice bounds out of range [{lo}:{hi}]")
    return s if s is None else s[lo:hi]


def range_str(s: str):
    """for i, r := range s: byte offsets and runes."""
    i = 0
    for ch in s:
        yield i, ord(ch)
        i += len(ch.encode()) if ord(ch) > 127 else 1


def range2(x):
    """for k, v := range x on a value of unknown type."""
    if isinstance(x, dict):
        return list(x.items())
    if isinstance(x, str):
        return range_str(x)
    return enumerate(x)


def range1(x):
    """for k := range x on a value of unknown type."""
    if isinstance(x, dict):
        return list(x)
    if isinstance(x, str):
        return [i for i, _ in range_str(x)]
    if isinstance(x, list):
        return range(len(x))
    return x          # a channel


def to_string(x) -> str:
    """string(x)."""
    if isinstance(x, str):
        return x
    if isinstance(x, int):
        try:
            return chr(x)
        except (ValueError, OverflowError):
            return "\ufffd"
    if isinstance(x, list):
        if x and all(isinstance(e, int) and 0 <= e < 256 for e in x) and not _is_runes(x):
            return bytes(x).decode("utf-8", "replace")
        return "".join(chr(e) for e in x)
    return str(x)


def _is_runes(x) -> bool:
    return getattr(x, "_runes", False)


def to_bytes(s) -> list:
    return list(s.encode()) if isinstance(s, str) else list(s)


def to_runes(s) -> list:
    return [ord(c) for c in s] if isinstance(s, str) else list(s)


def append(s, *xs):
    if s is None:
        s = []
    return s + list(xs)


def gocopy(dst: list, src) -> int:
    if isinstance(src, str):
        src = list(src.encode())
    n = min(len(dst), len(src))
    dst[:n] = src[:n]
    return n


def mapok(m, k, zero):
    if m is not None and k in m:
        return m[k], True
    return zero, False


def assert_type(x, check, name: str, ok: bool, methods: tuple | None = None):
    """x.(T): check(x) says whether x holds a T; methods are T's when T
    is an interface type (Go's runtime.assertE2I message names the first
    one missing)."""
    if x is not None and check(x):
        return (x, True) if ok else x
    if ok:
        return None, False
    if methods is not None:
        if x is None:
            raise Panic(f"interface conversion: interface is nil, not {name}")
        missing = next((m for m in sorted(methods) if not hasattr(x, m)), "")
        raise Panic(f"interface conversion: {type_name(x)} is not {name}: "
                    f"missing method {missing}")
    have = "nil" if x is None else type_name(x)
    raise Panic(f"interface conversion: interface {{}} is {have}, not {name}")


def is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def has_methods(*names):
    return lambda x: all(hasattr(x, n) for n in names)


# --------------------------------------------------------------------- fmt

def addr(x) -> str:
    return f"0xc{id(x) & 0xffffffffff:010x}"


def fmt_float(f: float, verb: str = "g", prec: int = -1) -> str:
    """strconv.FormatFloat(f, verb, prec, 64); prec -1 is the shortest."""
    if f != f:
        return "NaN"
    if f in (_math.inf, -_math.inf):
        return "+Inf" if f > 0 else "-Inf"
    if verb in "gG" and prec < 0:
        r = repr(float(f))
        neg = r.startswith("-")
        if neg:
            r = r[1:]
        if "e" in r:
            mant, exp = r.split("e")
            exp = int(exp)
        else:
            mant, exp = r, 0
        if "." in mant:
            ip, fp = mant.split(".")
        else:
            ip, fp = mant, ""
        digits = (ip + fp).lstrip("0")
        point = len(ip) + exp           # position of the decimal point in ip+fp
        lead = len(ip + fp) - len((ip + fp).lstrip("0"))
        point -= lead
        digits = digits.rstrip("0") or "0"
        if digits == "0":
            return "-0" if neg else "0"
        x = point - 1                   # the decimal exponent
        if x < -4 or x >= 6:         # strconv %g, shortest: eprec 6
            m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
            s = f"{m}e{'-' if x < 0 else '+'}{abs(x):02d}"
        elif point <= 0:
            s = "0." + "0" * (-point) + digits
        elif point >= len(digits):
            s = digits + "0" * (point - len(digits))
        else:
            s = digits[:point] + "." + digits[point:]
        return ("-" if neg else "") + s
    if verb in "gG":
        s = f"%.{prec or 1}{verb}" % f
        return s
    if prec < 0:
        prec = 6
    return f"%.{prec}{verb}" % f


def type_name(x) -> str:
    """%T."""
    if x is None:
        return "<nil>"
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, Duration):
        return "time.Duration"
    if isinstance(x, int):
        return "int"
    if isinstance(x, float):
        return "float64"
    if isinstance(x, str):
        return "string"
    if isinstance(x, Ptr):
        return "*" + type_name(x.p)
    if isinstance(x, list):
        return "[]" + (type_name(x[0]) if x else "interface {}")
    if isinstance(x, dict):
        if x:
            k, v = next(iter(x.items()))
            return f"map[{type_name(k)}]{type_name(v)}"
        return "map[string]interface {}"
    n = getattr(x, "_Gname", None)
    if n:
        return n
    if isinstance(x, Box):
        return "*" + type_name(x.v)
    if callable(x):
        return "func()"
    return type(x).__name__


def quote(s: str) -> str:
    """strconv.Quote."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20 or c == 0x7f:
            out.append(f"\\x{c:02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def fmt_v(x, plus: bool = False, top: bool = True) -> str:
    """%v (and %+v with plus)."""
    if x is None:
        return "<nil>"
    t = type(x)
    if t is str:
        return x
    if t is bool:
        return "true" if x else "false"
    if t is int:
        return str(x)
    if t is float:
        return fmt_float(x)
    m = getattr(x, "Error", None)
    if m is not None and callable(m):
        return m()
    m = getattr(x, "String", None)
    if m is not None and callable(m):
        return m()
    if t is list:
        return "[" + " ".join(fmt_v(e, plus, False) for e in x) + "]"
    if t is dict:
        items = sorted(x.items(), key=lambda kv: _sortkey(kv[0]))
        return "map[" + " ".join(f"{fmt_v(k, plus, False)}:{fmt_v(v, plus, False)}"
                                 for k, v in items) + "]"
    if t is Ptr:
        if x.p is None:
            return "<nil>"
        if top:
            return "&" + fmt_v(x.p, plus, False)
        return addr(x.p)
    fields = getattr(x, "_Gfields", None)
    if fields is not None:
        if plus:
            return "{" + " ".join(f"{f}:{fmt_v(getattr(x, f), plus, False)}" for f in fields) + "}"
        return "{" + " ".join(fmt_v(getattr(x, f), plus, False) for f in fields) + "}"
    if isinstance(x, int):
        return str(int(x))
    return addr(x)


def fmt_sharp(x) -> str:
    """%#v, for the common cases."""
    if isinstance(x, str):
        return quote(x)
    if x is None:
        return "<nil>"
    if isinstance(x, list):
        return f"{type_name(x)}{{" + ", ".join(fmt_sharp(e) for e in x) + "}"
    if isinstance(x, dict):
        items = sorted(x.items(), key=lambda kv: _sortkey(kv[0]))
        return f"{type_name(x)}{{" + ", ".join(f"{fmt_sharp(k)}:{fmt_sharp(v)}"
                                               for k, v in items) + "}"
    fields = getattr(x, "_Gfields", None)
    if fields is not None:
        return f"{x._Gname}{{" + ", ".join(f"{f}:{fmt_sharp(getattr(x, f))}" for f in fields) + "}"
    if isinstance(x, Ptr):
        return "&" + fmt_sharp(x.p)
    return fmt_v(x)


def _sortkey(k):
    if isinstance(k, (int, float)):
        return (0, k, "")
    return (1, 0, str(k))


def _pad(s: str, width, minus: bool, zero: bool) -> str:
    if width is None or len(s) >= width:
        return s
    if minus:
        return s + " " * (width - len(s))
    if zero:
        sign = ""
        if s[:1] in "+-":
            sign, s = s[0], s[1:]
        return sign + "0" * (width - len(s) - len(sign)) + s
    return " " * (width - len(s)) + s


def _fmt_int(x, verb: str, plus: bool, space: bool, sharp: bool, prec) -> str:
    x = int(x)
    neg = x < 0
    a = -x if neg else x
    if verb == "d":
        s = str(a)
    elif verb == "x":
        s = format(a, "x")
        if sharp:
            s = "0x" + s
    elif verb == "X":
        s = format(a, "X")
        if sharp:
            s = "0X" + s
    elif verb == "o":
        s = format(a, "o")
        if sharp:
            s = "0" + s
    elif verb == "O":
        s = "0o" + format(a, "o")
    elif verb == "b":
        s = format(a, "b")
    elif verb == "c":
        return chr(x)
    elif verb == "q":
        return "'" + chr(x) + "'"
    elif verb == "U":
        return f"U+{x:04X}"
    else:
        s = str(a)
    if prec is not None and len(s) < prec:
        s = "0" * (prec - len(s)) + s
    if neg:
        s = "-" + s
    elif plus:
        s = "+" + s
    elif space:
        s = " " + s
    return s


def _bad(verb: str, x) -> str:
    return f"%!{verb}({type_name(x)}={fmt_v(x)})"


def _format_one(verb: str, x, flags: str, width, prec) -> str:
    plus, minus, sharp, zero, space = ("+" in flags, "-" in flags, "#" in flags,
                                       "0" in flags, " " in flags)
    if isinstance(x, Ptr) and verb not in "vp":
        x = x.p
    if verb == "v":
        if sharp:
            s = fmt_sharp(x)
        elif isinstance(x, float):
            s = fmt_float(x, "g", -1 if prec is None else prec)
            if plus and x >= 0:
                s = "+" + s
        elif plus and isinstance(x, int) and not isinstance(x, bool) and type(x) is int:
            s = ("+" if x >= 0 else "") + str(x)
        else:
            s = fmt_v(x, plus)
        return _pad(s, width, minus, zero and not isinstance(x, str))
    if verb == "T":
        return _pad(type_name(x), width, minus, False)
    if verb == "t":
        if isinstance(x, bool):
            return _pad("true" if x else "false", width, minus, False)
        return _bad(verb, x)
    if verb in "dboOxXcqU" and isinstance(x, int) and not isinstance(x, bool):
        return _pad(_fmt_int(x, verb, plus, space, sharp, prec), width, minus, zero and prec is None)
    if verb in "dboxX" and isinstance(x, list):
        return "[" + " ".join(_format_one(verb, e, flags, width, prec) for e in x) + "]"
    if verb in "eEfFgG" and isinstance(x, (int, float)) and not isinstance(x, bool):
        if isinstance(x, int) and type(x) is int:
            return _bad(verb, x)
        f = float(x)
        if verb in "gG":
            s = fmt_float(f, verb, -1 if prec is None else prec)
        else:
            s = fmt_float(f, verb.lower() if verb == "F" else verb, 6 if prec is None else prec)
        if plus and f >= 0:
            s = "+" + s
        elif space and f >= 0:
            s = " " + s
        return _pad(s, width, minus, zero)
    if verb in "sqxX":
        if isinstance(x, str) or hasattr(x, "Error") or hasattr(x, "String"):
            s = x if isinstance(x, str) else fmt_v(x)
            if verb == "s":
                if prec is not None:
                    s = s[:prec]
            elif verb == "q":
                s = quote(s)
            elif verb == "x":
                s = s.encode().hex()
            else:
                s = s.encode().hex().upper()
            return _pad(s, width, minus, False)
        if verb == "s" and isinstance(x, (list, dict)) or (verb == "s" and hasattr(x, "_Gfields")):
            return _pad(fmt_v(x), width, minus, False)
        return _bad(verb, x)
    if verb == "p":
        return addr(x.p if isinstance(x, Ptr) else x)
    return _bad(verb, x)


def sprintf(format: str, *args) -> str:
    """fmt.Sprintf."""
    out = []
    i, n = 0, len(format)
    argi = 0
    while i < n:
        j = format.find("%", i)
        if j < 0:
            out.append(format[i:])
            break
        out.append(format[i:j])
        i = j + 1
        if i >= n:
            out.append("%!(NOVERB)")
            break
        flags = ""
        while i < n and format[i] in "+-# 0":
            flags += format[i]
            i += 1
        width = prec = None
        if i < n and format[i] == "*":
            width = int(args[argi]) if argi < len(args) else 0
            argi += 1
            i += 1
        else:
            k = i
            while i < n and format[i].isdigit():
                i += 1
            if i > k:
                width = int(format[k:i])
        if i < n and format[i] == ".":
            i += 1
            if i < n and format[i] == "*":
                prec = int(args[argi]) if argi < len(args) else 0
                argi += 1
                i += 1
            else:
                k = i
                while i < n and format[i].isdigit():
                    i += 1
                prec = int(format[k:i]) if i > k else 0
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = format[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(_format_one(verb, args[argi], flags, width, prec))
        argi += 1
    if argi < len(args):
        extra = ", ".join(f"{type_name(a)}={fmt_v(a)}" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def sprint(*args) -> str:
    """fmt.Sprint: spaces between operands when neither is a string."""
    out = []
    prev_str = True
    for i, a in enumerate(args):
        is_str = isinstance(a, str)
        if i > 0 and not is_str and not prev_str:
            out.append(" ")
        out.append(fmt_v(a))
        prev_str = is_str
    return "".join(out)


def sprintln(*args) -> str:
    return " ".join(fmt_v(a) for a in args) + "\n"


class _Writer:
    """os.Stdout / os.Stderr."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, s: str) -> None:
        getattr(sys, self.name).write(s)

    def WriteString(self, s: str):
        self.write(s)
        return slen(s), None

    def Sync(self):
        getattr(sys, self.name).flush()
        return None


class GoError:
    """errors.New's value, and fmt.Errorf's (with %w, it wraps)."""

    __slots__ = ("msg", "wrapped")
    _Gname = "*errors.errorString"

    def __init__(self, msg: str, wrapped=None) -> None:
        self.msg, self.wrapped = msg, wrapped

    def Error(self) -> str:
        return self.msg

    def Unwrap(self):
        return self.wrapped


class _Fmt:
    """package fmt."""

    @staticmethod
    def Println(*args):
        s = sprintln(*args)
        sys.stdout.write(s)
        return slen(s), None

    @staticmethod
    def Print(*args):
        s = sprint(*args)
        sys.stdout.write(s)
        return slen(s), None

    @staticmethod
    def Printf(format, *args):
        s = sprintf(format, *args)
        sys.stdout.write(s)
        return slen(s), None

    Sprintf = staticmethod(sprintf)
    Sprint = staticmethod(sprint)
    Sprintln = staticmethod(sprintln)

    @staticmethod
    def Errorf(format, *args):
        wrapped = None
        if "%w" in format:
            for a in args:
                if hasattr(a, "Error"):
                    wrapped = a
                    break
            format = format.replace("%w", "%v")
        return GoError(sprintf(format, *args), wrapped)

    @staticmethod
    def Fprintln(w, *args):
        s = sprintln(*args)
        w.write(s)
        return slen(s), None

    @staticmethod
    def Fprintf(w, format, *args):
        s = sprintf(format, *args)
        w.write(s)
        return slen(s), None

    @staticmethod
    def Fprint(w, *args):
        s = sprint(*args)
        w.write(s)
        return slen(s), None


def goprint(*args) -> None:
    """The builtin print: to stderr, no spaces."""
    sys.stderr.write("".join(_print1(a) for a in args))


def goprintln(*args) -> None:
    sys.stderr.write(" ".join(_print1(a) for a in args) + "\n")


def _print1(a) -> str:
    """The builtin print's format (src/runtime/print.go)."""
    if isinstance(a, bool):
        return "true" if a else "false"
    if isinstance(a, float):
        m, e = f"{a:+.6e}".split("e")           # Go: +1.500000e+000
        return f"{m}e{e[0]}{int(e[1:]):03d}"
    if a is None:
        return "0x0"
    if isinstance(a, (int, str)):
        return str(int(a)) if isinstance(a, int) else a
    if isinstance(a, list):
        return f"[{len(a)}/{len(a)}]" + (addr(a) if a else "0x0")
    if getattr(a, "_Gnil", False) or type(a).__name__ == "NilChan":
        return "0x0"
    if isinstance(a, dict) and not a:
        return "0x0"
    return addr(a)


# ------------------------------------------------------------------ errors

class _Errors:
    @staticmethod
    def New(text: str):
        return GoError(text)

    @staticmethod
    def Unwrap(err):
        u = getattr(err, "Unwrap", None)
        return u() if u else None

    @staticmethod
    def Is(err, target) -> bool:
        while err is not None:
            if err is target or (type(err) is type(target) and not isinstance(err, GoError)
                                 and err == target):
                return True
            u = getattr(err, "Unwrap", None)
            err = u() if u else None
        return False

    @staticmethod
    def As(err, target) -> bool:
        """errors.As: target is a pointer (a Box) to an interface or pointer
        variable, or a struct variable (a struct's pointer is the struct)."""
        boxed = isinstance(target, (Box, FieldRef, IndexRef))
        want = type(target.v) if boxed and target.v is not None else (None if boxed else type(target))
        while err is not None:
            if want is None or isinstance(err, want):
                if boxed:
                    target.v = err
                else:
                    for f in getattr(target, "_Gfields", ()):
                        setattr(target, f, getattr(err, f))
                return True
            u = getattr(err, "Unwrap", None)
            err = u() if u else None
        return False


# ------------------------------------------------------------------- time

_UNITS = ((3600_000_000_000, "h"), (60_000_000_000, "m"))


class Duration(int):
    """time.Duration: nanoseconds, printed as Go prints them."""

    __slots__ = ()
    _Gname = "time.Duration"

    def String(self) -> str:
        return duration_string(int(self))

    __str__ = String

    def Seconds(self) -> float:
        return int(self) / 1e9

    def Milliseconds(self) -> int:
        return int(self) // 1_000_000

    def Microseconds(self) -> int:
        return int(self) // 1000

    def Nanoseconds(self) -> int:
        return int(self)

    def Minutes(self) -> float:
        return int(self) / 6e10

    def Hours(self) -> float:
        return int(self) / 3.6e12

    def Round(self, m) -> "Duration":
        if m <= 0:
            return self
        r = int(self) % m
        v = int(self) - r
        if r + r >= m:
            v += m
        return Duration(v)

    def Truncate(self, m) -> "Duration":
        return self if m <= 0 else Duration(int(self) - int(self) % m)

    def _op(f):
        def op(self, o):
            r = f(int(self), o)
            return Duration(r) if isinstance(r, int) and not isinstance(o, float) else r
        return op

    __add__ = _op(int.__add__)
    __radd__ = _op(int.__radd__)
    __sub__ = _op(int.__sub__)
    __rsub__ = _op(int.__rsub__)
    __mul__ = _op(int.__mul__)
    __rmul__ = _op(int.__rmul__)
    __mod__ = _op(int.__mod__)
    __floordiv__ = _op(int.__floordiv__)
    del _op

    def __neg__(self):
        return Duration(-int(self))

    def __abs__(self):
        return Duration(abs(int(self)))


def duration_string(d: int) -> str:
    """Go's Duration.String (src/time/time.go)."""
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < 1_000_000_000:
        if u < 1000:
            s = f"{u}ns"
        elif u < 1_000_000:
            s = _frac(u, 3) + "µs"
        else:
            s = _frac(u, 6) + "ms"
    else:
        out = ""
        h, rem = divmod(u, 3600_000_000_000)
        m, rem = divmod(rem, 60_000_000_000)
        sec = _frac(rem, 9)
        if h:
            out = f"{h}h{m}m{sec}s"
        elif m:
            out = f"{m}m{sec}s"
        else:
            out = f"{sec}s"
        s = out
    return ("-" if neg else "") + s


def _frac(v: int, prec: int) -> str:
    ip, fp = divmod(v, 10 ** prec)
    f = f"{fp:0{prec}d}".rstrip("0")
    return f"{ip}.{f}" if f else str(ip)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


class Time:
    """time.Time: wall-clock nanoseconds, and the run's monotonic reading."""

    __slots__ = ("ns", "mono")
    _Gname = "time.Time"

    def __init__(self, ns: int = 0, mono: float | None = None) -> None:
        self.ns, self.mono = ns, mono

    def Sub(self, o: "Time") -> Duration:
        if self.mono is not None and o.mono is not None:
            return Duration(round((self.mono - o.mono) * 1e9))
        return Duration(self.ns - o.ns)

    def Add(self, d) -> "Time":
        return Time(self.ns + int(d), None if self.mono is None else self.mono + d / 1e9)

    def Before(self, o) -> bool:
        return self.Sub(o) < 0

    def After(self, o) -> bool:
        return self.Sub(o) > 0

    def Equal(self, o) -> bool:
        return self.Sub(o) == 0

    def Unix(self) -> int:
        return self.ns // 1_000_000_000

    def UnixNano(self) -> int:
        return self.ns

    def UnixMilli(self) -> int:
        return self.ns // 1_000_000

    def IsZero(self) -> bool:
        return self.ns == 0 and self.mono is None

    def String(self) -> str:
        t = _time.gmtime(self.ns // 1_000_000_000)
        frac = f"{self.ns % 1_000_000_000:09d}".rstrip("0")
        s = _time.strftime("%Y-%m-%d %H:%M:%S", t) + ("." + frac if frac else "") + " +0000 UTC"
        if self.mono is not None:
            s += f" m=+{self.mono:.9f}"
        return s

    def __eq__(self, o) -> bool:
        return isinstance(o, Time) and self.ns == o.ns

    def __hash__(self) -> int:
        return hash(self.ns)


# ------------------------------------------------------------- sync/atomic

_M32, _M64 = (1 << 32) - 1, (1 << 64) - 1


def _w(bits: int, signed: bool):
    m = (1 << bits) - 1
    h = 1 << (bits - 1)
    if signed:
        return lambda x: ((x + h) & m) - h
    return lambda x: x & m


class _AtomicInt:
    """atomic.Int32/Int64/Uint32/Uint64: one host thread runs every
    goroutine, so each operation is atomic by construction."""

    __slots__ = ("v",)
    _wrap = staticmethod(_w(64, True))

    def __init__(self) -> None:
        self.v = 0

    def Load(self):
        return self.v

    def Store(self, x) -> None:
        self.v = self._wrap(x)

    def Add(self, d):
        self.v = self._wrap(self.v + d)
        return self.v

    def Swap(self, x):
        old, self.v = self.v, self._wrap(x)
        return old

    def CompareAndSwap(self, old, new) -> bool:
        if self.v == old:
            self.v = self._wrap(new)
            return True
        return False

    def _Gcp(self):
        o = type(self)()
        o.v = self.v
        return o


class Int64(_AtomicInt):
    __slots__ = ()
    _Gname = "atomic.Int64"


class Int32(_AtomicInt):
    __slots__ = ()
    _Gname = "atomic.Int32"
    _wrap = staticmethod(_w(32, True))


class Uint64(_AtomicInt):
    __slots__ = ()
    _Gname = "atomic.Uint64"
    _wrap = staticmethod(_w(64, False))


class Uint32(_AtomicInt):
    __slots__ = ()
    _Gname = "atomic.Uint32"
    _wrap = staticmethod(_w(32, False))


class AtomicBool:
    __slots__ = ("v",)
    _Gname = "atomic.Bool"

    def __init__(self) -> None:
        self.v = False

    def Load(self) -> bool:
        return self.v

    def Store(self, x) -> None:
        self.v = bool(x)

    def Swap(self, x) -> bool:
        old, self.v = self.v, bool(x)
        return old

    def CompareAndSwap(self, old, new) -> bool:
        if self.v == old:
            self.v = new
            return True
        return False


class AtomicValue:
    __slots__ = ("v",)
    _Gname = "atomic.Value"

    def __init__(self) -> None:
        self.v = None

    def Load(self):
        return self.v

    def Store(self, x) -> None:
        if x is None:
            raise Panic("sync/atomic: store of nil value into Value")
        self.v = x


def _atomic_funcs(ns: dict) -> None:
    for name, bits, signed in (("Int32", 32, True), ("Int64", 64, True),
                               ("Uint32", 32, False), ("Uint64", 64, False),
                               ("Uintptr", 64, False)):
        wrap = _w(bits, signed)

        def add(p, d, wrap=wrap):
            p.v = wrap(p.v + d)
            return p.v

        def load(p):
            return p.v

        def store(p, x, wrap=wrap):
            p.v = wrap(x)

        def swap(p, x, wrap=wrap):
            old, p.v = p.v, wrap(x)
            return old

        def cas(p, old, new, wrap=wrap):
            if p.v == old:
                p.v = wrap(new)
                return True
            return False
        ns["Add" + name] = add
        ns["Load" + name] = load
        ns["Store" + name] = store
        ns["Swap" + name] = swap
        ns["CompareAndSwap" + name] = cas


class _Atomic:
    Int32, Int64, Uint32, Uint64 = Int32, Int64, Uint32, Uint64
    Bool, Value = AtomicBool, AtomicValue


_atomic_ns: dict = {}
_atomic_funcs(_atomic_ns)
for _k, _v in _atomic_ns.items():
    setattr(_Atomic, _k, staticmethod(_v))


# ------------------------------------------------------------ strings etc.

class Builder:
    """strings.Builder."""

    __slots__ = ("parts",)
    _Gname = "strings.Builder"

    def __init__(self) -> None:
        self.parts = []

    def WriteString(self, s):
        self.parts.append(s)
        return slen(s), None

    def WriteByte(self, b):
        self.parts.append(chr(b))
        return None

    def WriteRune(self, r):
        self.parts.append(chr(r))
        return 1, None

    def String(self) -> str:
        return "".join(self.parts)

    def Len(self) -> int:
        return slen(self.String())

    def Reset(self) -> None:
        self.parts = []

    def write(self, s) -> None:
        self.parts.append(s)


class _Strings:
    Builder = Builder
    Contains = staticmethod(lambda s, sub: sub in s)
    ContainsRune = staticmethod(lambda s, r: chr(r) in s)
    ContainsAny = staticmethod(lambda s, chars: any(c in s for c in chars))
    HasPrefix = staticmethod(lambda s, p: s.startswith(p))
    HasSuffix = staticmethod(lambda s, p: s.endswith(p))
    Index = staticmethod(lambda s, sub: len(s[:s.find(sub)].encode()) if sub in s else -1)
    IndexByte = staticmethod(lambda s, c: s.find(chr(c)))
    IndexRune = staticmethod(lambda s, c: s.find(chr(c)))
    LastIndex = staticmethod(lambda s, sub: s.rfind(sub))
    Join = staticmethod(lambda xs, sep: sep.join(xs))
    Repeat = staticmethod(lambda s, n: s * n)
    Replace = staticmethod(lambda s, old, new, n: s.replace(old, new, n if n >= 0 else -1))
    ReplaceAll = staticmethod(lambda s, old, new: s.replace(old, new))
    ToUpper = staticmethod(lambda s: s.upper())
    ToLower = staticmethod(lambda s: s.lower())
    TrimSpace = staticmethod(lambda s: s.strip(" \t\n\r\v\f"))
    Trim = staticmethod(lambda s, cut: s.strip(cut))
    TrimLeft = staticmethod(lambda s, cut: s.lstrip(cut))
    TrimRight = staticmethod(lambda s, cut: s.rstrip(cut))
    TrimPrefix = staticmethod(lambda s, p: s[len(p):] if p and s.startswith(p) else s)
    TrimSuffix = staticmethod(lambda s, p: s[:-len(p)] if p and s.endswith(p) else s)
    Fields = staticmethod(lambda s: s.split())
    Count = staticmethod(lambda s, sub: s.count(sub) if sub else len(s) + 1)
    EqualFold = staticmethod(lambda a, b: a.casefold() == b.casefold())
    Title = staticmethod(lambda s: " ".join(w[:1].upper() + w[1:] for w in s.split(" ")))

    @staticmethod
    def Split(s, sep):
        if sep == "":
            return list(s)
        return s.split(sep)

    @staticmethod
    def SplitN(s, sep, n):
        if n == 0:
            return []
        return s.split(sep, n - 1) if n > 0 else s.split(sep)

    @staticmethod
    def Map(f, s):
        return "".join(chr(r) for r in (f(ord(c)) for c in s) if r >= 0)

    @staticmethod
    def NewReplacer(*pairs):
        class R:
            def Replace(self, s):
                for i in range(0, len(pairs), 2):
                    s = s.replace(pairs[i], pairs[i + 1])
                return s
        return R()


class NumError:
    __slots__ = ("Func", "Num", "Err")
    _Gname = "*strconv.NumError"

    def __init__(self, func, num, err) -> None:
        self.Func, self.Num, self.Err = func, num, err

    def Error(self) -> str:
        return f"strconv.{self.Func}: parsing {quote(self.Num)}: {self.Err.Error()}"

    def Unwrap(self):
        return self.Err


_ErrSyntax = GoError("invalid syntax")
_ErrRange = GoError("value out of range")


class _Strconv:
    ErrSyntax = _ErrSyntax
    ErrRange = _ErrRange

    @staticmethod
    def Itoa(i) -> str:
        return str(int(i))

    @staticmethod
    def Atoi(s):
        try:
            if s.strip() != s or "_" in s or not s:
                raise ValueError
            return int(s, 10), None
        except ValueError:
            return 0, NumError("Atoi", s, _ErrSyntax)

    @staticmethod
    def ParseInt(s, base, bits):
        try:
            if "_" in s and base != 0:
                raise ValueError
            v = int(s, base)
        except ValueError:
            return 0, NumError("ParseInt", s, _ErrSyntax)
        bits = bits or 64
        if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
            return 0, NumError("ParseInt", s, _ErrRange)
        return v, None

    @staticmethod
    def ParseUint(s, base, bits):
        v, err = _Strconv.ParseInt(s, base, 65)
        if err is not None or v < 0:
            return 0, NumError("ParseUint", s, _ErrSyntax)
        return v, None

    @staticmethod
    def ParseFloat(s, bits):
        try:
            return float(s), None
        except ValueError:
            return 0.0, NumError("ParseFloat", s, _ErrSyntax)

    @staticmethod
    def ParseBool(s):
        if s in ("1", "t", "T", "TRUE", "true", "True"):
            return True, None
        if s in ("0", "f", "F", "FALSE", "false", "False"):
            return False, None
        return False, NumError("ParseBool", s, _ErrSyntax)

    @staticmethod
    def FormatInt(i, base) -> str:
        if base == 10:
            return str(i)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        neg, i = i < 0, abs(i)
        out = ""
        while True:
            out = digits[i % base] + out
            i //= base
            if not i:
                break
        return ("-" if neg else "") + out

    @staticmethod
    def FormatFloat(f, fmt, prec, bits) -> str:
        return fmt_float(f, chr(fmt), prec)

    Quote = staticmethod(quote)
    FormatBool = staticmethod(lambda b: "true" if b else "false")


class _Math:
    MaxInt = MaxInt64 = (1 << 63) - 1
    MinInt = MinInt64 = -(1 << 63)
    MaxInt32, MinInt32 = (1 << 31) - 1, -(1 << 31)
    MaxInt16, MinInt16 = (1 << 15) - 1, -(1 << 15)
    MaxInt8, MinInt8 = 127, -128
    MaxUint8, MaxUint16, MaxUint32 = 255, 65535, _M32
    MaxUint64 = MaxUint = _M64
    MaxFloat64 = sys.float_info.max
    SmallestNonzeroFloat64 = 5e-324
    Pi, E = _math.pi, _math.e
    Sqrt2 = _math.sqrt(2)
    Sqrt = staticmethod(_math.sqrt)
    Pow = staticmethod(lambda x, y: float(x) ** y)
    Abs = staticmethod(lambda x: abs(float(x)))
    Floor = staticmethod(lambda x: float(_math.floor(x)))
    Ceil = staticmethod(lambda x: float(_math.ceil(x)))
    Trunc = staticmethod(lambda x: float(_math.trunc(x)))
    Round = staticmethod(lambda x: float(_math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1))
    Max = staticmethod(lambda a, b: float(max(a, b)))
    Min = staticmethod(lambda a, b: float(min(a, b)))
    Mod = staticmethod(_math.fmod)
    Log = staticmethod(_math.log)
    Log2 = staticmethod(_math.log2)
    Log10 = staticmethod(_math.log10)
    Exp = staticmethod(_math.exp)
    Sin = staticmethod(_math.sin)
    Cos = staticmethod(_math.cos)
    Inf = staticmethod(lambda s: _math.inf if s >= 0 else -_math.inf)
    IsNaN = staticmethod(lambda f: f != f)
    IsInf = staticmethod(lambda f, s: f == _math.inf if s > 0 else
                         (f == -_math.inf if s < 0 else f in (_math.inf, -_math.inf)))
    NaN = staticmethod(lambda: _math.nan)
    Hypot = staticmethod(_math.hypot)


class _Sort:
    Ints = staticmethod(lambda a: a.sort())
    Strings = staticmethod(lambda a: a.sort())
    Float64s = staticmethod(lambda a: a.sort())

    @staticmethod
    def Slice(a, less):
        import functools
        a[:] = sorted(a, key=functools.cmp_to_key(
            lambda x, y: -1 if less_of(a, less, x, y) else (1 if less_of(a, less, y, x) else 0)))

    SliceStable = Slice
    IntsAreSorted = staticmethod(lambda a: all(a[i] <= a[i + 1] for i in range(len(a) - 1)))
    SearchInts = staticmethod(lambda a, x: __import__("bisect").bisect_left(a, x))


def less_of(a, less, x, y) -> bool:
    # sort.Slice's less takes indices: place x and y at 0 and 1 of a scratch view
    a0, a1 = a[0], a[1]
    a[0], a[1] = x, y
    try:
        return less(0, 1)
    finally:
        a[0], a[1] = a0, a1


class _RandPkg:
    """package math/rand: Go's generator (gorand.py); the top-level
    functions share one source seeded with 1, as in Go 1.19."""

    def __init__(self) -> None:
        from .gorand import Rand, Source
        self._r = Rand(Source(1))
        for name in ("Seed", "Intn", "Int63n", "Int31n", "Int", "Int63", "Int31", "Uint32",
                     "Float64", "Float32", "Perm", "Shuffle"):
            setattr(self, name, getattr(self._r, name))
        self.New = Rand
        self.NewSource = Source
        self.Rand = Rand


class _Log:
    """package log: the standard logger, on stderr with Go's date prefix."""

    @staticmethod
    def _out(s: str) -> None:
        t = _time.localtime()
        sys.stderr.write(_time.strftime("%Y/%m/%d %H:%M:%S ", t) + s
                         + ("" if s.endswith("\n") else "\n"))

    Println = staticmethod(lambda *a: _Log._out(sprintln(*a)))
    Printf = staticmethod(lambda f, *a: _Log._out(sprintf(f, *a)))
    Print = staticmethod(lambda *a: _Log._out(sprint(*a)))

    @staticmethod
    def Fatalf(f, *a):
        _Log._out(sprintf(f, *a))
        raise SystemExit(1)

    @staticmethod
    def Fatal(*a):
        _Log._out(sprint(*a))
        raise SystemExit(1)

    @staticmethod
    def Fatalln(*a):
        _Log._out(sprintln(*a))
        raise SystemExit(1)

    @staticmethod
    def Panicf(f, *a):
        m = sprintf(f, *a)
        _Log._out(m)
        raise GoPanic(m)


class _Flag:
    """package flag: the defaults (a Go program here gets no arguments)."""
    Int = Int64 = Uint = staticmethod(lambda name, value, usage: Box(value))
    Bool = staticmethod(lambda name, value, usage: Box(bool(value)))
    String = staticmethod(lambda name, value, usage: Box(value))
    Float64 = staticmethod(lambda name, value, usage: Box(float(value)))
    Duration = staticmethod(lambda name, value, usage: Box(Duration(value)))
    Parse = staticmethod(lambda: None)
    Args = staticmethod(lambda: [])
    NArg = staticmethod(lambda: 0)
    Arg = staticmethod(lambda i: "")


class _Os:
    Stdout = _Writer("stdout")
    Stderr = _Writer("stderr")
    Args = ["prog"]

    @staticmethod
    def Exit(code) -> None:
        sys.stdout.flush()
        raise SystemExit(int(code))

    @staticmethod
    def Getenv(k) -> str:
        import os
        return os.environ.get(k, "")


# ---------------------------------------------------- bound to a runtime

def environment(rt, seed: int | None = None) -> dict:
    """The globals of a translated program, bound to runtime module rt."""
    base_mutex, base_wg, base_once = rt.Mutex, rt.WaitGroup, rt.Once
    sleep, now = rt.sleep, rt.now

    class WaitGroup(base_wg):
        __slots__ = ()
        _Gname = "sync.WaitGroup"
        Add = base_wg.add
        Done = base_wg.done
        Wait = base_wg.wait

        def _Gcp(self):
            return self

    class Mutex(base_mutex):
        __slots__ = ()
        _Gname = "sync.Mutex"
        Lock = base_mutex.lock
        Unlock = base_mutex.unlock
        TryLock = base_mutex.try_lock

        def _Gcp(self):
            return self

    class Once(base_once):
        __slots__ = ()
        _Gname = "sync.Once"
        Do = base_once.do

        def _Gcp(self):
            return self

    max_readers = 1 << 30

    class RWMutex:
        """Go's sync.RWMutex (src/sync/rwmutex.go): a writer takes w, then
        announces itself by making readerCount negative and waits for the
        readers already in; readers that come later wait for the writer."""

        __slots__ = ("w", "writerSem", "readerSem", "readerCount", "readerWait")
        _Gname = "sync.RWMutex"

        def __init__(self) -> None:
            self.w = Mutex()
            self.writerSem, self.readerSem = Sema(), Sema()
            self.readerCount = self.readerWait = 0

        def RLock(self) -> None:
            self.readerCount += 1
            if self.readerCount < 0:
                self.readerSem.acquire()

        def TryRLock(self) -> bool:
            if self.readerCount < 0:
                return False
            self.readerCount += 1
            return True

        def RUnlock(self) -> None:
            self.readerCount -= 1
            r = self.readerCount
            if r < 0:
                if r + 1 == 0 or r + 1 == -max_readers:
                    raise FatalError("sync: RUnlock of unlocked RWMutex")
                self.readerWait -= 1
                if self.readerWait == 0:
                    self.writerSem.release()

        def Lock(self) -> None:
            self.w.lock()
            r = self.readerCount
            self.readerCount -= max_readers
            if r != 0:
                self.readerWait += r
                if self.readerWait != 0:
                    self.writerSem.acquire()

        def TryLock(self) -> bool:
            if not self.w.try_lock():
                return False
            if self.readerCount != 0:
                self.w.unlock()
                return False
            self.readerCount -= max_readers
            return True

        def Unlock(self) -> None:
            self.readerCount += max_readers
            r = self.readerCount
            if r >= max_readers:
                raise FatalError("sync: Unlock of unlocked RWMutex")
            for _ in range(r):
                self.readerSem.release()
            self.w.unlock()

        def RLocker(self):
            return self

        def _Gcp(self):
            return self

    class _Sync:
        pass
    _Sync.WaitGroup, _Sync.Mutex, _Sync.RWMutex, _Sync.Once = WaitGroup, Mutex, RWMutex, Once

    wall0 = [None]

    def time_now() -> Time:
        m = now()
        if wall0[0] is None:
            wall0[0] = _time.time_ns() - int(m * 1e9)
        return Time(wall0[0] + int(m * 1e9), m)

    def as_time(v):
        """A timer channel's value (the run's clock, in seconds) as a Time."""
        if isinstance(v, float):
            if wall0[0] is None:
                time_now()
            return Time(wall0[0] + int(v * 1e9), v)
        return v

    class GoTimer:
        __slots__ = ("t", "C")
        _Gname = "*time.Timer"

        def __init__(self, d) -> None:
            self.t = rt.Timer(d / 1e9)
            self.C = self.t.c

        def Stop(self) -> bool:
            return self.t.stop()

        def Reset(self, d) -> bool:
            return self.t.reset(d / 1e9)

    class GoTicker:
        __slots__ = ("t", "C")
        _Gname = "*time.Ticker"

        def __init__(self, d) -> None:
            if d <= 0:
                raise Panic("non-positive interval for NewTicker")
            self.t = rt.Ticker(d / 1e9)
            self.C = self.t.c

        def Stop(self) -> None:
            self.t.stop()

        def Reset(self, d) -> None:
            self.t.reset(d / 1e9)

    class AfterFuncTimer:
        __slots__ = ("t", "C")

        def __init__(self, d, f) -> None:
            self.t = rt.after_func(d / 1e9, f)
            self.C = None

        def Stop(self) -> bool:
            return self.t.stop()

        def Reset(self, d) -> bool:
            return self.t.reset(d / 1e9)

    class _TimePkg:
        Nanosecond = Duration(1)
        Microsecond = Duration(1000)
        Millisecond = Duration(1_000_000)
        Second = Duration(1_000_000_000)
        Minute = Duration(60_000_000_000)
        Hour = Duration(3600_000_000_000)
        Duration = Duration
        Time = Time
        Timer = GoTimer
        Ticker = GoTicker
        Now = staticmethod(time_now)
        Since = staticmethod(lambda t: time_now().Sub(t))
        Until = staticmethod(lambda t: t.Sub(time_now()))

        @staticmethod
        def Sleep(d) -> None:
            sleep(d / 1e9)

        @staticmethod
        def After(d):
            return rt.after(d / 1e9)

        @staticmethod
        def Tick(d):
            return rt.tick(d / 1e9)

        NewTimer = GoTimer
        NewTicker = GoTicker
        AfterFunc = AfterFuncTimer
        Unix = staticmethod(lambda s, ns: Time(s * 1_000_000_000 + ns))
        RFC3339 = "2006-01-02T15:04:05Z07:00"

    class _Ctx:
        """A context (src/context/context.go): a done channel closed on
        cancel, the parent's cancellation propagating to its children."""

        __slots__ = ("parent", "done", "err", "children", "key", "val", "deadline", "timer")
        _Gname = "*context.cancelCtx"

        def __init__(self, parent=None, cancellable=True, key=None, val=None) -> None:
            self.parent, self.key, self.val = parent, key, val
            # the program's chan (gokernel's CLI rebinds it to the learner's)
            self.done = env["chan"]() if cancellable else None
            self.err = None
            self.children = []
            self.deadline = parent.deadline if parent is not None else None
            self.timer = None
            if parent is not None and cancellable:
                p = parent._cancellable()
                if p is not None:
                    if p.err is not None:
                        self._cancel(p.err)
                    else:
                        p.children.append(self)

        def _cancellable(self):
            c = self
            while c is not None and c.done is None:
                c = c.parent
            return c

        def _cancel(self, err) -> None:
            if self.err is not None:
                return
            self.err = err
            self.done.close()
            if self.timer is not None:
                self.timer.stop()
            for ch in self.children:
                ch._cancel(err)
            self.children = []

        def Done(self):
            c = self._cancellable()
            return c.done if c is not None else rt.nilchan

        def Err(self):
            c = self._cancellable()
            return c.err if c is not None else None

        def Value(self, key):
            c = self
            while c is not None:
                if c.key is not None and c.key == key:
                    return c.val
                c = c.parent
            return None

        def Deadline(self):
            if self.deadline is None:
                return Time(), False
            return self.deadline, True

        def String(self) -> str:
            return "context.Background" if self.parent is None else "context.WithCancel"

    class _DeadlineExceeded:
        __slots__ = ()
        _Gname = "context.deadlineExceededError"

        def Error(self) -> str:
            return "context deadline exceeded"

        def Timeout(self) -> bool:
            return True

    canceled = GoError("context canceled")
    deadline_exceeded = _DeadlineExceeded()

    class _Context:
        Canceled = canceled
        DeadlineExceeded = deadline_exceeded

        @staticmethod
        def Background():
            return _Ctx(None, cancellable=False)

        TODO = Background

        @staticmethod
        def WithCancel(parent):
            c = _Ctx(parent)
            return c, lambda: c._cancel(canceled)

        @staticmethod
        def WithDeadline(parent, d):
            c = _Ctx(parent)
            if c.deadline is None or d.Before(c.deadline):
                c.deadline = d
            left = c.deadline.Sub(time_now())
            if left <= 0:
                c._cancel(deadline_exceeded)
            elif c.err is None:
                c.timer = rt.after_func(left / 1e9, lambda: c._cancel(deadline_exceeded))
            return c, lambda: c._cancel(canceled)

        @staticmethod
        def WithTimeout(parent, d):
            return _Context.WithDeadline(parent, time_now().Add(d))

        @staticmethod
        def WithValue(parent, key, val):
            return _Ctx(parent, cancellable=False, key=key, val=val)

    class _Runtime:
        Gosched = staticmethod(rt.gosched)
        Goexit = staticmethod(rt.goexit)
        NumGoroutine = staticmethod(rt.num_goroutine)
        NumCPU = staticmethod(lambda: __import__("os").cpu_count() or 1)
        GC = staticmethod(lambda: None)

        @staticmethod
        def GOMAXPROCS(n):
            return rt.gomaxprocs(n)

    env = {
        "__name__": "main",
        "__builtins__": __builtins__,
        # the runtime (these names are the ones gokernel's CLI rebinds)
        "chan": rt.chan, "Chan": rt.Chan, "select": rt.select, "default": rt.default,
        "go": rt.go, "nilchan": rt.nilchan,
        # the Go library layer
        "_Gfmt": _Fmt, "_Gtime": _TimePkg, "_Gsync": _Sync, "_Gatomic": _Atomic,
        "_Gruntime": _Runtime, "_Gerrors": _Errors, "_Gstrings": _Strings,
        "_Gstrconv": _Strconv, "_Gmath": _Math, "_Grand": _RandPkg(), "_Gos": _Os,
        "_Gsort": _Sort, "_Gflag": _Flag, "_Glog": _Log, "_Gcontext": _Context,
        "_GPanic": GoPanic, "_GPanicText": Panic, "_Gpanic": gopanic, "_Grecover": recover,
        "_Gpanicking": panicking, "_Grundefers": rundefers,
        "_GProxy": GoProxy, "_GBox": Box, "_GFieldRef": FieldRef, "_GIndexRef": IndexRef, "_GPtr": Ptr,
        "_GEMPTY": EMPTY, "_GZ": object(), "_Gcopy": copyval,
        "_Gdiv": idiv, "_Gmod": imod, "_Gslen": slen, "_Gsindex": sindex, "_Gsslice": sslice,
        "_Gslice": slice_,
        "_Grange_str": range_str, "_Grange1": range1, "_Grange2": range2,
        "_Gstring": to_string, "_Gbytes": to_bytes, "_Grunes": to_runes,
        "_Gappend": append, "_Gcopyslice": gocopy, "_Gmapok": mapok,
        "_Gassert": assert_type, "_Gisint": is_int, "_Ghas": has_methods,
        "_GDuration": Duration, "_GTime": Time, "_Gastime": as_time,
        "_Gprint": goprint, "_Gprintln": goprintln, "_GError": GoError,
        "_GRuntimeErr": RuntimeErr, "_Gto_panic": to_go_panic,
    }
    return env


#: the package members the translator accepts (anything else is refused)
PACKAGES = {
    "fmt": {"Println", "Print", "Printf", "Sprintf", "Sprint", "Sprintln", "Errorf",
            "Fprintln", "Fprintf", "Fprint"},
    "time": {"Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour",
             "Duration", "Time", "Timer", "Ticker", "Now", "Since", "Until", "Sleep", "After",
             "Tick", "NewTimer", "NewTicker", "AfterFunc", "Unix", "RFC3339"},
    "sync": {"WaitGroup", "Mutex", "RWMutex", "Once"},
    "sync/atomic": set(_atomic_ns) | {"Int32", "Int64", "Uint32", "Uint64", "Bool", "Value"},
    "runtime": {"Gosched", "Goexit", "NumGoroutine", "NumCPU", "GC", "GOMAXPROCS", "Error"},
    "errors": {"New", "Unwrap", "Is", "As"},
    "strings": {k for k in vars(_Strings) if not k.startswith("_")},
    "strconv": {k for k in vars(_Strconv) if not k.startswith("_")},
    "math": {k for k in vars(_Math) if not k.startswith("_")},
    "math/rand": {"Seed", "Intn", "Int63n", "Int31n", "Int", "Int63", "Int31", "Uint32",
                  "Float64", "Float32", "Perm", "Shuffle", "New", "NewSource", "Rand"},
    "os": {"Exit", "Stdout", "Stderr", "Args", "Getenv"},
    "context": {"Background", "TODO", "WithCancel", "WithDeadline", "WithTimeout", "WithValue",
                "Canceled", "DeadlineExceeded", "Context", "CancelFunc"},
    "log": {"Println", "Printf", "Print", "Fatal", "Fatalf", "Fatalln", "Panicf"},
    "flag": {"Int", "Int64", "Uint", "Bool", "String", "Float64", "Duration", "Parse", "Args",
             "NArg", "Arg"},
    "sort": {"Ints", "Strings", "Float64s", "Slice", "SliceStable", "IntsAreSorted",
             "SearchInts"},
}

#: the Python name each package is bound to in the environment
PKGVAR = {"fmt": "_Gfmt", "time": "_Gtime", "sync": "_Gsync", "sync/atomic": "_Gatomic",
          "runtime": "_Gruntime", "errors": "_Gerrors", "strings": "_Gstrings",
          "strconv": "_Gstrconv", "math": "_Gmath", "math/rand": "_Grand", "os": "_Gos",
          "sort": "_Gsort", "flag": "_Gflag", "context": "_Gcontext",
          "log": "_Glog"}
