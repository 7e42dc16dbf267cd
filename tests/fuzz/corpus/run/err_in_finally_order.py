# finally blocks run and print before the uncaught error ends the program.
def work():
    try:
        print("working")
        raise KeyError("k")
    finally:
        print("cleanup")
work()
