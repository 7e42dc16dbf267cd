# try/except/else/finally, user exceptions, raise from, re-raise.
def trial(x):
    log = []
    try:
        log.append("try")
        if x == 0:
            raise ValueError("zero")
        if x == 1:
            raise KeyError("one")
        log.append("body done")
    except ValueError as e:
        log.append(f"ValueError({e})")
    except (KeyError, IndexError) as e:
        log.append(f"{type(e).__name__}({e})")
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log

for x in range(3):
    print(trial(x))


class AppError(Exception):
    pass


class ConfigError(AppError):
    def __init__(self, key, reason):
        super().__init__(f"{key}: {reason}")
        self.key = key


try:
    raise ConfigError("port", "not a number")
except AppError as e:
    print(type(e).__name__, e, e.key, e.args, isinstance(e, Exception))

try:
    try:
        {}["missing"]
    except KeyError as e:
        raise RuntimeError("lookup failed") from e
except RuntimeError as e:
    print(e, "| cause:", repr(e.__cause__), "| context is cause:", e.__context__ is e.__cause__)

try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("while handling")
except ValueError as e:
    print(e, "| context:", type(e.__context__).__name__, e.__cause__)

try:
    try:
        raise TypeError("inner")
    except TypeError:
        raise
except TypeError as e:
    print("re-raised:", e)

def finally_return():
    try:
        return "from try"
    finally:
        print("finally runs before return")

print(finally_return())

def finally_overrides():
    try:
        raise ValueError("lost")
    finally:
        return "finally wins"

print(finally_overrides())

def nested(n):
    try:
        try:
            if n:
                raise IndexError("deep")
            return "no error"
        finally:
            print("  inner finally")
    except IndexError as e:
        return f"outer caught {e}"

print(nested(0))
print(nested(1))

for exc in (ZeroDivisionError, OverflowError, KeyError, IndexError, RecursionError, NotImplementedError,
            StopIteration, AssertionError, AttributeError, NameError, MemoryError, TypeError, ValueError):
    print(exc.__name__, [b.__name__ for b in exc.__mro__[1:]])

e = ValueError("a", 2)
print(e.args, str(e), repr(e), repr(ValueError("x")), str(ValueError()), repr(KeyError("k")), str(KeyError("k")))

try:
    raise Exception
except Exception as e:
    print("bare class raised:", repr(e))

caught = None
try:
    [][5]
except LookupError as e:
    caught = e
print(type(caught).__name__, caught)

try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("AssertionError:", e)

try:
    undefined_variable
except NameError as e:
    print("NameError:", e)

try:
    None.attribute
except AttributeError as e:
    print("AttributeError:", e)

try:
    int("abc")
except ValueError as e:
    print("ValueError:", e)

try:
    "a" + 1
except TypeError as e:
    print("TypeError:", e)

try:
    len(5)
except TypeError as e:
    print("TypeError:", e)

def raises_in_loop():
    results = []
    for i in range(5):
        try:
            if i % 2:
                raise ValueError(i)
            results.append(i)
        except ValueError as e:
            results.append(-e.args[0])
            continue
        finally:
            results.append("f")
    return results

print(raises_in_loop())

try:
    raise ValueError("x") from None
except ValueError as e:
    print(e.__cause__, e.__suppress_context__)

class WithStr(Exception):
    def __str__(self):
        return "custom str"

print(str(WithStr()), repr(WithStr("a")))
