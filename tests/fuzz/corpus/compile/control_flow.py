# if/elif/else, while/else, for/else, break, continue, pass.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "large"

print([classify(n) for n in (-5, 0, 3, 42)])
i = 0
while i < 5:
    i += 1
    if i == 2:
        continue
    if i == 4:
        break
    print("while", i)
else:
    print("not reached")
n = 0
while n < 3:
    n += 1
else:
    print("while finished normally", n)
for x in range(3):
    pass
else:
    print("for finished normally", x)
for x in [1, 3, 5, 6, 7]:
    if x % 2 == 0:
        print("first even", x)
        break
else:
    print("no even")
for x in [1, 3]:
    if x % 2 == 0:
        break
else:
    print("no even in", [1, 3])
for a in range(3):
    for b in range(3):
        if b > a:
            break
        if a == b:
            continue
        print("pair", a, b)
total = 0
for ch in "hello":
    if ch in "aeiou":
        continue
    total += 1
print("consonants", total)
count = 0
while True:
    count += 1
    if count >= 100:
        break
print(count)
if not []:
    print("empty list is false")
if {} or () or "" or 0 or 0.0 or None:
    print("unreachable")
else:
    print("all falsy")
