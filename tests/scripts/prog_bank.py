class InsufficientFunds(Exception):
    def __init__(self, needed, available):
        super().__init__(f'need {needed:.2f}, have {available:.2f}')
        self.needed = needed
        self.available = available

class Account:
    _next_id = 1
    interest = 0.0

    def __init__(self, owner, balance=0.0):
        self.owner = owner
        self._balance = balance
        self.id = Account._next_id
        Account._next_id += 1
        self.history = []

    @property
    def balance(self):
        return self._balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError('deposit must be positive')
        self._balance += amount
        self.history.append(('deposit', amount))
        return self

    def withdraw(self, amount):
        if amount > self._balance:
            raise InsufficientFunds(amount, self._balance)
        self._balance -= amount
        self.history.append(('withdraw', amount))
        return self

    def month_end(self):
        gained = self._balance * self.interest
        self._balance += gained
        return gained

    def __repr__(self):
        return f'{type(self).__name__}(#{self.id}, {self.owner!r}, {self._balance:.2f})'

    def __eq__(self, other):
        return isinstance(other, Account) and self.id == other.id

    def __hash__(self):
        return hash(self.id)

    def __lt__(self, other):
        return self._balance < other._balance

class Savings(Account):
    interest = 0.02

    def withdraw(self, amount):
        if len([h for h in self.history if h[0] == 'withdraw']) >= 2:
            raise RuntimeError('savings: at most 2 withdrawals')
        return super().withdraw(amount)

class Checking(Account):
    def __init__(self, owner, balance=0.0, overdraft=100.0):
        super().__init__(owner, balance)
        self.overdraft = overdraft

    def withdraw(self, amount):
        if amount > self._balance + self.overdraft:
            raise InsufficientFunds(amount, self._balance + self.overdraft)
        self._balance -= amount
        self.history.append(('withdraw', amount))
        return self

class Bank:
    def __init__(self):
        self.accounts = {}

    def open(self, kind, owner, balance=0.0):
        acct = kind(owner, balance)
        self.accounts[acct.id] = acct
        return acct

    def __len__(self):
        return len(self.accounts)

    def __iter__(self):
        return iter(sorted(self.accounts.values()))

    def __contains__(self, acct):
        return acct.id in self.accounts

    def transfer(self, src, dst, amount):
        try:
            src.withdraw(amount)
        except (InsufficientFunds, RuntimeError) as e:
            print(f'  transfer {src.id}->{dst.id} of {amount} failed: {e}')
            return False
        else:
            dst.deposit(amount)
            return True
        finally:
            print(f'  audit: {src!r} {dst!r}')

bank = Bank()
a = bank.open(Savings, 'ann', 1000)
b = bank.open(Checking, 'bob', 50)
c = bank.open(Account, 'cy')
print(len(bank), a in bank, list(bank))
print(bank.transfer(a, b, 200), bank.transfer(b, c, 300), bank.transfer(b, c, 200))
print(bank.transfer(a, c, 10), bank.transfer(a, c, 10))
for acct in bank:
    print(acct, acct.balance, f'{acct.month_end():.2f}')
try:
    c.deposit(-5)
except ValueError as e:
    print('error:', e)
try:
    a.balance = 5
except AttributeError:
    print('balance is read-only')
print(sorted(bank, reverse=True)[0].owner, max(bank).owner, {a, a, b} == {a, b})
print([h for acct in bank for h in acct.history])
totals = {type(x).__name__: round(x.balance, 2) for x in bank}
print(totals)
