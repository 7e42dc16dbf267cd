# `in`, `not in`, `is` and `is not` followed by a conditional jump jump at
# once, without pushing a bool (as comparisons do); followed by anything
# else they push it.  Both forms of each, both outcomes, every kind of
# container, a __contains__ that returns a non-bool or raises, and the
# value used as a value.

class Box:
    def __init__(self, items, answer=None, boom=False):
        self.items = items
        self.answer = answer
        self.boom = boom

    def __contains__(self, x):
        if self.boom:
            raise ValueError("no looking in " + repr(x))
        if self.answer is not None:
            return self.answer
        return x in self.items


class Seq:
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError(i)
        return i * 10


class Iter:
    def __iter__(self):
        return iter("abc")


def jumps(x, c):
    out = []
    if x in c:
        out.append("in")
    else:
        out.append("out")
    if x not in c:
        out.append("not in")
    else:
        out.append("not out")
    if not (x in c):
        out.append("neg")
    n = 0
    while x in c and n < 2:
        n += 1
    out.append(n)
    return out


containers = [[1, 2, 3], (1, 2, 3), {1: "a", 2: "b"}, {1, 2}, frozenset([3]),
              "a1b2", Box([1, 3]), Box([], answer=2), Box([1], answer=0),
              Box([1], answer=""), Box([1], answer=[0]), Seq(), Iter(), range(0, 5)]
for c in containers:
    for x in (1, 2, 3, "a", "1", 10, 30):
        try:
            print(type(c).__name__, repr(x), jumps(x, c))
        except TypeError as e:
            print(type(c).__name__, repr(x), "TypeError", e)

# the value itself: stored, printed, combined
d = {"k": 1}
v = "k" in d
w = "z" not in d
print(v, w, ["k" in d, "k" not in d, 5 in d], ("k" in d) + ("q" in d))
both = "k" in d and "z" in d
either = "z" in d or "k" in d
print(both, either)


# identity: jumps and values
def ident(a, b):
    r = []
    if a is b:
        r.append("is")
    if a is not b:
        r.append("is not")
    while a is not None and a is not b:
        a = None
        r.append("loop")
    r.append(a is b)
    return r


s = "x"
for a, b in [(None, None), (s, s), (1, None), ([], []), (True, True), (None, 0)]:
    print(ident(a, b))

# a raising __contains__ inside each jump form, caught where the test is
for form in range(3):
    try:
        if form == 0:
            if 1 in Box([], boom=True):
                print("never")
        elif form == 1:
            if 1 not in Box([], boom=True):
                print("never")
        else:
            print(2 in Box([], boom=True))
    except ValueError as e:
        print("ValueError", e)

# not a container
for c in (5, None, 2.5):
    try:
        if 1 in c:
            print("never")
    except TypeError as e:
        print("TypeError", e)


def count(keys, table):
    hits = 0
    for k in keys:
        if k in table:
            hits += 1
        elif k is None:
            hits -= 100
    return hits


print(count(list(range(50)) + [None], {i: i for i in range(0, 50, 7)}))
