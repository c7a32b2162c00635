"""One person, one owner: proposing and applying owner aliases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit import schema
from pmkit.cli import main
from pmkit.errors import UsageError

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _pm(owners: list[str | None]) -> pmkit.Postmortems:
    n = len(owners)
    actions = schema.conform(
        {
            "incident_id": [f"i{k}" for k in range(n)],
            "action_id": [f"i{k}#1" for k in range(n)],
            "text": ["fix it"] * n,
            "owner": owners,
            "status": ["open"] * n,
        },
        "actions",
    )
    return pmkit.Postmortems(actions=actions)


def test_handles_and_spellings_of_one_person_are_proposed() -> None:
    pm = _pm(["sam", "Sam Okafor", "sam okafor", "Sam Okafor", "@jkim", "Jo Kim", "mnowak", None])
    found = pmkit.owner_aliases(pm)
    got = set(found[["alias", "owner", "reason"]].itertuples(index=False, name=None))
    assert got == {
        ("sam", "Sam Okafor", "first name"),
        ("sam okafor", "Sam Okafor", "same name"),
        ("@jkim", "Jo Kim", "initial and last name"),
    }
    assert found.set_index("alias").loc["sam", "actions"] == 1


def test_a_handle_that_fits_two_people_is_left_alone() -> None:
    # "wei" is Li Wei's last name and Wei Zhang's first name
    pm = _pm(["wei", "Li Wei", "Wei Zhang", "li"])
    found = pmkit.owner_aliases(pm)
    assert list(found["alias"]) == ["li"]


def test_nothing_to_propose_gives_an_empty_typed_frame() -> None:
    found = pmkit.owner_aliases(_pm(["Sam Okafor", None]))
    assert found.empty and list(found.columns) == ["alias", "owner", "reason", "actions"]
    assert pmkit.owner_aliases(pmkit.Postmortems()).empty


def test_with_owners_applies_a_mapping_or_the_reviewed_proposals() -> None:
    pm = _pm(["sam", "Sam Okafor", " li ", None])
    merged = pm.with_owners({"sam": "Sam Okafor", "li": "Li Wei"})
    assert merged.actions["owner"].tolist()[:3] == ["Sam Okafor", "Sam Okafor", "Li Wei"]
    assert merged.actions["owner"].isna().tolist()[3]
    assert merged.actions["owner"].dtype == schema.STRING
    assert pm.actions["owner"].tolist()[0] == "sam"  # the original is untouched
    again = pmkit.with_owners(pm, pmkit.owner_aliases(pm))
    assert again.actions["owner"].tolist()[0] == "Sam Okafor"


def test_with_owners_refuses_unclear_mappings() -> None:
    pm = _pm(["sam"])
    with pytest.raises(UsageError, match="needs columns alias and owner"):
        pm.with_owners(pd.DataFrame({"handle": ["sam"], "name": ["Sam"]}))
    with pytest.raises(UsageError, match="mapped to an empty owner"):
        pm.with_owners({"sam": " "})
    with pytest.raises(UsageError, match="mapped to both"):
        pm.with_owners(pd.DataFrame({"alias": ["sam", "sam"], "owner": ["Sam A", "Sam B"]}))


def test_sample_owners_file_merges_every_split_owner() -> None:
    pm = pmkit.load(SAMPLE, progress=False)
    table = pd.read_csv(SAMPLE.parent / "sample-owners.csv", dtype=str)
    merged = pm.with_owners(table)
    assert pmkit.owner_aliases(merged).empty
    assert merged.actions["owner"].nunique() < pm.actions["owner"].nunique()
    assert merged.actions["owner"].notna().sum() == pm.actions["owner"].notna().sum()


def test_cli_proposes_then_applies_owner_aliases(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["owners", str(SAMPLE), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    (tmp_path / "owners.csv").write_text(out)
    assert out.startswith("alias,owner,reason,actions\n") and "sam,Sam Okafor" in out
    # run says what it found and how to fix it, until --owners is given
    argv = ["run", str(SAMPLE), "--as-of", "2026-11-28T00:00Z", "-o"]
    assert main([*argv, str(tmp_path / "a")]) == 0
    out, err = capsys.readouterr()
    assert "look like another owner written differently" in err and "--owners" in err
    assert main([*argv, str(tmp_path / "b"), "--owners", str(tmp_path / "owners.csv")]) == 0
    out, err = capsys.readouterr()
    assert "look like another owner" not in err and "aliases" in err
    assert main(["owners", str(SAMPLE), "--owners", str(tmp_path / "nope.csv")]) == 1
    out, err = capsys.readouterr()
    assert "nope.csv" in err
