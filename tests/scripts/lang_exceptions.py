class MyError(Exception):
    pass
class Detailed(ValueError):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
    def __str__(self):
        return f'[{self.code}] {self.args[0]}'

def risky(kind):
    if kind == 0:
        return 1 / 0
    if kind == 1:
        return [][1]
    if kind == 2:
        return {}['missing']
    if kind == 3:
        return int('abc')
    if kind == 4:
        return 'a' + 1
    if kind == 5:
        raise MyError('mine')
    if kind == 6:
        raise Detailed(42, 'bad thing')
    if kind == 7:
        return undefined_name
    if kind == 8:
        return None.attr
    if kind == 9:
        raise NotImplementedError('later')
    if kind == 10:
        raise RuntimeError
    if kind == 11:
        return next(iter([]))
    if kind == 12:
        return (1).bit_length(1, 2)
    if kind == 13:
        import nosuchmodule
    if kind == 14:
        return [1, 2].index(5)
    if kind == 15:
        return {1}.remove(2)
    if kind == 16:
        return float('x')
    if kind == 17:
        return len(5)
    if kind == 18:
        return [1][2]
    return 'ok'

for k in range(20):
    try:
        r = risky(k)
    except (ZeroDivisionError, IndexError) as e:
        print(k, 'arith/index', type(e).__name__, e)
    except KeyError as e:
        print(k, 'key', repr(e), e.args)
    except MyError as e:
        print(k, 'mine', e, isinstance(e, Exception))
    except ValueError as e:
        print(k, 'value', type(e).__name__, e)
    except Exception as e:
        print(k, 'other', type(e).__name__, e)
    else:
        print(k, 'else', r)
    finally:
        print(k, 'finally')

def order():
    try:
        print('try')
        return 'from try'
    finally:
        print('finally runs before return')
print(order())
def override():
    try:
        return 1
    finally:
        return 2
print(override())
def loop_finally():
    for i in range(3):
        try:
            if i == 1:
                continue
            if i == 2:
                break
            print('body', i)
        finally:
            print('fin', i)
loop_finally()
try:
    try:
        raise ValueError('inner')
    except ValueError:
        raise TypeError('outer')
except TypeError as e:
    print(type(e.__context__).__name__, e.__context__)
try:
    try:
        raise ValueError('cause')
    except ValueError as v:
        raise KeyError('k') from v
except KeyError as e:
    print(repr(e.__cause__), e.__suppress_context__)
try:
    raise MyError
except MyError as e:
    print('class raise', repr(e), e.args)
e = None
try:
    raise ValueError(1, 2)
except ValueError as err:
    print(err.args, str(err))
try:
    err
except NameError:
    print('err unbound after except')
def reraise():
    try:
        1 / 0
    except ZeroDivisionError:
        print('caught, reraise')
        raise
try:
    reraise()
except ZeroDivisionError as z:
    print('outer got', z)
print(issubclass(KeyError, LookupError), issubclass(IndexError, LookupError), issubclass(ZeroDivisionError, ArithmeticError))
print(issubclass(OverflowError, ArithmeticError), issubclass(RecursionError, RuntimeError), issubclass(NotImplementedError, RuntimeError))
print(issubclass(StopIteration, Exception), issubclass(Exception, BaseException), issubclass(MemoryError, Exception), issubclass(AssertionError, Exception))
print(repr(ValueError('x')), repr(KeyError('k')), str(KeyError('k')), repr(Exception()), str(Exception(1, 2)), repr(Exception('a', 1)))
try:
    raise Exception('multi', 'args')
except Exception as e:
    print(e)
def deep(n):
    return deep(n + 1)
try:
    deep(0)
except RecursionError as e:
    print('recursion', e)
class Ctx:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow
    def __enter__(self):
        print('enter', self.name)
        return self
    def __exit__(self, et, ev, tb):
        print('exit', self.name, et.__name__ if et else None, ev)
        return self.swallow
with Ctx('a') as a, Ctx('b') as b:
    print('inside', a.name, b.name)
with Ctx('swallow', True):
    raise ValueError('swallowed')
print('after swallow')
try:
    with Ctx('noswallow'):
        raise KeyError('propagates')
except KeyError as e:
    print('propagated', e)
def with_return():
    with Ctx('ret'):
        return 'returned'
print(with_return())
try:
    raise ValueError
except (TypeError, ValueError) as e:
    print('tuple caught', type(e).__name__)
try:
    try:
        raise IndexError('i')
    finally:
        print('inner finally')
except IndexError:
    print('outer except')
x = 0
try:
    x = 1
except:
    x = 2
else:
    x = 3
print(x)
try:
    raise Detailed(7, 'seven')
except Exception as e:
    print(e, e.code, e.args)
print(StopIteration(5).value, KeyError().args)
