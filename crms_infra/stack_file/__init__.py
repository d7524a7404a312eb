"""Pulumi.<stack>.yaml read as the Pulumi CLI reads it: bounded, its tags and plain scalars
checked, each problem naming the file's line."""
