"""Datasets shipped with ecolib: the seeded demo workspace generator."""

from .demo import DEFAULT_SEED, TABLE_NAMES, demo_facts, make_demo, write_demo

__all__ = ["DEFAULT_SEED", "TABLE_NAMES", "demo_facts", "make_demo", "write_demo"]
