"""The Excel activity-data template of a product model: written, filled, read back.

An enterprise gets one workbook per model (:func:`write_activity_template`), fills in its
activity data, and uploads it back (:func:`read_activity_template`). The workbook holds

- sheet ``活动数据 Activity data``: one row per line of the model. The line id, stage,
  name, what the line links to and its current unit are read-only (the sheet is
  protected, the editable cells unlocked); the factor of a line linked to one (a list
  of the library's factors of the line's kind, given by the caller), the amount and unit
  (for a transport line:
  the mass and the distance, each with its unit), primary/secondary data, evidence, the
  PEF quality scores and the uncertainty are editable and pre-filled with the model's
  current values. Headers are bilingual, e.g. ``数量 Amount``;
- sheet ``说明 Instructions``: what each column means, in Chinese and English;
- a hidden sheet ``meta``: the model id, the digest of the model document the template
  was made from and each line as the workbook wrote it. A template of another model is
  refused; one of an earlier version of this model still fills the lines it names (the
  cells a person changed are applied to the line as it is now; lines changed, removed or
  added since are reported, see :func:`read_activity_data`);
- a hidden sheet ``factors``: the list of factors each line may choose.

Reading is all or nothing: every cell is checked, every problem is collected, and
:class:`TemplateError` lists them all by cell (``'活动数据 Activity data'!G5 (row 5,
column "单位 Unit"): …``); only when there is none is the new model data returned, and
then it has passed the same checks as a model file (schema and domain rules).

Design note: cells the user did not change keep the model's own text, so a template read
back without edits gives the model data unchanged (a quantity written ``"1,200 kg"``
stays so, rather than becoming ``"1200 kg"``); a changed quantity is written in the
style the line used (``"12.5 MWh"`` or ``{amount, unit}``). Rows are matched to lines by
line id, not by position, so a sorted or filtered copy of the sheet still reads right.
"""

from __future__ import annotations

from tanji.io.activity_template._common import (
    DATA_SHEET,
    FACTORS_SHEET,
    FORMAT,
    INSTRUCTIONS_SHEET,
    LANGUAGES,
    META_SHEET,
    FactorChoice,
    TemplateError,
    TemplateProblem,
)
from tanji.io.activity_template._read import (
    TemplateReading,
    read_activity_data,
    read_activity_template,
)
from tanji.io.activity_template._write import write_activity_template

__all__ = [
    "DATA_SHEET",
    "FACTORS_SHEET",
    "FORMAT",
    "INSTRUCTIONS_SHEET",
    "LANGUAGES",
    "META_SHEET",
    "FactorChoice",
    "TemplateError",
    "TemplateProblem",
    "TemplateReading",
    "read_activity_data",
    "read_activity_template",
    "write_activity_template",
]
