"""Words for people kept as YAML data, one file per language: the rehearsal report's
(``training/texts/<lang>.yaml``), the exported playbook's headings, the sign-in, live, social and
customer errors. (The pages' and the coach's words are Babel catalogs: :mod:`calmdesk.i18n`.)

A file maps a table name to either one text or a mapping of keys to texts. :func:`load_texts`
turns the files of every language in :data:`calmdesk.languages.LANGUAGES` into the shape the
code reads: ``{table: {key: {lang: text}}}`` and, for single texts, ``{table: {lang: text}}``.
A language that lacks a table or a key falls back to English where the text is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

from calmdesk.languages import LANGUAGES

Texts = dict[str, str]
"""One text in each language: ``{lang: text}``."""
Table = dict[str, Texts]
"""Keyed texts: ``{key: {lang: text}}``."""


@dataclass(frozen=True)
class TextFiles:
    single: dict[str, Texts]
    tables: dict[str, Table]

    def text(self, name: str) -> Texts:
        return self.single[name]

    def table(self, name: str) -> Table:
        return self.tables[name]


def _read(package: str, lang: str) -> dict[str, object]:
    path = resources.files(package).joinpath("texts", f"{lang}.yaml")
    if not path.is_file():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict):
        raise ValueError(f"{package}/texts/{lang}.yaml: expected a mapping of tables")
    return document


def load_texts(package: str) -> TextFiles:
    single: dict[str, Texts] = {}
    tables: dict[str, Table] = {}
    for lang in LANGUAGES:
        for name, entry in _read(package, lang).items():
            where = f"{package}/texts/{lang}.yaml: {name}"
            if isinstance(entry, str):
                single.setdefault(name, {})[lang] = entry
            elif isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values()):
                for key, value in entry.items():
                    tables.setdefault(name, {}).setdefault(str(key), {})[lang] = value
            else:
                raise ValueError(f"{where}: expected a text or a mapping of keys to texts")
    return TextFiles(single=single, tables=tables)
