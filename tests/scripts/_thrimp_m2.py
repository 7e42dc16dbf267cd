# With _thrimp_m1: each imports the other after a pause, from two threads.
import time
time.sleep(0.05)
import _thrimp_m1
B = 2
