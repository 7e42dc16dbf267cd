print(0x1F, 0o17, 0b1011, 1_000_000, 0xdead_beef, 0B11, 0O7, 0X1f)
print(1.5, 1e10, 1.5e-7, 3.0, .5, 5., 1_0.2_5, 1e300*10, -0.0, 1e16, 123456789.0, 0.1+0.2)
print(float('inf'), float('-inf'), float('nan'), 2.5e-300, 1/3)
print('single', "double", '''triple
line''', """tri "double" """, 'it\'s', "say \"hi\"")
print('tab\there', 'nl\\n', '\x41\u00e9\101', r'raw\n', 'a' 'b' "c")
print(repr('quote\'s'), repr("dq\"s"), repr('both\'"'), repr('\n\t\\'), repr('\x00\x7f'), repr('é'))
print(True, False, None, [1, 2], (1,), (), [], {}, {1: 'a'}, {1, 2}, set(), (1, 2, 3))
print([1, [2, [3, []]]], {'a': [1, 2], 'b': (3,)}, {(1, 2): {3}})
x = 3.14159
n = 42
s = 'hi'
print(f'{x:.3f} {n:>6} {n:<6}| {n:^7}| {s!r} {n:05d} {n:x} {n:X} {n:o} {n:b} {n:,} {x:10.2f}|')
print(f'{x:e} {x:.2e} {x:g} {1e20:g} {x:%} {0.25:.1%} {n:+d} {-n:+d} { n }')
print(f'{"nested"} {n*2} {[1,2][0]} {s.upper()} {n!s} {s!a} {x=} {n = }')
w = 10
p = 3
print(f'{x:{w}.{p}f}|{s:*^{w}}|{n:#x}|{n:#o}|{n:#b}|{1234567.891:,.2f}|{n:_}')
print(f'{{literal}} {n}%')
print(f'''{n}
{s}''')
print(format(3.5, '.1f'), format(42, 'd'), format('x', '>3'), format(12345, ','), format(0.000123, 'g'))
print('{} {}'.format(1, 2), '{1} {0}'.format('a', 'b'), '{name}!'.format(name='bob'), '{:>5}|'.format('ab'), '{0:.2f}'.format(2.345))
print('{!r}'.format('x'), '{0[1]}'.format([5, 6]), '%d %s %.2f %r %5d|%-5d|' % (1, 'a', 2.5, 'q', 3, 4), '%x %o %%' % (255, 8))
print(1e-5, 1e-4, 0.0001234, 1e15, 1e17, 123e-20, 2.0**0.5, 100.0, 1.0e2, float(10**15), 4.35, 0.1*3)
print(round(2.675, 2), round(0.5), round(1.5), round(2.5), round(-0.5), round(3.14159, 3), round(1234, -2), round(7.0))
print(int('12'), int('-0x1f', 16), int('  42  '), int('1_000'), int('z', 36), int(3.9), int(-3.9), int(True), int('0b101', 0))
print(float('1.5'), float(' -2 '), float('1e3'), float(7), str(1.0), str(10**0.5))
print(hex(255), oct(8), bin(5), hex(-42), bin(0))
