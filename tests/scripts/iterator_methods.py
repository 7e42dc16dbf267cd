# Methods of the built-in iterators called from Python: __next__ and
# __length_hint__ of list, tuple, range, dict, set, str and reversed
# iterators, and the hint reversed() asks len() again for.
def t(name, f):
    try: print(name, f())
    except Exception as e: print(name, type(e).__name__, e)
t("list_iterator next", lambda: iter([1]).__next__())
t("list_iterator lh", lambda: iter([1, 2]).__length_hint__())
t("tuple_iterator lh", lambda: iter((1, 2)).__length_hint__())
t("range_iterator lh", lambda: iter(range(3)).__length_hint__())
t("dict keyiter lh", lambda: iter({1: 2}).__length_hint__())
t("set iter lh", lambda: iter({1}).__length_hint__())
t("str iter next", lambda: iter("ab").__next__())
t("rev list lh", lambda: reversed([1, 2, 3]).__length_hint__())
t("iter iter", lambda: iter(iter([1])) is not None)
t("enumerate next", lambda: enumerate("a").__next__())
t("zip next", lambda: zip("a", "b").__next__())
t("gen next", lambda: (x for x in [1]).__next__())
t("type name", lambda: [type(iter(x)).__name__ for x in ([], (), "", {}, set(), range(1))])
r = reversed([1,2,3]); print(r.__length_hint__()); next(r); print(r.__length_hint__()); list(r); print(r.__length_hint__())
class S:
    def __len__(s): return 3
    def __getitem__(s, i): return i
q = reversed(S()); print(q.__length_hint__(), list(q), q.__length_hint__())
try:
    iter([]).x = 1
except AttributeError as e:
    print("AttributeError", e)
