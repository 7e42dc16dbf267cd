# At exit the globals of modules imported from source files are let go
# too (CPython clears every module): their finalizers run, in the order
# the objects were made, the imported module's first here.
import _exit_mod


class Main:
    def __del__(self):
        print("del a global of __main__")


main_global = Main()
print("end of program")
