"""How far two judges agree: `qrels-second.tsv` (a second judge, 12 topics) against `qrels.tsv`.

    python bench/relevance/agreement.py

Exact agreement and Cohen's kappa on the three grades, the linearly weighted
kappa (a 0 against a 2 counts twice a 0 against a 1), and kappa for the two
binary readings evaluate.py uses: relevant (1 or 2) for P@10, highly relevant
(2) for the first hit. Per topic, the share of equal grades.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from systems import QRELS, RELEVANCE, load_qrels

SECOND = RELEVANCE / "qrels-second.tsv"

Pairs = Sequence[tuple[int, int]]


def kappa(pairs: Pairs, distance: Callable[[int, int], float]) -> float:
    """Cohen's kappa with disagreement weights `distance` (0 when equal)."""
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    observed = sum(distance(a, b) for a, b in pairs) / len(pairs)
    expected = (
        sum(first[a] * second[b] * distance(a, b) for a in first for b in second) / len(pairs) ** 2
    )
    return 1 - observed / expected


def unequal(a: int, b: int) -> float:
    return float(a != b)


def main() -> None:
    primary, second = load_qrels(QRELS), load_qrels(SECOND)
    pairs = [
        (primary[topic][article], grade)
        for topic, grades in second.items()
        for article, grade in grades.items()
    ]
    agree = sum(a == b for a, b in pairs) / len(pairs)
    print(f"{len(pairs)} articles of {len(second)} topics graded by both judges")
    print(
        f"three grades: equal {agree:.3f}, kappa {kappa(pairs, unequal):.3f}, "
        f"weighted kappa {kappa(pairs, lambda a, b: abs(a - b) / 2):.3f}"
    )
    for name, cut in (("relevant (1-2 vs 0)", 1), ("highly relevant (2 vs 0-1)", 2)):
        binary = [(int(a >= cut), int(b >= cut)) for a, b in pairs]
        equal = sum(a == b for a, b in binary) / len(binary)
        print(f"{name}: equal {equal:.3f}, kappa {kappa(binary, unequal):.3f}")
    print(
        "per topic (equal grades):",
        ", ".join(
            f"{topic} {sum(primary[topic][a] == g for a, g in grades.items()) / len(grades):.2f}"
            for topic, grades in sorted(second.items())
        ),
    )


if __name__ == "__main__":
    main()
