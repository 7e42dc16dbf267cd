def permutations(items):
    if len(items) <= 1:
        yield list(items)
        return
    for i, x in enumerate(items):
        for rest in permutations(items[:i] + items[i + 1:]):
            yield [x] + rest

def n_queens(n):
    solutions = []
    def place(row, cols, d1, d2, board):
        if row == n:
            solutions.append(board[:])
            return
        for c in range(n):
            if c in cols or (row - c) in d1 or (row + c) in d2:
                continue
            board.append(c)
            place(row + 1, cols | {c}, d1 | {row - c}, d2 | {row + c}, board)
            board.pop()
    place(0, set(), set(), set(), [])
    return solutions

def memoize(fn):
    cache = {}
    def wrapper(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]
    wrapper.cache = cache
    return wrapper

@memoize
def binom(n, k):
    if k == 0 or k == n:
        return 1
    return binom(n - 1, k - 1) + binom(n - 1, k)

def sieve(limit):
    is_prime = [True] * (limit + 1)
    is_prime[0] = is_prime[1] = False
    for i in range(2, int(limit ** 0.5) + 1):
        if is_prime[i]:
            for j in range(i * i, limit + 1, i):
                is_prime[j] = False
    return [i for i, p in enumerate(is_prime) if p]

def caesar(text, shift):
    out = []
    for ch in text:
        if ch.isalpha():
            base = ord('A') if ch.isupper() else ord('a')
            out.append(chr((ord(ch) - base + shift) % 26 + base))
        else:
            out.append(ch)
    return ''.join(out)

def matmul(a, b):
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]

def binary_search(xs, target):
    lo, hi = 0, len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid
        elif xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -(lo + 1)

def merge_sort(xs, key=lambda v: v):
    if len(xs) <= 1:
        return xs[:]
    mid = len(xs) // 2
    left, right = merge_sort(xs[:mid], key), merge_sort(xs[mid:], key)
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        if key(right[j]) < key(left[i]):
            out.append(right[j]); j += 1
        else:
            out.append(left[i]); i += 1
    out.extend(left[i:]); out.extend(right[j:])
    return out

def gcd(a, b):
    while b:
        a, b = b, a % b
    return a

def collatz_len(n, memo={1: 1}):
    if n not in memo:
        memo[n] = 1 + collatz_len(n // 2 if n % 2 == 0 else 3 * n + 1)
    return memo[n]

print([''.join(p) for p in permutations('abc')], len(list(permutations(list(range(5))))))
sols = n_queens(6)
print(len(sols), sols[0], len(n_queens(8)))
print([binom(10, k) for k in range(11)], len(binom.cache))
print(sieve(60), len(sieve(10000)))
enc = caesar('Hello, World! xyz', 3)
print(enc, caesar(enc, -3))
print(matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]), matmul([[1.5, 0]], [[2], [3]]))
xs = sorted([17, 3, 99, 42, 8, 23])
print(xs, [binary_search(xs, t) for t in (42, 3, 99, 50, 1)])
words = ['pear', 'Apple', 'fig', 'banana', 'kiwi', 'date']
print(merge_sort(words), merge_sort(words, key=str.lower), merge_sort(words, key=len))
print(sorted(words, key=len) == merge_sort(words, key=len))
print(gcd(1071, 462), [gcd(a, 12) for a in range(1, 13)])
best = max(range(1, 3000), key=collatz_len)
print(best, collatz_len(best))
grid = ['#..#', '.##.', '#..#']
print(['' .join('X' if c == '#' else ' ' for c in row) for row in grid], sum(row.count('#') for row in grid))
transposed = [''.join(col) for col in zip(*grid)]
print(transposed)
counts = {}
for ch in 'mississippi':
    counts[ch] = counts.get(ch, 0) + 1
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
fizz = ['FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0 else 'Buzz' if i % 5 == 0 else str(i) for i in range(1, 16)]
print(' '.join(fizz))
pascal = [[1]]
for _ in range(6):
    prev = pascal[-1]
    pascal.append([1] + [a + b for a, b in zip(prev, prev[1:])] + [1])
for row in pascal:
    print(' '.join(map(str, row)).center(30))
