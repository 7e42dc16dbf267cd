# twinpy-only: features outside the subset (LANGUAGE.md) must fail with a clear error naming them
snippets = [
    "async def fetch():\n    return 1\n",
    "x = 1\nmatch x:\n    case 1:\n        pass\n",
    "data = b'raw'\n",
    "z = 2j\n",
    "class A(metaclass=type):\n    pass\n",
    "from . import sibling\n",
]
for src in snippets:
    try:
        exec(src)
        print('ran:', src.splitlines()[0])
    except SyntaxError as e:
        print(type(e).__name__, e.msg, 'line', e.lineno)
    except NotImplementedError as e:
        print('NotImplementedError', e)
for name in ['os', 'json']:
    try:
        exec('import ' + name)
    except ImportError as e:
        print(type(e).__name__, e)
