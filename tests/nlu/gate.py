"""NLU quality gate: fails `make test` when the held-out evaluation falls under the thresholds.

Reads the reports `rasa test nlu --out DIR` writes. Intent accuracy from intent_report.json;
entity F1 from the extractor the actions rely on: DIET for names, and the best of DIET and the
regex extractor for identifiers (the actions read both and prefer the pattern match).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

# Issue #2's thresholds. Training is repeatable on a machine: the same data and config give the
# same model and the same figures, run after run (random_seed 42; components/name_features.py
# emits its features in a fixed order, without which each process's hash seed gave a different
# model and customer_name moved between 0.943 and 0.983). Another CPU can move them by about a
# hundredth (README, "NLU quality"). A change of data or config is a new draw: read
# results/nlu/DIETClassifier_errors.json for what moved.
INTENT_ACCURACY = 0.95
ENTITY_F1 = {"customer_name": 0.95, "phone": 0.95, "customer_id": 0.95}
PATTERN_ENTITIES = {"phone", "customer_id", "id_number"}


def _f1(report: dict, entity: str) -> float | None:
    scores = report.get(entity)
    return None if scores is None else float(scores["f1-score"])


def main(results: Path) -> int:
    intents = json.loads((results / "intent_report.json").read_text())
    diet = json.loads((results / "DIETClassifier_report.json").read_text())
    regex_path = results / "RegexEntityExtractor_report.json"
    regex = json.loads(regex_path.read_text()) if regex_path.exists() else {}

    failures = []
    accuracy = float(intents["accuracy"])
    print(f"intent accuracy {accuracy:.3f} (gate {INTENT_ACCURACY})")
    if accuracy < INTENT_ACCURACY:
        failures.append(f"intent accuracy {accuracy:.3f} < {INTENT_ACCURACY}")
    for entity, gate in ENTITY_F1.items():
        candidates = [_f1(diet, entity)] + ([_f1(regex, entity)] if entity in PATTERN_ENTITIES else [])
        scores = [s for s in candidates if s is not None]
        score = max(scores) if scores else 0.0
        print(f"{entity} F1 {score:.3f} (gate {gate})")
        if score < gate:
            failures.append(f"{entity} F1 {score:.3f} < {gate}")
    worst = sorted(
        ((name, v["f1-score"]) for name, v in intents.items() if isinstance(v, dict) and "f1-score" in v and name not in ("macro avg", "weighted avg", "micro avg")),
        key=lambda item: item[1],
    )[:5]
    print("weakest intents: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in worst))
    for failure in failures:
        print("NLU GATE FAILED: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "results/nlu")))
