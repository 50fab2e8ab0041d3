"""The README's commands and example stay true."""

import re

from conftest import REPO


def readme_blocks(lang: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_test_command():
    test_command = next(b.strip() for b in readme_blocks("bash") if "pytest" in b)
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_example_is_what_ask_prints(engine):
    example = next(b for b in readme_blocks("console") if "How many foreign R&D centres" in b)
    answer = engine.ask("How many foreign R&D centres are there?")
    c = answer.citations[0]
    assert f"{answer.key}  ({c.doc_number})" in example
    assert f"[1] “{c.quote}”" in example and c.citation in example and f"§ {c.section}" in example
