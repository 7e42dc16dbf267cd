# str methods on ASCII text at every length around the eight-byte steps of
# the fast paths (case mapping, searching, slicing), with every ASCII
# character, against CPython's results.
chars = "".join(chr(i) for i in range(128))
samples = [chars, chars[::-1], "Hello World " * 10, "aZ@[`{" * 7, "", "x", "A"]
for n in range(0, 20):
    samples.append(chars[32:32 + n])
    samples.append(("ab" * 20)[:n])

digest = 0
for s in samples:
    for r in (s.upper(), s.lower(), s.casefold(), s.swapcase(), s.title(), s.capitalize()):
        for ch in r:
            digest = (digest * 131 + ord(ch)) % 1000000007
        assert len(r) == len(s)
        assert r.isascii()
print("case digest", digest)
print(chars.upper()[60:100])
print(chars.lower()[60:100])
print(chars.swapcase()[60:130])
print("hello wORLD 42x".title(), "hello wORLD 42x".capitalize())

# one-character results are the shared single characters
print("a".upper() == "A", "".upper() == "", "Q".lower())

# searching: needles of 1 to 10 bytes, found, not found, at either end,
# overlapping candidates, texts of 0 to 40 bytes
text = "abcabcabd abcd xyz aaab aaaab " * 3
needles = ["a", "ab", "abd", "abcd", "aaab", "aaaab", "xyz ", "zz", "b" * 9,
           "d abcd xyz", "abcabcabd", text[-8:], text[:8]]
for nd in needles:
    print(repr(nd), text.find(nd), text.rfind(nd), text.count(nd), nd in text,
          text.replace(nd, "<>").count("<>"))
for n in range(0, 41, 3):
    t = ("ab" * 30)[:n]
    print(n, t.find("ba"), t.find("abab"), t.replace("ab", "X")[:12])

# pieces of ASCII text stay ASCII and have their own length
s = "  padded text\t\n"
for piece in (s.strip(), s.lstrip(), s.rstrip(), s[2:8], s.split()[0], s.partition("d")[2]):
    print(repr(piece), len(piece), piece.isascii(), piece.upper())

# non-ASCII text keeps the general paths
u = "Straße ÉCOLE ǅ σς ﬁ"
print(u.upper(), u.lower(), u.swapcase(), u.title(), len(u.upper()))
print("Straße ÉCOLE ﬁ".casefold())
print(u.find("CO"), u.replace("É", "E"), u.strip("Sς ﬁ"), len(u[2:9]))
