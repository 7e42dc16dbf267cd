# twinpy-only: file I/O is outside the subset (LANGUAGE.md: input-free I/O)
print("before")
try:
    open("data.txt")
except NotImplementedError as e:
    print("caught:", e)
with open("data.txt") as f:
    print(f.read())
