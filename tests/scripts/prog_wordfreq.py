TEXT = """
It was the best of times, it was the worst of times, it was the age of wisdom,
it was the age of foolishness, it was the epoch of belief, it was the epoch of
incredulity, it was the season of Light, it was the season of Darkness, it was
the spring of hope, it was the winter of despair.
"""

def tokenize(text):
    word = []
    for ch in text.lower():
        if ch.isalpha() or ch == "'":
            word.append(ch)
        elif word:
            yield ''.join(word)
            word = []
    if word:
        yield ''.join(word)

def count(words):
    freq = {}
    for w in words:
        freq[w] = freq.get(w, 0) + 1
    return freq

def report(freq, top=8):
    items = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
    width = max(len(w) for w, _ in items[:top])
    total = sum(freq.values())
    print(f"{'word':<{width}} | {'n':>3} | share")
    print('-' * (width + 16))
    for w, n in items[:top]:
        bar = '#' * n
        print(f'{w:<{width}} | {n:>3} | {n / total:6.1%} {bar}')
    print(f'{len(freq)} distinct words, {total} total')
    lengths = {}
    for w in freq:
        lengths.setdefault(len(w), []).append(w)
    for k in sorted(lengths):
        print(k, ','.join(sorted(lengths[k])))

report(count(tokenize(TEXT)))
letters = {}
for ch in TEXT:
    if ch.isalpha():
        letters[ch.lower()] = letters.get(ch.lower(), 0) + 1
print(sorted(letters.items(), key=lambda x: x[1], reverse=True)[:5])
print(max(tokenize(TEXT), key=len), min(set(tokenize(TEXT))))
