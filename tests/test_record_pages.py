"""Record pages and generated pages, tested as pure functions (no build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros import generated
from macros.models import KnowledgeBase, load_or_raise
from tests.records import write_records


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    write_records(tmp_path)
    return load_or_raise(tmp_path / "data")


# ---- the generated-pages mechanism ------------------------------------------------


def test_a_hand_written_page_replaces_the_generated_one_and_is_not_rendered(kb: KnowledgeBase) -> None:
    rendered: list[str] = []

    def producer(kb: KnowledgeBase, read: generated.Reader):  # noqa: ANN202
        for path in ("a/one.md", "a/two.md"):
            yield generated.GeneratedPage(path, lambda p=path: rendered.append(p) or f"# {p}\n", "data/x.yml")

    pages, counts = generated.collect({"测试": producer}, kb, lambda path: None, lambda path: path == "a/one.md")
    assert [(page.path, text) for page, text in pages] == [("a/two.md", "# a/two.md\n")]
    assert rendered == ["a/two.md"] and counts == {"测试": 1}


def test_two_producers_claiming_one_path_name_both(kb: KnowledgeBase) -> None:
    def producer(kb: KnowledgeBase, read: generated.Reader):  # noqa: ANN202
        yield generated.GeneratedPage("same.md", lambda: "", "data/x.yml")

    with pytest.raises(generated.GeneratedPageConflict, match="same.md.*“甲”.*“乙”"):
        generated.collect({"甲": producer, "乙": producer}, kb, lambda path: None, lambda path: False)


def test_training_pages_read_the_method_page_prose(kb: KnowledgeBase) -> None:
    page_text = "# x\n\n## 案例\n\n某社区用它调解了一起纠纷。\n"
    reads: list[str] = []

    def read(path: str) -> str | None:
        reads.append(path)
        return page_text if path == "methods/demo-method.md" else None

    pages, counts = generated.collect({"培训": generated.training_pages}, kb, read, lambda path: False)
    by_path = {page.path: (page.source, text) for page, text in pages}
    assert set(by_path) == {"training/demo-method.md", "training/cards/demo-method.md"}
    assert by_path["training/demo-method.md"][0] == "data/methods/demo-method.yml"
    assert "某社区用它调解了一起纠纷。" in by_path["training/demo-method.md"][1]
    assert reads == ["methods/demo-method.md"] and counts == {"培训": 2}
