# An uncaught exception in the main thread is printed, then the program
# still waits for its non-daemon threads before exiting with status 1.
import threading
import time

def worker():
    time.sleep(0.05)
    print("worker finished")

threading.Thread(target=worker).start()
print("main raises")
raise ValueError("main fails")
