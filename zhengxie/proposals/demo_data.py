"""Demo proposals: filled in by a later step."""


def build(*, organizations, scale, rng, log):
    return None
