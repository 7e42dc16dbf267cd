vals = [0.1, 0.5, 1/3, 2/3, 1e-10, 1.23456789e-5, 1e22, 1.5e300, 5e-324, 2.5, 3.5, -1.5, 1234.5678, 0.000001, 100.0, 99.99999999999999]
for v in vals:
    print(repr(v), str(v), f'{v:g}', f'{v:.3g}', f'{v:.2f}', f'{v:e}', f'{v:10.4}', f'{v:.0f}', round(v, 2), round(v, 5))
for v in [0, 7, -7, 255, 1000000, -123456789, 2**31, 2**62]:
    print(f'{v:,} {v:_x} {v:>+10} {v:<10d}| {v:=+12}| {v:#010x} {v:e} {v:.2f} {v:%}')
print(int('  -0  '), int('+5'), int('0x_ff', 16) if False else '', int('1_2_3'), int('Z', 36), int('10', 2), int('777', 8), int('-101', 2))
print(float('1_000.5'), float('.5'), float('5.'), float('-.5e-3'), float('Infinity'), float('-nan'), float('  1e5\n'))
print(7 // 2.0, 7 % 2.5, -7 % 2.5, 2 ** 0.5 * 2 ** 0.5, 10 / 4, 10 // 4, -10 // 4, 1e16 + 1, 0.1 * 3 == 0.3)
print(divmod(-7.5, 2), divmod(7, -2), divmod(0, 5), (-7) // 2, (-7) % 2, 7 // -2.0, -0.0 * 1, 0.0 * -1)
print(round(0.125, 2), round(0.375, 2), round(2.675, 2), round(-1.005, 2), round(1e-20, 25), round(123.456, -1), round(-15, -1), round(25, -1), round(35, -1))
print(abs(-0.0), -0.0, 0.0 == -0.0, float('nan') == float('nan'), float('inf') > 1e308, max(1, 1.0), min(1.0, 1), max(-0.0, 0.0))
print(hash(-1), hash(1.5) == hash(1.5), hash(0.0) == hash(-0.0), hash(2**61) if False else '', True + 1.5, 3 * True)
print(1 < 2.5 < 3, 3 == 3.0000000000000001, 2**53 + 1 == float(2**53 + 1), 10**15 < 1e16, int(2.9999999999999996), int(-0.5))
print(bool(0.0), bool(-0.0), bool(float('nan')), 1 if 0.0 else 2, not 1e-300)
print(pow(-2, 3), pow(-8, 1/3) if False else '', pow(2, -2), pow(10, 2, 7), pow(-3, 3, 5), 2 ** 62, (-2) ** 63 if False else '', 0 ** 0.0)
print(5 .bit_length(), (255).bit_length(), (1024).to_bytes if False else '', (10).__add__(5), (7).real, (3.5).is_integer(), (4.0).is_integer(), (0.5).as_integer_ratio())
print(int.__name__, float(3), int(3.999), int('0'), str(-0), str(0.0), repr(-0.0), 1e-7, 1e-6 * 10, 123456789012345.0, 1234567890123456789.0)
x = 10
x //= 3; print(x)
x = 2.5
x **= 2; print(x)
x = 7
x %= -3; print(x)
print(sum([0.1] * 10), sum([1, 2, 3], 0.5), sum(range(10), 100))
print(max(3, 1, key=lambda v: -v), min([4, 2, 8], key=lambda v: abs(v - 5)), sorted([1.5, 1, 0.5, True]))
print(format(1234567.891, ',.2f'), format(0.5, '.0%'), format(-3, '05d'), format(3.0, 'g'), format(1e-5, '.1e'), format(123, 'c') if False else '', format(65, 'c'))
print('%.3f|%10.2e|%-8d|%+d|%x|%X|%o|%5s|%-5s|%%|%c|%i' % (3.14159, 12345.6789, 42, 5, 255, 255, 8, 'ab', 'cd', 'Z', 7))
print('%s %r' % ([1, 'a'], [1, 'a']), '%d%%' % 50, '%5.1f' % -0.05, '%.0f' % 0.5, '%.0f' % 1.5, '%g' % 1e-4, '%g' % 123456789)
