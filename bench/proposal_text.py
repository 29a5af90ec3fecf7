"""Texts of the benchmark proposals, from the demo's word lists: titles, sections of a chosen length, replies.

Each of 提案理由 and 具体建议 has 400–1,500 characters (SECTION_CHARS), so a proposal has 800–3,000: what
members really write, and what search and similarity are measured on.
"""

from random import Random

from zhengxie.proposals import demo_text as words

SECTION_CHARS = (400, 1500)
REPLY_CHARS = (100, 300)
# Filled sentences kept per topic: sections are drawn from these, so a million texts cost little.
VARIANTS = 6


class Texts:
    """One organisation's texts: its place name fills the templates (我市, 全区 …)."""

    def __init__(
        self,
        rng: Random,
        place: str,
        *,
        section_chars: tuple[int, int] = SECTION_CHARS,
        reply_chars: tuple[int, int] = REPLY_CHARS,
    ) -> None:
        self.section_chars = section_chars
        self.reply_chars = reply_chars
        self.topics = words.TOPICS
        self.reason_parts: list[list[str]] = []
        self.suggestion_parts: list[list[str]] = []
        self.measure_parts: list[list[str]] = []
        for topic in self.topics:
            self.reason_parts.append(
                [
                    words._fill(rng, s.replace("{field}", topic.field), place)
                    for s in (*topic.background, *words.SURVEY)
                    for _ in range(VARIANTS)
                ]
                + [f"当前{topic.field}工作仍存在短板：{p}。" for p in topic.problems]
                + [c.format(place=place) for c in words.CLOSINGS]
            )
            self.suggestion_parts.append(
                [
                    f"{heading}。{words._fill(rng, body, place)}"
                    for heading, body in topic.suggestions
                    for _ in range(2)
                ]
                + list(words.ASSURANCE)
            )
            self.measure_parts.append(
                [words._fill(rng, m, place) for m in topic.measures for _ in range(VARIANTS)]
            )

    def title(self, rng: Random, topic: int) -> str:
        return words.title(rng, rng.choice(self.topics[topic].subjects))

    def category(self, topic: int) -> str:
        return self.topics[topic].category

    @staticmethod
    def _section(rng: Random, parts: list[str], low: int, high: int, head: str = "") -> str:
        target = rng.randint(low, high)
        text = head
        while len(text) < target:
            text += rng.choice(parts)
        if len(text) > high:
            cut = text.rfind("。", 0, high)
            text = text[: cut + 1] if cut >= low else text[:high]
        return text

    def reason(self, rng: Random, topic: int) -> str:
        return self._section(rng, self.reason_parts[topic], *self.section_chars)

    def suggestions(self, rng: Random, topic: int) -> str:
        return self._section(rng, self.suggestion_parts[topic], *self.section_chars)

    def reply(self, rng: Random, topic: int, *, addressee: str, title: str, result_class: str) -> str:
        head = f"{addressee}：您提出的《{title}》收悉。现答复如下："
        closing = words.REPLY_CLOSINGS[result_class]
        low, high = self.reply_chars
        parts = self.measure_parts[topic]
        return self._section(rng, parts, max(low - len(closing), 0), high - len(closing), head=head) + closing
