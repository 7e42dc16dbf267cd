# A chained exception: both are printed, the last line is the outer one.
def load(d):
    try:
        return d["key"]
    except KeyError as e:
        raise RuntimeError("could not load") from e

load({})
