samples = ['\u0130stanbul', 'D\u017d\u01c4\u01c5\u01c6 lj\u01c9 nj dz\u01f3 \u01f1ungla', 'o\ufb03ce \ufb01sh \ufb00 \ufb02y \ufb06ar', '\u0149 \u01f0', 'stra\u00dfe \u00df', '\u03a3\u0399\u03a3\u03a5\u03a6\u039f\u03a3 \u03a3', 'caf\u00e9 \u00c9T\u00c9', 'a\u0130b', '\u01c5abc \u01c8x \u01cbY']
for s in samples:
    print(repr(s))
    for name in ['upper', 'lower', 'title', 'capitalize', 'casefold', 'swapcase']:
        r = getattr(s, name)()
        print(' ', name, repr(r), len(r))
print('\u01c5'.istitle(), '\u01c4'.isupper(), '\u01c6'.islower(), 'Ab\u01c5'.istitle())
