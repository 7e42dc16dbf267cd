import math, gc
print(math.sqrt(16), math.floor(-2.5), math.pi > 3, gc.collect() >= 0)
a = []; a.append(a); del a; print(gc.collect() >= 0)
