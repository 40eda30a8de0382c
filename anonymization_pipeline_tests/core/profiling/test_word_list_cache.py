"""Faker-derived word lists are built once per machine and read back by later processes."""

from __future__ import annotations

import pytest

from anonymization_pipeline.core.profiling import value_vocabulary
from anonymization_pipeline.core.profiling.kinds import Kind
from anonymization_pipeline.core.profiling.word_list_cache import cache_folder, cached_words


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_a_list_is_built_once_then_read_from_the_cache():
    built = []

    def build() -> frozenset[str]:
        built.append(1)
        return frozenset({"nurse", "welder"})

    assert cached_words("jobs", build) == cached_words("jobs", build) == {"nurse", "welder"}
    assert built == [1]
    assert [path.name.startswith("jobs-faker") for path in cache_folder().iterdir()] == [True]


def test_a_damaged_cache_file_is_rebuilt_not_trusted():
    cached_words("jobs", lambda: frozenset({"nurse"}))
    (file,) = cache_folder().iterdir()
    file.write_text('["nur', encoding="utf-8")

    assert cached_words("jobs", lambda: frozenset({"nurse", "welder"})) == {"nurse", "welder"}
    assert cached_words("jobs", lambda: pytest.fail("the repaired file is read")) == {"nurse", "welder"}


def test_an_unwritable_cache_folder_still_gives_the_list(tmp_path, monkeypatch):
    blocked = tmp_path / "not a folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))

    assert cached_words("jobs", lambda: frozenset({"nurse"})) == {"nurse"}


def test_the_cached_lists_equal_freshly_built_ones():
    value_vocabulary.vocabulary.cache_clear()
    value_vocabulary.person_name_words.cache_clear()
    first = value_vocabulary.vocabulary(Kind.PLACE), value_vocabulary.person_name_words()
    value_vocabulary.vocabulary.cache_clear()
    value_vocabulary.person_name_words.cache_clear()
    assert (value_vocabulary.vocabulary(Kind.PLACE), value_vocabulary.person_name_words()) == first
    assert first == (value_vocabulary._places(), value_vocabulary._person_name_words())
    assert "london" in first[0] and "maria" in first[1]
