import math

def read_records():
    raw = """
    2024-01-03,north,widget,5,2.50
    2024-01-03,south,gadget,2,10.00
    2024-01-04,north,gadget,1,10.00
    # comment line
    2024-01-05,east,widget,12,2.25
    bad,line
    2024-01-05,north,widget,3,2.50
    2024-01-06,south,widget,7,2.40
    """
    for lineno, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        yield lineno, line

def parse(records):
    for lineno, line in records:
        parts = line.split(',')
        try:
            date, region, item, qty, price = parts
            yield {'date': date, 'region': region, 'item': item, 'qty': int(qty), 'price': float(price)}
        except ValueError as e:
            print(f'line {lineno}: skipped ({e})')

def with_total(rows):
    for r in rows:
        r['total'] = r['qty'] * r['price']
        yield r

def group_by(rows, key):
    groups = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    return groups

rows = list(with_total(parse(read_records())))
print(len(rows), 'rows')
by_region = group_by(rows, 'region')
for region in sorted(by_region):
    rs = by_region[region]
    tot = sum(r['total'] for r in rs)
    print(f"{region:>6}: {len(rs)} sales, {tot:8.2f}, avg {tot / len(rs):.3f}")
by_item = group_by(rows, 'item')
print({k: sum(r['qty'] for r in v) for k, v in by_item.items()})
qtys = [r['qty'] for r in rows]
mean = sum(qtys) / len(qtys)
sd = math.sqrt(sum((q - mean) ** 2 for q in qtys) / len(qtys))
print(f'mean={mean:.3f} sd={sd:.3f} max={max(qtys)} min={min(qtys)}')
running = 0
def running_total(xs):
    total = 0
    for x in xs:
        total += x
        yield total
print(list(running_total(qtys)))
def window(xs, n):
    buf = []
    for x in xs:
        buf.append(x)
        if len(buf) > n:
            buf.pop(0)
        if len(buf) == n:
            yield tuple(buf)
print(list(window(range(6), 3)))
def chain(*its):
    for it in its:
        yield from it
print(list(chain('ab', [1, 2], (x * 10 for x in range(2)))))
top = sorted(rows, key=lambda r: (-r['total'], r['date']))[:3]
for r in top:
    print(r['date'], r['item'], f"{r['total']:.2f}")
print(dict(sorted(((r['date'], r['qty']) for r in rows), reverse=True)))
