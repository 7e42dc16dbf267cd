@dec
@dec2(1)
class A(B, metaclass=M):
    @property
    def x(self): ...
