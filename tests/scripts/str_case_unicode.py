# str.upper, lower and casefold of every code point from U+0080 to
# U+1FFFF (where all cased scripts are), one character at a time and in
# words: equal to CPython's, full mappings included (sharp s to "ss",
# final sigma, ligatures, Cherokee folding to itself, Greek iota
# subscripts), reported as a digest and a few samples.
def digest(texts):
    d = 0
    for t in texts:
        for ch in t:
            d = (d * 1000003 + ord(ch)) % 1000000007
        d = (d * 31 + len(t)) % 1000000007
    return d


chars = [chr(cp) for cp in range(0x80, 0x20000) if not 0xD800 <= cp < 0xE000]
print("upper", digest(c.upper() for c in chars))
print("lower", digest(c.lower() for c in chars))
print("casefold", digest(c.casefold() for c in chars))
words = "".join(chars[i] for i in range(0, len(chars), 7))
print("words", digest([words.upper(), words.lower(), words.casefold()]))
for s in ("Straße", "ΣΊΣΥΦΟΣ σς", "ﬁﬂ ﬀ", "ᏣᎳᎩ ꮳꮃꭹ", "ᾳ ᾼ ῳ", "ŉ ǰ ΐ", "İstanbul", "µ ſ ϐ ϑ"):
    print(s.upper(), s.lower(), s.casefold(), len(s.upper()), len(s.casefold()))
