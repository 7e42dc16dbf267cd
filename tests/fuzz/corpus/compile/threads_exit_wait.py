# At exit the interpreter waits for non-daemon threads (their output
# appears after the main program's last line) but not for daemon threads.
import threading
import time

gate = threading.Event()

def late():
    gate.wait()
    time.sleep(0.05)
    print("non-daemon thread finished")

def forever():
    while True:
        time.sleep(0.01)

threading.Thread(target=late).start()
threading.Thread(target=forever, daemon=True).start()
print("main program ends")
gate.set()
