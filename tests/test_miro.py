"""The Miro board reader, HTML stripping and fetch_board against a local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlparse

import pandas as pd
import pytest

import pmkit
from pmkit import schema
from pmkit.errors import ParseError
from pmkit.io._html import html_to_text
from pmkit.io.miro import fetch_board, read_miro, sniff_miro
from pmkit.loading import _frames

DATA = Path(__file__).parent / "data" / "miro"
BOARD = DATA / "2024-03-12-checkout.json"
T = pd.Timestamp


def utc(s: str) -> pd.Timestamp:
    return T(s, tz="UTC")


def check_schema(pm: pmkit.Postmortems) -> None:
    for name in schema.TABLES:
        schema.validate(getattr(pm, name), name)


@pytest.mark.parametrize("fmt", [None, "miro"])
def test_board_into_five_tables(fmt: str | None) -> None:
    pm = pmkit.load(BOARD, format=fmt)
    check_schema(pm)
    inc = pm.incidents.iloc[0]
    assert len(pm.incidents) == 1
    assert inc["incident_id"] == "2024-03-12-checkout"
    assert inc["title"] == "Checkout outage"
    assert inc["summary"] == "Payments failed for 42 minutes after a config push & a missed alert."
    assert (inc["severity"], inc["service"], inc["tz"]) == ("SEV2", "checkout", "UTC")
    assert inc["started_at"] == utc("2024-03-12 10:02")
    assert inc["detected_at"] == utc("2024-03-12 10:07")
    assert inc["acknowledged_at"] == utc("2024-03-12 10:09")
    assert inc["mitigated_at"] == utc("2024-03-12 10:25")
    assert inc["communicated_at"] == utc("2024-03-12 10:30")
    assert inc["resolved_at"] == utc("2024-03-12 10:44")
    assert inc["started_from"] == inc["resolved_from"] == "timeline"
    assert inc["detection_source"] == "monitoring"
    assert inc["status"] == "resolved"
    # laid out left to right: read by x, whatever the order of the items in the file
    assert list(pm.events["kind"]) == [
        "impact_start",
        "detected",
        "acknowledged",
        "mitigated",
        "communicated_external",
        "resolved",
    ]
    assert pm.events["text"].iloc[0] == "checkout errors begin"
    assert list(pm.events["seq"]) == list(range(6))


def test_board_ideas_by_frame_title() -> None:
    ideas = pmkit.load(BOARD).ideas
    assert list(zip(ideas["step"], ideas["text"], strict=True)) == [
        ("detect", "Alert on checkout success rate, not just 5xx"),
        ("detect", "Synthetic checkout probe every minute & page"),
        ("react", "Runbook link in the alert"),
        ("quick_fix", "Roll back config automatically on error spike"),
        ("prevent", "Validate gateway config in CI"),
        ("other_risk", "Refund service shares the same config"),
    ]
    assert ideas["heading"].iloc[2] == "React – how do we react faster?"


def test_board_cards_are_actions_with_owner_and_due() -> None:
    actions = pmkit.load(BOARD).actions
    assert list(actions["text"]) == [
        "Add config schema test",
        "Write rollback runbook",
        "Page on success-rate SLO",
        "Share postmortem with support",
    ]
    assert list(actions["owner"].fillna("-")) == [
        "3074457362577955221",
        "3458764517517819001",
        "-",
        "-",
    ]
    assert actions["due"].iloc[0] == utc("2024-04-01")
    assert actions["due"].iloc[1] == utc("2024-03-29")
    assert actions["due"].iloc[2:].isna().all()
    assert list(actions["step"].astype(object).fillna("-")) == ["prevent", "-", "-", "-"]
    assert list(actions["action_id"]) == [f"2024-03-12-checkout#{i}" for i in range(1, 5)]


def test_board_problems_name_what_was_not_read() -> None:
    problems = pmkit.load(BOARD).problems
    by_code = dict(zip(problems["code"], problems["message"], strict=True))
    assert set(by_code) == {"miro.no_frame", "miro.unknown_frame", "miro.unsupported_item"}
    assert (problems["level"] == "warning").all()
    assert by_code["miro.no_frame"].startswith(
        "sticky_note 3458764580000000002 ('Parking lot: ask finance about refunds') is outside "
        "every frame"
    )
    assert by_code["miro.unknown_frame"].startswith(
        "1 item(s) in frame 'Parking lot' were not read: the title names no canvas section"
    )
    assert by_code["miro.unsupported_item"] == (
        "1 item(s) of type 'image' were not read; pmkit reads frames, sticky notes, text, "
        "shapes and cards"
    )
    assert (problems["incident_id"] == "2024-03-12-checkout").all()


def test_item_whose_parent_is_missing_is_reported() -> None:
    items = [{"id": "9", "type": "sticky_note", "parent": {"id": "404"}, "data": {"content": "x"}}]
    p = read_miro(json.dumps(items), source="b.json")
    assert p.tables["problems"]["message"] == [
        "1 item(s) in parent 404 (not a frame in this export) were not read: the title names "
        "no canvas section; rename the frame (e.g. 'Detect', 'Rough Timeline', 'Next Steps')"
    ]


def test_pages_and_merged_list_read_the_same(tmp_path: Path) -> None:
    pages = [json.loads((DATA / "api" / f"page{i}.json").read_text()) for i in (1, 2)]
    (tmp_path / "2024-03-12-checkout.json").write_text(json.dumps(pages))
    from_pages = pmkit.load(tmp_path)
    merged = pmkit.load(BOARD)
    for name in ("events", "ideas", "actions"):
        a = getattr(from_pages, name).drop(columns="source")
        b = getattr(merged, name).drop(columns="source")
        pd.testing.assert_frame_equal(a, b)


def test_single_page_without_zone_is_a_problem_not_a_guess() -> None:
    pm = pmkit.load(DATA / "2024-04-02-search.json")
    assert pm.events["at"].isna().all()
    assert list(pm.problems["code"]) == ["time.no_zone"]
    assert (
        pm.problems["message"]
        .iloc[0]
        .startswith(
            "timeline times (first: '14:05') state no time zone; add a note such as "
            "'All times in UTC' to the board"
        )
    )
    pm = pmkit.load(DATA / "2024-04-02-search.json", tz="Europe/Paris")
    assert pm.incidents["detected_at"].iloc[0] == utc("2024-04-02 12:05")
    assert pm.incidents["mitigated_at"].iloc[0] == utc("2024-04-02 12:30")
    assert pm.incidents["tz"].iloc[0] == "Europe/Paris"


def test_time_without_date_is_a_problem() -> None:
    items = [
        {"id": "1", "type": "frame", "data": {"title": "Timeline"}},
        {"id": "2", "type": "text", "parent": {"id": "1"}, "data": {"content": "09:00 alert"}},
    ]
    p = read_miro(json.dumps(items), source="board.json", tz="UTC")
    assert p.tables["problems"]["code"] == ["time.no_date"]
    assert p.tables["problems"]["message"][0].startswith(
        "timeline times (first: '09:00') have no date and the board states none"
    )


def test_truncated_json_is_an_error_problem_not_an_exception() -> None:
    pm = pmkit.load(DATA / "truncated-board.json")
    assert len(pm.incidents) == 0
    row = pm.problems.iloc[0]
    assert len(pm.problems) == 1
    assert (row["level"], row["code"]) == ("error", "json.invalid")
    assert str(row["source"]).endswith("truncated-board.json")
    assert "file is not valid JSON" in str(row["message"])
    with pytest.raises(ParseError, match="Miro board file is not valid JSON"):
        pmkit.load(DATA / "truncated-board.json", strict=True)


def test_json_without_items_is_an_error_problem() -> None:
    p = read_miro('{"board": 1}', source="b.json")
    assert p.tables["problems"]["code"] == ["miro.not_items"]
    assert p.tables["problems"]["message"][0].startswith(
        "Miro board file holds a JSON dict without a list of items"
    )


def test_bad_values_are_warnings() -> None:
    items = [
        {"id": "1", "type": "frame", "data": {"title": "Summary"}},
        {"id": "2", "type": "sticky_note", "parent": {"id": "1"}, "data": {"content": "Sev: huge"}},
        {"id": "3", "type": "frame", "data": {"title": "Next steps"}},
        {
            "id": "4",
            "type": "card",
            "parent": {"id": "3"},
            "data": {"title": "a", "dueDate": "soon"},
        },
    ]
    p = read_miro(json.dumps(items), source="b.json")
    assert p.tables["problems"]["code"] == ["miro.bad_value", "miro.bad_value"]
    assert p.tables["problems"]["message"] == [
        'unknown severity "huge"; use SEV1..SEV5, P1..P5 or critical/high/medium/low',
        "card 4 dueDate 'soon' is not an ISO 8601 date; the action is kept without a due date",
    ]
    assert p.tables["actions"]["text"] == ["a"]


def test_sniff() -> None:
    head = BOARD.read_text()[:2000]
    assert sniff_miro("x.json", head)
    assert not sniff_miro("x.json", '{"incidents": [{"type": "incident"}]}')


# -- HTML ---------------------------------------------------------------------


def test_html_to_text_drops_scripts_and_unescapes() -> None:
    html = (
        "<div><h1>Title</h1><script type='text/javascript'>var x = '<p>no</p>';</script>"
        "<p>a &lt;b&gt; &amp; &#x27;c&#x27;</p><style>.x{}</style><br/>end<b>bold</b></div>"
    )
    assert html_to_text(html) == "Title\na < b> & 'c'\nendbold"
    assert html_to_text(None) == ""
    assert html_to_text("  plain   text ") == "plain text"
    assert html_to_text("<p>unclosed <script>never closed") == "unclosed"


# -- fetch_board ----------------------------------------------------------------


class _Api(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str | None, bytes]] = {}
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        url = urlparse(unquote(self.path))
        cursor = parse_qs(url.query).get("cursor", [None])[0]
        type(self).seen.append((url.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != "Bearer s3cret":
            self.send_response(401, "Unauthorized")
            self.end_headers()
            return
        body = self.pages.get(cursor)
        if body is None or url.path != "/v2/boards/uXjVNk3mQ2s=/items":
            self.send_response(404, "Not Found")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    _Api.pages = {
        None: (DATA / "api" / "page1.json").read_bytes(),
        "c2Vjb25k": (DATA / "api" / "page2.json").read_bytes(),
    }
    _Api.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetch_board_follows_the_cursor(api: str, tmp_path: Path) -> None:
    out = tmp_path / "2024-03-12-checkout.json"
    items = fetch_board("uXjVNk3mQ2s=", "s3cret", out=out, base_url=api)
    assert items == json.loads(BOARD.read_text())
    assert _Api.seen == [("/v2/boards/uXjVNk3mQ2s=/items", "Bearer s3cret")] * 2
    assert json.loads(out.read_text()) == items
    pd.testing.assert_frame_equal(
        pmkit.load(out).events.drop(columns="source"),
        pmkit.load(BOARD).events.drop(columns="source"),
    )


def test_fetch_board_http_error(api: str) -> None:
    with pytest.raises(ParseError, match=r"the Miro API answered 401 Unauthorized for .*; check"):
        fetch_board("uXjVNk3mQ2s=", "wrong", base_url=api)
    with pytest.raises(ParseError, match="the Miro API answered 404 Not Found"):
        fetch_board("other", "s3cret", base_url=api)


def test_fetch_board_bad_pages(api: str) -> None:
    _Api.pages = {None: b"not json"}
    with pytest.raises(ParseError, match="the Miro API returned a page that is not JSON"):
        fetch_board("uXjVNk3mQ2s=", "s3cret", base_url=api)
    _Api.pages = {None: b'{"items": []}'}
    with pytest.raises(ParseError, match="the Miro API returned no 'data' list"):
        fetch_board("uXjVNk3mQ2s=", "s3cret", base_url=api)


def test_fetch_board_unreachable() -> None:
    with pytest.raises(ParseError, match=r"cannot reach the Miro API at http://127\.0\.0\.1:9/"):
        fetch_board("b", "t", base_url="http://127.0.0.1:9")


def test_html_to_text_leaves_no_tag_opener_in_text() -> None:
    from pmkit.io._html import html_to_text

    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;") == "< script>alert(1)< /script>"
    assert html_to_text("note <script src=x") == "note < script src=x"
    assert html_to_text("<p>a &lt; b</p>") == "a < b"


def test_a_timeline_frame_title_states_the_zone() -> None:
    # "Rough Timeline (times in UTC)": the frame's own title says how to read its stickies
    items = [
        {"id": "1", "type": "frame", "data": {"title": "Rough Timeline (times in EDT (UTC-4))"}},
        {
            "id": "2",
            "type": "sticky_note",
            "parent": {"id": "1"},
            "data": {"content": "2024-06-03 09:00 alert fired"},
        },
        {
            "id": "3",
            "type": "sticky_note",
            "parent": {"id": "1"},
            "data": {"content": "09:20 rolled back"},
        },
    ]
    p = read_miro(json.dumps(items), source="board.json")
    assert "time.no_zone" not in p.tables["problems"]["code"]
    pm = pmkit.Postmortems(**_frames(p))
    assert pm.incidents["detected_at"].iloc[0] == utc("2024-06-03 13:00")
    assert pm.incidents["mitigated_at"].iloc[0] == utc("2024-06-03 13:20")
