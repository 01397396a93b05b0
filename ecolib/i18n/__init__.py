"""English and Chinese labels, headings and narrative strings, in one place.

Strings live in ``en.yaml`` and ``zh.yaml`` beside this file, under the same dotted keys.
``t("overview.title", "zh")`` returns the Chinese heading; ``{placeholders}`` are filled with
``str.format``. A key missing in one language is a bug: ``tests/test_i18n.py`` checks that both
files carry the same keys and the same placeholders.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("en", "zh")


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = str(value)
    return flat


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language as a flat ``{dotted.key: text}`` mapping."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    text = resources.files(__package__).joinpath(f"{lang}.yaml").read_text(encoding="utf-8")
    return _flatten(yaml.safe_load(text) or {})


def t(key: str, lang: str = "en", /, **values: Any) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in.

    Raises ``KeyError`` naming the key and language when it is missing.
    """
    try:
        text = catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"no {lang} text for {key!r} in ecolib/i18n/{lang}.yaml") from None
    return text.format(**values) if values else text


def has(key: str, lang: str = "en") -> bool:
    return key in catalogue(lang)
