# Helper for exit_finalizers_modules.py: a global with a finalizer in an
# imported module.
class Held:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name)


held = Held("a global of an imported module")
