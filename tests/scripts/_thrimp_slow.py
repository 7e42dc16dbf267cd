# Imported by threads_import.py from several threads at once: its body
# must run once, and every importer must see it complete.
import time
import _thrimp_log
_thrimp_log.runs.append("slow")
time.sleep(0.05)
READY = True
