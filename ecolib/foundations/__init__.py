"""Foundations every analysis builds on: months (:mod:`~ecolib.foundations.months`), the chain
tree (:mod:`~ecolib.foundations.chain`), columnar helpers (:mod:`~ecolib.foundations.frames`).

Imports only the contract and workspace layers.
"""
