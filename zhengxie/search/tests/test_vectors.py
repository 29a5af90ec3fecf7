"""TF-IDF vectors and the matrix that scores them: exact where nothing is cut, and the cut measured."""

import math
import random

import numpy as np
import pytest

from zhengxie.search import vectors
from zhengxie.search.text import index_words, key_words, query_words


def test_domain_words_stay_whole_and_search_mode_adds_the_words_inside():
    words = index_words("推进成渝地区双城经济圈建设，助力乡村振兴")
    assert "成渝地区双城经济圈" in words and "乡村振兴" in words
    assert "振兴" in words  # found by the shorter word too
    assert "，" not in words
    assert "成渝地区双城经济圈" in key_words("推进成渝地区双城经济圈建设")


def test_query_words_drop_syntax_and_stop_words_but_never_everything():
    assert query_words('"乡村振兴" AND * : & | !') == ["乡村振兴", "and"]
    assert query_words("的建议") == ["的", "建议"]  # only stop words: searched as they are
    assert query_words("。，！") == []
    assert len("".join(query_words("水" * 10_000))) <= 200


def test_weights_are_unit_length_and_rare_words_weigh_more():
    df = {"公交": 900, "微循环": 3}
    vector = vectors.weigh(["公交", "公交", "微循环"], df, docs=1000, top=None)
    assert math.isclose(sum(v * v for v in vector.values()), 1.0, rel_tol=1e-9)
    assert vector["微循环"] > vector["公交"]
    assert vectors.decode(vectors.encode(vector)).keys() == vector.keys()


def test_cut_keeps_the_heaviest_terms():
    terms = [f"词{i}" for i in range(100)] * 2 + ["重点"] * 9
    vector = vectors.weigh(terms, {}, docs=10, top=8)
    assert len(vector) == 8 and "重点" in vector


def test_matrix_scores_equal_brute_force_cosine_when_nothing_is_cut():
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(300)]
    docs = [[rng.choice(vocabulary) for _ in range(rng.randint(5, 60))] for _ in range(400)]
    df = {}
    for doc in docs:
        for term in set(doc):
            df[term] = df.get(term, 0) + 1
    full = [vectors.weigh(doc, df, len(docs), top=None) for doc in docs]
    matrix = vectors.Matrix.from_terms(
        [(i + 1, 2026, "filed", doc) for i, doc in enumerate(docs)], df, len(docs)
    )
    query = full[17]
    scores = matrix.scores(query)
    brute = np.array([sum(query.get(t, 0) * w for t, w in v.items()) for v in full])
    assert np.allclose(scores, brute, atol=1e-5)
    best = vectors.top(scores, 10)
    assert best[0] == 17
    assert list(best) == sorted(range(len(full)), key=lambda i: -brute[i])[:10]
    # The two-stage search finds the same ten, with their exact scores, when its probe covers the query.
    found = matrix.best(query, 10)
    assert [i for i, _ in found] == list(best)
    assert np.allclose([s for _, s in found], brute[best], atol=1e-5)


def test_two_stage_search_scores_its_candidates_exactly_and_honours_the_mask(monkeypatch):
    monkeypatch.setattr(vectors, "PROBE_TERMS", 1)
    monkeypatch.setattr(vectors, "CANDIDATES", 2)
    df, docs = {"电梯": 2, "加装": 3, "公交": 3, "老旧": 3}, 4
    rows = [
        (1, 2026, "filed", ["电梯", "公交"]),
        (2, 2026, "filed", ["电梯", "加装", "老旧"]),
        (3, 2026, "filed", ["加装", "老旧"]),  # shares no word of the probe: not a candidate
        (4, 2026, "filed", ["公交"]),
    ]
    matrix = vectors.Matrix.from_terms(rows, df, docs)
    query = vectors.weigh(["电梯", "加装", "老旧"], df, docs, top=None)
    exact = matrix.scores(query)
    found = matrix.best(query, 10)
    # Stage one keeps the rows holding the query's heaviest word (电梯); stage two orders them exactly.
    assert [i for i, _ in found] == [1, 0]
    assert [round(s, 5) for _, s in found] == [round(float(exact[1]), 5), round(float(exact[0]), 5)]
    assert matrix.best(query, 10, mask=np.array([True, False, True, True])) == [(0, found[1][1])]
    shared = matrix.shared(query, 1)
    assert shared[0] == "电梯" and set(shared) == {"电梯", "加装", "老旧"}  # the rarest word weighs most


def test_top_honours_the_mask_and_skips_zero_scores():
    scores = np.array([0.9, 0.0, 0.5, 0.7], dtype=np.float32)
    assert vectors.top(scores, 10) == [0, 3, 2]
    assert vectors.top(scores, 2, mask=np.array([False, True, True, True])) == [3, 2]


@pytest.mark.parametrize("vector", [{}, {"没有的词": 1.0}])
def test_a_query_with_no_known_word_scores_nothing(vector):
    matrix = vectors.Matrix.from_terms([(1, 2026, "filed", ["公交"])], {}, 1)
    assert vectors.top(matrix.scores(vector), 10) == []


def test_the_benchmarks_block_by_block_segmentation_equals_the_platforms():
    from bench.proposal_text import Texts
    from bench.search_data import words_of

    rng = random.Random(11)
    texts = Texts(rng, "滨江市")
    for _ in range(40):
        topic = rng.randrange(len(texts.topics))
        text = f"{texts.title(rng, topic)}\n{texts.reason(rng, topic)}\n{texts.suggestions(rng, topic)}（2026年）"
        assert words_of(text) == index_words(text)


def test_full_vector_matrix_holds_exactly_what_weigh_gives():
    rows = [(1, 2025, "filed", ["公交", "公交", "线路"]), (2, 2026, "closed", ["电梯", "加装", "公交"])]
    df, docs = {"公交": 5, "线路": 2, "电梯": 1}, 10
    matrix = vectors.Matrix.from_terms(rows, df, docs)
    for i, (_, _, _, terms) in enumerate(rows):
        expected = vectors.weigh(terms, df, docs, top=None)
        start, end = matrix.rows.indptr[i], matrix.rows.indptr[i + 1]
        words = list(matrix.vocabulary)
        got = {
            words[c]: float(w)
            for c, w in zip(matrix.rows.indices[start:end], matrix.rows.data[start:end], strict=True)
        }
        assert got.keys() == expected.keys()
        assert all(math.isclose(got[t], expected[t], rel_tol=1e-6) for t in expected)
    assert list(matrix.years) == [2025, 2026] and matrix.state_mask({"closed"}).tolist() == [False, True]
    query = vectors.weigh(["电梯", "加装"], df, docs, top=None)
    assert vectors.top(matrix.scores(query), 10) == [1]


def test_least_recently_used_organisations_are_dropped_past_the_budget(monkeypatch):
    from zhengxie.search import similar

    def index(weights):
        matrix = vectors.Matrix.from_terms([(1, 2026, "filed", [f"w{i}" for i in range(weights)])], {}, 1)
        return similar.OrgIndex(
            base=matrix,
            base_rows={},
            settled=None,
            recent={},
            counts_stamp=None,
            delta=vectors.Matrix.from_terms([], {}, 1),
        )

    monkeypatch.setattr(similar, "MAX_WEIGHTS", 10)
    monkeypatch.setattr(similar, "_indexes", similar.OrderedDict())
    similar._indexes[(1, "proposal")] = index(6)
    similar._indexes[(2, "proposal")] = index(6)
    similar._evict()
    assert list(similar._indexes) == [(2, "proposal")]
