"""The input contract: the tables a workspace holds, their columns and types, and the
vocabularies (stages, flow kinds, levels, statuses, severities) every layer above uses;
:mod:`~ecolib.contract.problems` is the one shape of an input problem (file, row, column, what).

The bottom layer: imports nothing of ecolib.
"""
