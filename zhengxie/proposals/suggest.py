"""Suggested lead units: which handling units the organisation gave proposals like this one to before.

Learning (`zhengxie learn-units`, and after a year's import): for every unit, the TF-IDF centroid of the
proposals it led (主办, or 分办 — each unit answering on its own) and how many of each category it led;
an assignment that was re-routed away does not count for the unit that gave it back. Suggesting: the
cosine between the proposal and each centroid, plus the unit's share of the proposal's category, the
three best. It knows only what was assigned before: a new unit, a unit renamed, a reorganisation, or a
subject no proposal raised yet are unknown to it until assignments teach it.
"""

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_scopes import scopes_disabled

from zhengxie.core.models import HandlingUnit, Organization
from zhengxie.search import similar, vectors
from zhengxie.search.models import Entry

from .models import Assignment, Proposal, UnitProfile

A = Assignment
TOP = 3
CENTROID_TERMS = 400
TEXT_WEIGHT = 0.7  # the rest goes to the category
LEADING = (A.Kind.LEAD, A.Kind.SEPARATE)


@dataclass
class Example:
    proposal_id: int
    category_id: int | None
    vector: dict[str, float]
    units: set[int]


def examples(organization: Organization) -> list[Example]:
    """Every assigned proposal with its vector and the units that led it, oldest first."""
    with scopes_disabled():
        led: dict[int, set[int]] = defaultdict(set)
        for proposal_id, unit_id in (
            Assignment.objects.filter(organization=organization, kind__in=LEADING)
            .exclude(state=A.State.REROUTED)
            .values_list("proposal_id", "unit_id")
        ):
            led[proposal_id].add(unit_id)
        # Whole-organisation reads, filtered here: an IN list of every assigned proposal would pass the
        # databases' parameter limits (65,535 on PostgreSQL) at a city's hundred thousand.
        facts = {
            pk: (category, submitted)
            for pk, category, submitted in Proposal.objects.filter(organization=organization)
            .values_list("pk", "category_id", "submitted_at")
            .iterator(chunk_size=5000)
            if pk in led
        }
        vectors_of = {
            pk: keywords
            for pk, keywords in Entry.objects.filter(organization=organization, source="proposal")
            .exclude(keywords="")
            .values_list("object_id", "keywords")
            .iterator(chunk_size=5000)
            if pk in facts
        }
    # In the order they were submitted: `evaluate` learns from the older ones and tests on the newer.
    order = sorted(facts, key=lambda pk: (facts[pk][1] or timezone.now(), pk))
    return [
        Example(pk, facts[pk][0], vectors.decode(vectors_of[pk]), led[pk]) for pk in order if pk in vectors_of
    ]


@dataclass
class Model:
    centroids: dict[int, dict[str, float]]
    led: dict[int, dict[str, int]]  # unit -> {category id or "": proposals it led}
    counts: dict[int, int]

    @classmethod
    def fit(cls, training: list[Example]) -> "Model":
        sums: dict[int, Counter] = defaultdict(Counter)
        led: dict[int, Counter] = defaultdict(Counter)
        for example in training:
            for unit in example.units:
                sums[unit].update(example.vector)
                led[unit][_key(example.category_id)] += 1
        centroids = {}
        for unit, total in sums.items():
            top = dict(total.most_common(CENTROID_TERMS))
            norm = sum(v * v for v in top.values()) ** 0.5 or 1.0
            centroids[unit] = {t: v / norm for t, v in top.items()}
        return cls(
            centroids=centroids,
            led={unit: dict(c) for unit, c in led.items()},
            counts={unit: sum(c.values()) for unit, c in led.items()},
        )

    def rank(self, vector: dict[str, float], category_id: int | None) -> list[tuple[int, float]]:
        """Every unit with its score, best first: text cosine, plus the unit's share of the category."""
        key = _key(category_id)
        in_category = sum(led.get(key, 0) for led in self.led.values()) or 1
        scored = []
        for unit, centroid in self.centroids.items():
            cosine = sum(w * centroid.get(t, 0.0) for t, w in vector.items())
            share = self.led.get(unit, {}).get(key, 0) / in_category
            scored.append((unit, TEXT_WEIGHT * cosine + (1 - TEXT_WEIGHT) * share))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored


def _key(category_id: int | None) -> str:
    return str(category_id) if category_id else ""


def learn(organization: Organization) -> int:
    """Rebuild the organisation's unit profiles from all its assignments; returns the units learned."""
    model = Model.fit(examples(organization))
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        UnitProfile.objects.filter(organization=organization).delete()
        UnitProfile.objects.bulk_create(
            [
                UnitProfile(
                    organization=organization,
                    unit_id=unit,
                    proposals=model.counts[unit],
                    vector=vectors.encode(centroid),
                    categories=model.led[unit],
                    learned_at=now,
                )
                for unit, centroid in model.centroids.items()
            ]
        )
    with _lock:
        _models.pop(organization.pk, None)
    return len(model.centroids)


def evaluate(organization: Organization, *, held_out: float = 0.2) -> dict:
    """Learn from the older assignments, suggest for the newest `held_out` share: top-1 and top-3 accuracy
    (a hit when any unit that led the proposal is among the suggestions)."""
    data = examples(organization)
    split = int(len(data) * (1 - held_out))
    training, test = data[:split], data[split:]
    model = Model.fit(training)
    top1 = top3 = 0
    for example in test:
        ranked = [unit for unit, _ in model.rank(example.vector, example.category_id)[:TOP]]
        top1 += bool(ranked[:1] and ranked[0] in example.units)
        top3 += bool(set(ranked) & example.units)
    n = len(test) or 1
    return {"training": len(training), "tested": len(test), "top1": top1 / n, "top3": top3 / n}


_models: dict[int, tuple[object, Model]] = {}
_lock = threading.Lock()


def _current(organization_id: int) -> Model:
    """The organisation's learned profiles, read once per process and again after `learn`."""
    with scopes_disabled():
        stamp = UnitProfile.objects.filter(organization_id=organization_id).aggregate(at=Max("learned_at"))[
            "at"
        ]
        with _lock:
            cached = _models.get(organization_id)
            if cached and cached[0] == stamp:
                return cached[1]
        profiles = list(UnitProfile.objects.filter(organization_id=organization_id))
    model = Model(
        centroids={p.unit_id: vectors.decode(p.vector) for p in profiles},
        led={p.unit_id: dict(p.categories) for p in profiles},
        counts={p.unit_id: p.proposals for p in profiles},
    )
    with _lock:
        _models[organization_id] = (stamp, model)
    return model


@dataclass
class Suggestion:
    unit: HandlingUnit
    score: float
    proposals: int  # how many proposals it led before
    shared: list[str]


def suggest_units(proposal: Proposal) -> list[Suggestion]:
    """The three most likely lead units for this proposal, learned from the organisation's past."""
    model = _current(proposal.organization_id)
    if not model.centroids:
        return []
    query = similar.query_vector(proposal.title, f"{proposal.reason}\n{proposal.suggestions}")
    ranked = [(u, s) for u, s in model.rank(query, proposal.category_id) if s > 0][: TOP * 2]
    # A unit no longer in use is not suggested; the next one takes its place.
    by_pk = {
        u.pk: u
        for u in HandlingUnit.objects.filter(
            organization_id=proposal.organization_id, pk__in=[u for u, _ in ranked], is_active=True
        )
    }
    ranked = [(u, s) for u, s in ranked if u in by_pk][:TOP]
    return [
        Suggestion(
            unit=by_pk[unit],
            score=score,
            proposals=model.counts.get(unit, 0),
            shared=vectors.shared(query, model.centroids[unit], limit=4),
        )
        for unit, score in ranked
        if unit in by_pk
    ]


def demo_step(*, organizations, log=print, **kwargs) -> None:
    """After the demo's proposals and the word counts: learn each organisation's units."""
    started = time.perf_counter()
    learned = sum(learn(org) for org in organizations)
    log(f"  承办单位推荐：{learned} 个单位的办理特征（{time.perf_counter() - started:.1f} s）")
