# A helper module imported by modules_import.py.
GREETING = "hello from helper"
counter = 0


def bump():
    global counter
    counter += 1
    return counter


class Thing:
    def __repr__(self):
        return "Thing()"


print("helper module body runs once, as", __name__)
