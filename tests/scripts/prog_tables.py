rows = [
    ('Widget', 4, 3.5, 0.1),
    ('Gadget', 12, 10.0, 0.0),
    ('Thingamajig', 1, 199.99, 0.25),
    ('Doohickey', 1000, 0.015, 0.05),
]
header = f"{'Item':<12}{'Qty':>6}{'Price':>10}{'Disc':>7}{'Total':>12}"
print(header)
print('=' * len(header))
grand = 0.0
for name, qty, price, disc in rows:
    total = qty * price * (1 - disc)
    grand += total
    print(f'{name:<12.10}{qty:>6d}{price:>10.2f}{disc:>7.0%}{total:>12,.2f}')
print('-' * len(header))
print(f"{'TOTAL':<12}{'':>23}{grand:>12,.2f}")
print(f'{grand:e} {grand:.3g} {grand:015.3f} {-grand:+.1f} {int(grand):#x} {int(grand):_d}')
for n in [0, 1, -1, 255, 65535, 10**9]:
    print(f'|{n:>12}|{n:<12}|{n:^12}|{n:+}|{n:08b}|' if n >= 0 else f'|{n:>12}|{n:<12}|{n:^12}|{n:+}|')
for x in [0.0, 1.5, -2.25, 1e-7, 123456.789, float('inf'), float('nan')]:
    print(f'{x:10.3f}|{x:<10g}|{x:^12.2e}|{x!r}|{str(x):>12}')
names = ['alice', 'Bob', 'carol', 'dave']
print(', '.join(f'{i}:{n.capitalize()}' for i, n in enumerate(names, 1)))
print('{:-^30}'.format(' centered '), '{0:>{1}}'.format('dyn', 8), '%-8s|%8.3f|' % ('pct', 3.14159))
data = {'apples': 3, 'kiwis': 12, 'figs': 7}
width = max(map(len, data))
for k, v in sorted(data.items(), key=lambda kv: kv[1], reverse=True):
    print(f'{k:.<{width + 3}}{v:.>5}')
print(f"{'nested ' + str(len(data)):*>20}")
print(repr(f'{3.0}'), f'{1e21}', f'{0.1 + 0.2}', f'{2**40}', f'{True}', f'{None!r}', f'{[1, 2]}', f"{ {'a': 1}['a'] }")
