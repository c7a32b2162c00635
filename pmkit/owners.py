"""One person, one owner: handles and full names that name the same person.

Postmortems name owners the way their authors write: ``@sam`` in one,
``Sam Okafor`` in another, ``sam okafor`` in a tracker export. Counted as
written, one person's overdue actions are split over several rows of every
table that groups by owner. :func:`owner_aliases` proposes which written forms
are one person (it never merges on its own); :func:`with_owners` applies a
mapping, the proposals or one of your own.

>>> from pmkit import Postmortems, schema
>>> actions = schema.conform({"incident_id": ["a", "a", "b"], "action_id": ["a#1", "a#2", "b#1"],
...                           "text": ["x", "y", "z"], "owner": ["sam", "Sam Okafor", "li"],
...                           "status": ["open"] * 3},
...                          "actions")
>>> pm = Postmortems(actions=actions)
>>> owner_aliases(pm)[["alias", "owner", "reason"]]
  alias       owner       reason
0   sam  Sam Okafor  first name
>>> with_owners(pm, owner_aliases(pm)).actions["owner"].tolist()
['Sam Okafor', 'Sam Okafor', 'li']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from pmkit import schema
from pmkit.errors import UsageError

if TYPE_CHECKING:
    from pmkit.collection import Postmortems

__all__ = ["owner_aliases", "with_owners"]

_SEPARATORS = re.compile(r"[._\-\s]+")


def _handle_forms(name: str) -> dict[str, str]:
    """The handles a full name is commonly shortened to, with how."""
    words = [w for w in _SEPARATORS.split(name.lower()) if w]
    if len(words) < 2:
        return {}
    first, last = words[0], words[-1]
    forms = {
        first: "first name",
        first + last: "first and last name",
        first[0] + last: "initial and last name",
        first + last[0]: "first name and initial",
    }
    forms.setdefault(last, "last name")
    return forms


def owner_aliases(pm: Postmortems) -> pd.DataFrame:
    """Owners written in several ways that look like one person.

    Two kinds of pairs are proposed:

    - the same name in another case or spacing (``sam okafor`` ~ ``Sam Okafor``),
      mapped to its most used form;
    - a handle (one word, ``@`` dropped) that is the first name, last name,
      ``firstlast``, ``flast`` or ``firstl`` of exactly one full name; a handle
      that fits two people is left alone.

    Parameters
    ----------
    pm : Postmortems
        The collection whose ``actions.owner`` values are compared.

    Returns
    -------
    DataFrame
        One row per proposal: ``alias`` (as written), ``owner`` (the form to use),
        ``reason`` and ``actions`` (how many actions the alias owns). Empty when
        every owner is written one way. Review it, drop rows that are wrong, and
        pass it to :func:`with_owners`.
    """
    owners = pm.actions["owner"].dropna().astype(str)
    counts = Counter(o.strip() for o in owners if o.strip())
    rows: list[dict[str, object]] = []
    # 1. the same words in another case or spacing
    by_key: dict[str, list[str]] = {}
    for owner in counts:
        by_key.setdefault(" ".join(owner.lower().split()), []).append(owner)
    canonical: dict[str, str] = {}
    for forms in by_key.values():
        best = max(forms, key=lambda f: (counts[f], f != f.lower(), f))
        for f in forms:
            canonical[f] = best
            if f != best:
                rows.append({"alias": f, "owner": best, "reason": "same name"})
    # 2. handles that shorten exactly one full name
    names = sorted({c for c in canonical.values() if len(c.split()) >= 2})
    handle_of: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        for form, reason in _handle_forms(name).items():
            handle_of.setdefault(form, []).append((name, reason))
    for owner in counts:
        if canonical[owner] != owner or len(owner.split()) != 1:
            continue
        key = owner.lstrip("@").lower()
        found = handle_of.get(key, [])
        if len({name for name, _ in found}) == 1:
            rows.append({"alias": owner, "owner": found[0][0], "reason": found[0][1]})
    out = pd.DataFrame(rows, columns=["alias", "owner", "reason"])
    out["actions"] = [counts[a] for a in out["alias"]]
    out = out.sort_values(["owner", "alias"], kind="stable").reset_index(drop=True)
    text = schema.STRING
    return out.astype({"alias": text, "owner": text, "reason": text, "actions": "int64"})


def with_owners(pm: Postmortems, aliases: Mapping[str, str] | pd.DataFrame) -> Postmortems:
    """A copy of ``pm`` whose action owners are written one way per person.

    Parameters
    ----------
    pm : Postmortems
        The collection.
    aliases : mapping or DataFrame
        ``{"sam": "Sam Okafor", ...}``, or a frame with ``alias`` and ``owner``
        columns such as :func:`owner_aliases` returns (after review).

    Returns
    -------
    Postmortems
        The same tables, with ``actions.owner`` replaced where it is an alias.

    Raises
    ------
    UsageError
        If the frame lacks ``alias``/``owner`` columns, or an alias is mapped to
        an empty owner or to two different owners.
    """
    from pmkit.collection import Postmortems

    if isinstance(aliases, pd.DataFrame):
        missing = [c for c in ("alias", "owner") if c not in aliases.columns]
        if missing:
            raise UsageError(
                f"the aliases frame needs columns alias and owner (missing: {', '.join(missing)});"
                " pass pmkit.owner_aliases(pm) or a mapping {'sam': 'Sam Okafor'}"
            )
        pairs = list(zip(aliases["alias"], aliases["owner"], strict=True))
    else:
        pairs = list(aliases.items())
    mapping: dict[str, str] = {}
    for alias, owner in pairs:
        if pd.isna(owner) or not str(owner).strip():
            raise UsageError(f"alias {alias!r} is mapped to an empty owner; give the person's name")
        key, value = str(alias).strip(), str(owner).strip()
        if mapping.get(key, value) != value:
            raise UsageError(
                f"alias {key!r} is mapped to both {mapping[key]!r} and {value!r}; keep one"
            )
        mapping[key] = value
    actions = pm.actions.copy()
    stripped = actions["owner"].str.strip()
    actions["owner"] = stripped.map(mapping).fillna(actions["owner"]).astype(schema.STRING)
    tables = dict(pm.tables, actions=actions)
    return Postmortems(**tables, inputs=pm.inputs)
