print("gob-bench: under construction")
