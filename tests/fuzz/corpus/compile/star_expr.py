a, *b, c = *range(5), 1
print(*a, **{"sep": ""})
