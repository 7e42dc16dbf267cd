# with: __enter__/__exit__, suppression, nesting, exceptions passing through.
class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None, exc)
        return self.suppress


with Resource("plain") as r:
    print("inside", r.name)

with Resource("outer") as a, Resource("inner") as b:
    print("both", a.name, b.name)

with Resource("suppressing", suppress=True):
    raise ValueError("swallowed")
print("after suppressed exception")

try:
    with Resource("passing"):
        raise KeyError("escapes")
except KeyError as e:
    print("caught outside:", e)


def early_return():
    with Resource("returning"):
        return "returned value"


print(early_return())

for i in range(3):
    with Resource(f"loop{i}"):
        if i == 1:
            continue
        if i == 2:
            break
        print("body", i)


class Timer:
    def __enter__(self):
        self.entered = True
        return "as-value"

    def __exit__(self, *args):
        return False


with Timer() as value:
    print(value)
