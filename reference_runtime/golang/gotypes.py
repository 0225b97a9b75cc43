"""Static types for the translator: a small, best-effort version of Go's
``go/types`` (src/go/types).  The translator needs a value's type to choose
Go's semantics where Python's differ: integer division and wrap-around,
zero values, struct copies, string bytes, what ``range`` iterates.

A type is a tuple: ``("basic", name)``, ``("named", name)`` (a type of the
program), ``("pkg", "time.Duration")`` (a library type), ``("ptr", T)``,
``("slice", T)``, ``("array", n, T)``, ``("map", K, V)``, ``("chan", T)``,
``("func", params, results, variadic)``, ``("struct", fields)``,
``("iface", methods)``, ``("tuple", types)``; ``None`` is unknown.
"""
from __future__ import annotations

INT_BITS = {"int": (64, True), "int8": (8, True), "int16": (16, True), "int32": (32, True),
            "int64": (64, True), "uint": (64, False), "uint8": (8, False),
            "uint16": (16, False), "uint32": (32, False), "uint64": (64, False),
            "uintptr": (64, False), "byte": (8, False), "rune": (32, True)}
FLOATS = {"float64", "float32"}
BASIC = set(INT_BITS) | FLOATS | {"string", "bool", "error", "any"}

INT = ("basic", "int")
FLOAT = ("basic", "float64")
STRING = ("basic", "string")
BOOL = ("basic", "bool")
ERROR = ("basic", "error")
UINT = ("basic", "untyped_int")
UFLOAT = ("basic", "untyped_float")
URUNE = ("basic", "untyped_rune")
USTRING = ("basic", "untyped_string")
DURATION = ("pkg", "time.Duration")
TIME = ("pkg", "time.Time")

#: library types whose values behave as Go structs (``&v`` is v)
PKG_STRUCTS = {"sync.WaitGroup", "sync.Mutex", "sync.RWMutex", "sync.Once",
               "atomic.Int32", "atomic.Int64", "atomic.Uint32", "atomic.Uint64",
               "atomic.Bool", "atomic.Value", "strings.Builder", "time.Time",
               "time.Timer", "time.Ticker", "rand.Rand"}

#: constructors of the library types' zero values
PKG_ZERO = {"sync.WaitGroup": "_Gsync.WaitGroup()", "sync.Mutex": "_Gsync.Mutex()",
            "sync.RWMutex": "_Gsync.RWMutex()", "sync.Once": "_Gsync.Once()",
            "atomic.Int32": "_Gatomic.Int32()", "atomic.Int64": "_Gatomic.Int64()",
            "atomic.Uint32": "_Gatomic.Uint32()", "atomic.Uint64": "_Gatomic.Uint64()",
            "atomic.Bool": "_Gatomic.Bool()", "atomic.Value": "_Gatomic.Value()",
            "strings.Builder": "_Gstrings.Builder()", "time.Time": "_GTime()",
            "time.Duration": "_GDuration(0)"}

#: result types of library functions and methods (what inference needs)
PKG_FUNCS = {
    "time.Now": TIME, "time.Since": DURATION, "time.Until": DURATION,
    "time.After": ("chan", TIME), "time.Tick": ("chan", TIME),
    "time.NewTimer": ("ptr", ("pkg", "time.Timer")),
    "time.NewTicker": ("ptr", ("pkg", "time.Ticker")),
    "time.AfterFunc": ("ptr", ("pkg", "time.Timer")),
    "fmt.Sprintf": STRING, "fmt.Sprint": STRING, "fmt.Sprintln": STRING,
    "fmt.Errorf": ERROR, "errors.New": ERROR, "errors.Unwrap": ERROR,
    "errors.Is": BOOL, "errors.As": BOOL,
    "fmt.Println": ("tuple", [INT, ERROR]), "fmt.Printf": ("tuple", [INT, ERROR]),
    "fmt.Print": ("tuple", [INT, ERROR]),
    "strconv.Itoa": STRING, "strconv.Atoi": ("tuple", [INT, ERROR]),
    "strconv.ParseInt": ("tuple", [("basic", "int64"), ERROR]),
    "strconv.ParseFloat": ("tuple", [FLOAT, ERROR]),
    "strconv.ParseBool": ("tuple", [BOOL, ERROR]),
    "strconv.FormatInt": STRING, "strconv.Quote": STRING, "strconv.FormatFloat": STRING,
    "strings.Repeat": STRING, "strings.Join": STRING, "strings.ToUpper": STRING,
    "strings.ToLower": STRING, "strings.TrimSpace": STRING, "strings.Replace": STRING,
    "strings.ReplaceAll": STRING, "strings.Split": ("slice", STRING),
    "strings.Fields": ("slice", STRING), "strings.Contains": BOOL,
    "strings.HasPrefix": BOOL, "strings.HasSuffix": BOOL, "strings.Index": INT,
    "strings.Count": INT, "strings.Title": STRING, "strings.Trim": STRING,
    "strings.TrimPrefix": STRING, "strings.TrimSuffix": STRING,
    "runtime.NumGoroutine": INT, "runtime.GOMAXPROCS": INT, "runtime.NumCPU": INT,
    "rand.Intn": INT, "rand.Int": INT, "rand.Int63": ("basic", "int64"),
    "rand.Float64": FLOAT, "rand.Perm": ("slice", INT), "rand.Int31n": ("basic", "int32"),
    "rand.Int63n": ("basic", "int64"), "rand.New": ("ptr", ("pkg", "rand.Rand")),
    "math.Sqrt": FLOAT, "math.Pow": FLOAT, "math.Abs": FLOAT, "math.Floor": FLOAT,
    "math.Ceil": FLOAT, "math.Max": FLOAT, "math.Min": FLOAT, "math.Log": FLOAT,
    "math.Exp": FLOAT, "math.Inf": FLOAT, "math.Mod": FLOAT, "math.Round": FLOAT,
    "math.Trunc": FLOAT, "math.Sin": FLOAT, "math.Cos": FLOAT, "math.Hypot": FLOAT,
    "context.WithCancel": ("tuple", [("pkg", "context.Context"), ("func", [], [], False)]),
    "context.WithTimeout": ("tuple", [("pkg", "context.Context"), ("func", [], [], False)]),
    "context.WithDeadline": ("tuple", [("pkg", "context.Context"), ("func", [], [], False)]),
    "context.Background": ("pkg", "context.Context"), "context.TODO": ("pkg", "context.Context"),
    "context.WithValue": ("pkg", "context.Context"),
    "flag.Int": ("ptr", INT), "flag.Bool": ("ptr", BOOL), "flag.String": ("ptr", STRING),
    "flag.Int64": ("ptr", ("basic", "int64")), "flag.Float64": ("ptr", FLOAT),
    "flag.Duration": ("ptr", DURATION), "flag.Args": ("slice", STRING), "flag.NArg": INT,
    "atomic.AddInt64": ("basic", "int64"), "atomic.AddInt32": ("basic", "int32"),
    "atomic.AddUint64": ("basic", "uint64"), "atomic.AddUint32": ("basic", "uint32"),
    "atomic.LoadInt64": ("basic", "int64"), "atomic.LoadInt32": ("basic", "int32"),
    "atomic.LoadUint64": ("basic", "uint64"), "atomic.LoadUint32": ("basic", "uint32"),
    "atomic.CompareAndSwapInt64": BOOL, "atomic.CompareAndSwapInt32": BOOL,
}

PKG_CONSTS = {"time.Nanosecond": DURATION, "time.Microsecond": DURATION,
              "time.Millisecond": DURATION, "time.Second": DURATION,
              "time.Minute": DURATION, "time.Hour": DURATION,
              "math.MaxInt64": UINT, "math.MinInt64": UINT, "math.MaxInt32": UINT,
              "math.MinInt32": UINT, "math.MaxInt": UINT, "math.MaxUint32": UINT,
              "math.MaxInt8": UINT, "math.MaxUint8": UINT, "math.MaxInt16": UINT,
              "math.MaxUint16": UINT, "math.MaxUint64": UINT, "math.Pi": UFLOAT,
              "math.E": UFLOAT, "math.MaxFloat64": UFLOAT}

PKG_METHODS = {
    "time.Time": {"Sub": DURATION, "Add": TIME, "Unix": ("basic", "int64"),
                  "UnixNano": ("basic", "int64"), "Before": BOOL, "After": BOOL,
                  "String": STRING, "UnixMilli": ("basic", "int64")},
    "time.Duration": {"Seconds": FLOAT, "Milliseconds": ("basic", "int64"),
                      "Microseconds": ("basic", "int64"), "Nanoseconds": ("basic", "int64"),
                      "String": STRING, "Minutes": FLOAT, "Hours": FLOAT,
                      "Round": DURATION, "Truncate": DURATION},
    "time.Timer": {"Stop": BOOL, "Reset": BOOL},
    "atomic.Int64": {"Add": ("basic", "int64"), "Load": ("basic", "int64"),
                     "CompareAndSwap": BOOL, "Swap": ("basic", "int64")},
    "atomic.Int32": {"Add": ("basic", "int32"), "Load": ("basic", "int32"),
                     "CompareAndSwap": BOOL},
    "atomic.Uint64": {"Add": ("basic", "uint64"), "Load": ("basic", "uint64"),
                      "CompareAndSwap": BOOL},
    "atomic.Uint32": {"Add": ("basic", "uint32"), "Load": ("basic", "uint32"),
                      "CompareAndSwap": BOOL},
    "atomic.Bool": {"Load": BOOL, "CompareAndSwap": BOOL, "Swap": BOOL},
    "strings.Builder": {"String": STRING, "Len": INT},
    "rand.Rand": {"Intn": INT, "Float64": FLOAT, "Int": INT, "Perm": ("slice", INT)},
    "sync.Mutex": {"TryLock": BOOL},
}

PKG_METHODS["runtime.Error"] = {"Error": STRING}
PKG_METHODS["context.Context"] = {"Done": ("chan", ("struct", [])), "Err": ERROR}

PKG_FIELDS = {"time.Timer": {"C": ("chan", TIME)}, "time.Ticker": {"C": ("chan", TIME)}}


def basic_name(t):
    return t[1] if t is not None and t[0] == "basic" else None


def is_untyped(t) -> bool:
    return t is not None and t[0] == "basic" and t[1].startswith("untyped")
