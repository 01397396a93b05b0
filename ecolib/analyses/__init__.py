"""The analyses: pure functions, tables in, results out; no language, no formatting, no plots.

Imports only the contract, workspace and foundations layers (and each other).
"""
