"""Chinese text into words: rjieba with the domain dictionary in this folder, loaded once per process.

`index_words` is what the full-text index stores (search mode: a long word and the shorter words inside
it, so 乡村振兴 is found by 振兴 too); `query_words` is what a query looks for; `key_words` feeds the
similarity and suggestion vectors (precise mode, no stop words, no single characters).
"""

import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

DICTIONARY = Path(__file__).with_name("dictionary.txt")
MAX_QUERY_CHARS = 200
# Words too common in proposals to say what one is about.
STOP_WORDS = frozenset(
    """
    的 了 和 与 及 或 在 是 为 对 把 被 将 等 由 从 向 以 于 并 而 也 都 就 还 又 这 那 其 之 各 该 此 所
    关于 建议 提案 进一步 加强 推进 推动 完善 工作 问题 方面 相关 有关 我们 我市 我区 我县 目前 当前 存在
    一是 二是 三是 四是 五是 一些 部分 没有 不够 不足 情况 通过 进行 开展 实现 提高 提升 加快 做好 加大
    具体 措施 有效 切实 积极 不断 同时 以及 根据 按照 因此 但是 由于 如果 可以 能够 需要 应当 一个 主要
""".split()
)
_WORD = re.compile(r"[\w]", re.UNICODE)
_lock = threading.Lock()


@cache
def segmenter():
    """The one segmenter of this process, with the domain words added (~0.3 s the first time)."""
    import rjieba

    with _lock:
        jieba = rjieba.Jieba()
        for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            word, _, freq = line.partition(" ")
            jieba.add_word(word, int(freq) if freq.strip() else None, None)
        return jieba


def normalize(text: str) -> str:
    """Full-width to half-width, lower case: ＡＢＣ and abc are one word."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_word(token: str) -> bool:
    return bool(token.strip()) and bool(_WORD.search(token))


def index_words(text: str) -> list[str]:
    """Every word of the text in search mode, punctuation and white space dropped."""
    return [t for t in segmenter().cut_for_search(normalize(text)) if _is_word(t)]


def query_words(query: str) -> list[str]:
    """The words a query looks for, in order, each once; FTS syntax is meaningless here (it is escaped)."""
    seen: dict[str, None] = {}
    for token in segmenter().cut(normalize(query)[:MAX_QUERY_CHARS]):
        token = token.strip()
        if _is_word(token):
            seen.setdefault(token, None)
    words = list(seen)
    # Stop words are dropped when something else is left; a query of only stop words still searches.
    meaningful = [w for w in words if w not in STOP_WORDS]
    return meaningful or words


def key_words(text: str) -> list[str]:
    """Content words for similarity and suggestion: precise mode, no stop words, no single characters."""
    return [t for t in segmenter().cut(normalize(text)) if len(t) > 1 and t not in STOP_WORDS and _is_word(t)]
