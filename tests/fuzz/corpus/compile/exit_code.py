# sys.exit(3): status 3, nothing on stderr, later code does not run.
import sys
print("exiting with 3")
sys.exit(3)
print("never")
