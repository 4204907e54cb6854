"""The ANI planner: how many numbers a company needs where, from the calls it made."""
