# sys.exit() ends the program; the finalizers of what it left alive still
# run, and one that raises is reported (last line of stderr) without
# changing the exit status.
import sys


class Last:
    def __del__(self):
        print("finalized at exit")
        raise ValueError("raised by a finalizer at exit")


keep = Last()
print("exiting with 3")
sys.exit(3)
