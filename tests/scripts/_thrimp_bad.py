# Fails after a while: threads that waited for it get the same module
# object, never run it again (as in CPython).
import time
import _thrimp_log
_thrimp_log.runs.append("bad")
time.sleep(0.3)
raise ValueError("broken module")
