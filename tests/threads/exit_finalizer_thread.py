# An object made by a thread that has exited, still referred to by a global
# when the program ends, is finalized at exit (in the nogil build its owner
# is gone: its counts were merged when the thread exited).
import threading


class Noisy:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name)


made = []
workers = [threading.Thread(target=lambda: made.append(Noisy("made by a thread")))]
for t in workers:
    t.start()
for t in workers:
    t.join()
print("made", len(made))
