"""The diff command: two plans compared resource by resource and value by value, the saved
plan files it reads, and the base checkout planned by its own code (tree_plan)."""
