"""The repair switches, one per named fixer: apart from `pipelines.repair`, so that a command line can build its
options from them without loading the fixers (OpenCC, pypinyin, ftfy) before a command runs."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class RepairConfig:
    """One switch per fixer; `to_simplified=None` decides from the evidence, True/False force it."""

    line_breaks: bool = True
    zero_width: bool = True
    nbsp: bool = True
    indentation: bool = True
    trailing_spaces: bool = True
    latin_mojibake: bool = True
    cjk_mojibake: bool = True
    phantom_bytes: bool = True
    pinyin_annotations: bool = True
    to_simplified: bool | None = None
    fullwidth_punctuation: bool = True
    doubled_punctuation: bool = True

    @classmethod
    def from_dict(cls, switches: dict) -> RepairConfig:
        """A config from a profile's or a CLI's `{fixer_name: bool}`; unknown names are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in switches.items() if k in names})
