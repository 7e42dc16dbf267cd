# raise SystemExit(code) works like sys.exit.
print("raising")
raise SystemExit(2)
