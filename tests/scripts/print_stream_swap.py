# twinpy-only: CPython 3.11 crashes here (its print holds sys.stdout
# borrowed); twinpy's print holds the stream for the whole call.
# A stream whose write() reassigns sys.stdout (so that nothing else holds
# the stream) gets every piece of the print that started with it.
import sys
pieces = []


class OneShot:
    def write(self, s):
        sys.stdout = sys.__stdout__
        pieces.append(s)


sys.stdout = OneShot()
print("a", "b", "c", sep="-")
print(pieces)
