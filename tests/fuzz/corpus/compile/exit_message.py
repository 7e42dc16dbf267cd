# sys.exit("msg"): the message goes to stderr, status 1.
import sys
print("about to fail")
sys.exit("fatal: configuration missing")
