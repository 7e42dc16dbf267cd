try:
    pass
except* ValueError:
    pass
try:
    pass
finally:
    pass
