# Names: module globals, locals, closures, class bodies, shadowing.
x = "global"


def read_global():
    return x


def shadow():
    x = "local"
    return x


def nested_nonlocal():
    x = "enclosing"

    def inner():
        nonlocal x
        x = "modified"

    inner()
    return x


print(read_global(), shadow(), nested_nonlocal(), x)


class K:
    x = "class attr"
    y = x + " derived"

    def method(self):
        return x


print(K.x, K.y, K().method())


def counter_factory():
    counts = {}

    def count(key):
        counts[key] = counts.get(key, 0) + 1
        return counts[key]

    return count


c = counter_factory()
c("a"); c("a")
print(c("a"), c("b"))


def make_multipliers():
    return [lambda v, n=n: v * n for n in (2, 3)]


print([m(5) for m in make_multipliers()])


def outer_function():
    def helper():
        return "helper of " + outer_function.__name__
    return helper()


print(outer_function())

if True:
    block_var = "blocks do not scope"
print(block_var)
for loop_var in range(3):
    pass
print(loop_var)


def global_creator():
    global created_later
    created_later = "made inside function"


global_creator()
print(created_later)


def unbound():
    try:
        print(undefined_local)
        undefined_local = 1
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)


unbound()
