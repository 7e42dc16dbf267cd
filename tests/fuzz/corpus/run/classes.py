class B:
    k = 1
    def __init__(self, v): self.v = v
    def __eq__(self, o): return isinstance(o, B) and o.v == self.v
    def __hash__(self): return hash(self.v)
    def __lt__(self, o): return self.v < o.v
    def __len__(self): return self.v
    def __iter__(self): return iter(range(self.v))
    def __getitem__(self, i): return i * self.v
class C(B):
    def __init__(self, v):
        super().__init__(v + 1)
bs = sorted([C(3), B(1), C(0)])
print([b.v for b in bs], {B(1): 2}[B(1)], len(C(2)), list(C(1)), C(2)[3])
