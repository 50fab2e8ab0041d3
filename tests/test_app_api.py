"""The JSON API's argument checks and calls, over the seed index (no server, no Gradio)."""

import json

import pytest

from rag.app.api import JsonApi, k_arg, text_arg, year_arg
from rag.errors import InputError

HEADLINE = "How many foreign R&D centres are there?"


@pytest.fixture(scope="module")
def api(engine):
    return JsonApi(engine)


@pytest.mark.parametrize(
    "value, message",
    [
        ({"q": "揭榜挂帅"}, "question must be text, got an object"),
        (["揭榜挂帅"], "question must be text, got a list"),
        (42, "question must be text, got the number 42"),
        (True, "question must be text, got true"),
        (None, "question is missing"),
    ],
)
def test_a_question_that_is_not_text_is_named_as_such(value, message):
    with pytest.raises(InputError, match=message):
        text_arg("question", value)


def test_optional_text_treats_blank_and_all_as_no_filter():
    assert text_arg("doc", "  ", required=False) is None
    assert text_arg("doc", "全部 All", required=False) is None
    assert text_arg("doc", " 沪科提复〔2023〕50号 ", required=False) == "沪科提复〔2023〕50号"
    with pytest.raises(InputError, match="doc must be text, got a list"):
        text_arg("doc", ["a"], required=False)


@pytest.mark.parametrize("value, expected", [(None, None), ("", None), ("全部 All", None), (2023, 2023), (" 2024 ", 2024)])
def test_year_accepts_numbers_and_digit_strings(value, expected):
    assert year_arg(value) == expected


@pytest.mark.parametrize("value", ["last year", 2023.5, True, {"y": 2023}])
def test_year_refuses_anything_else(value):
    with pytest.raises(InputError, match="the year must be like 2023"):
        year_arg(value)


@pytest.mark.parametrize("value, expected", [(5, 5), (10.0, 10), ("7", 7), (100, 100)])
def test_k_accepts_whole_numbers_in_range(value, expected):
    assert k_arg(value) == expected


@pytest.mark.parametrize("value", [0, 101, 2.5, True, None, "five"])
def test_k_refuses_the_rest(value):
    with pytest.raises(InputError, match="k must be a whole number from 1 to 100"):
        k_arg(value)


def test_ask_returns_the_engine_answer_as_json(api, engine):
    assert api.ask(HEADLINE) == engine.ask(HEADLINE).to_dict()
    assert api.call("ask", json.dumps({"question": HEADLINE}).encode()) == engine.ask(HEADLINE).to_dict()


def test_search_takes_filters_as_the_cli_does(api, engine):
    got = api.call("search", json.dumps({"query": "揭榜挂帅", "k": 3, "year": "2023"}, ensure_ascii=False).encode())
    assert got == engine.search("揭榜挂帅", k=3, year=2023).to_dict()
    assert len(got["hits"]) == 3 and all(h["date"].startswith("2023") for h in got["hits"])


@pytest.mark.parametrize(
    "name, body, message",
    [
        ("ask", b"", "the body must be a JSON object"),
        ("ask", b"question=x", "the body is not JSON"),
        ("ask", b"\xff\xfe", "the body is not JSON"),
        ("ask", b"[1, 2]", "the body must be a JSON object like .* got a list"),
        ("ask", b'{"question": {"text": "x"}}', "question must be text, got an object"),
        ("ask", b"{}", "question is missing"),
        ("ask", b'{"question": "x", "top": 3}', "unknown field 'top'; /api/ask takes question, doc, year"),
        ("search", b'{"query": "x", "k": "all"}', "k must be a whole number"),
        ("ask", json.dumps({"question": "研发" * 1001}).encode(), "2,000"),
        ("ask", json.dumps({"question": "联系人是谁？", "doc": "沪科提复〔2099〕1号"}).encode(), "unknown 文号"),
    ],
)
def test_bad_calls_get_one_clear_message(api, name, body, message):
    with pytest.raises(InputError, match=message):
        api.call(name, body)
