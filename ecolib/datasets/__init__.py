"""Datasets shipped with ecolib: the tiny park of the tests and examples, the seeded demo park
generator, the second demo (a biomedicine park with partial, Chinese-only data) and China's
national input-output tables."""

from .biomed import biomed_facts, make_biomed, write_biomed
from .demo import DEFAULT_SEED, TABLE_NAMES, demo_facts, make_demo, write_demo
from .tiny import tiny, tiny_path

__all__ = ["DEFAULT_SEED", "TABLE_NAMES", "biomed_facts", "demo_facts", "make_biomed", "make_demo", "tiny", "tiny_path",
           "write_biomed", "write_demo"]
