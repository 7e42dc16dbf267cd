# What the threads_import.py helper modules did, in order.
runs = []
