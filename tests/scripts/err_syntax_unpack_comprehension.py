values = [[1, 2], [3]]
print("never runs")
print(*v for v in values)
