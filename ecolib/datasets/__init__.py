"""Datasets shipped with ecolib: the tiny park of the tests and examples, the seeded demo park
generator, and China's national input-output tables."""

from .demo import DEFAULT_SEED, TABLE_NAMES, demo_facts, make_demo, write_demo
from .tiny import tiny, tiny_path

__all__ = ["DEFAULT_SEED", "TABLE_NAMES", "demo_facts", "make_demo", "tiny", "tiny_path", "write_demo"]
