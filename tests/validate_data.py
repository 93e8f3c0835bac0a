"""`rasa data validate`, strict: any warning fails, except "utterance not used in any story or
rule" for responses that the custom actions send themselves (every reply here goes through a
custom action so that strangers are refused). A response used nowhere still fails."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
WARNING = re.compile(r"UserWarning: (.*)")


def responses_sent_by_actions() -> set[str]:
    """Responses the action sends: named in actions/ or in the protocol's table of static replies."""
    sources = [*(REPO / "actions").glob("*.py"), *(REPO / "bot" / "dialogue").glob("*.py")]
    code = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    return set(re.findall(r"[\"'](utter_\w+)[\"']", code))


ANNOTATED = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def example_texts(path: Path) -> set[str]:
    """The plain text of every NLU example in a file (annotations removed)."""
    import yaml

    texts = set()
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- ") and "intent" in block:
                texts.add(ANNOTATED.sub(r"\1", line[2:]).strip())
    return texts


def heldout_seen_in_training() -> set[str]:
    """The held-out file must stay unseen: none of its messages may be a training example."""
    training = set().union(*(example_texts(p) for p in (REPO / "data" / "nlu").glob("*.yml")))
    return example_texts(REPO / "tests" / "nlu" / "heldout.yml") & training


# Values that make a message new without making its phrasing new.
SWAPPABLE = ("customer_name", "staff_name", "phone", "customer_id", "id_number", "amount")
ENTITY = re.compile(r"\[([^\]]+)\](?:\((\w+)\)|\{\s*\"entity\":\s*\"(\w+)\"[^}]*\})")


def phrasing(example: str) -> str:
    """An annotated example with names, identifiers and amounts as placeholders, digits and
    punctuation removed: "查一下[王建国](customer_name)" and "查一下[李秀英](customer_name)" are one phrasing."""

    def placeholder(match: re.Match) -> str:
        entity = match.group(2) or match.group(3)
        return f"<{entity}>" if entity in SWAPPABLE else match.group(1)

    text = ENTITY.sub(placeholder, example)
    text = re.sub(r"[cC]\d{8}|\d+", "#", text)
    return re.sub(r"[\s,,。.!!??、~～]", "", text)


def phrasings(path: Path) -> dict[str, str]:
    import yaml

    found = {}
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- ") and "intent" in block:
                found.setdefault(phrasing(line[2:]), line[2:])
    return found


def heldout_phrasings_in_training() -> list[str]:
    """Nor may a training example repeat a held-out message with only its name, number or amount
    swapped: the held-out file measures phrasings the model has not seen. The shortest commands
    ("查一下X", "X什么情况", "尾号1234的那个": under six characters besides the name or number)
    are what everybody types, and both files may have them."""
    training = {}
    for path in (REPO / "data" / "nlu").glob("*.yml"):
        training.update(phrasings(path))
    held = phrasings(REPO / "tests" / "nlu" / "heldout.yml")
    shared = [key for key in held if key in training and len(re.sub(r"<\w+>|#", "", key)) >= 6]
    return sorted(f"{held[key]!r} ~ training {training[key]!r}" for key in shared)


def main() -> int:
    rasa = str(Path(sys.executable).parent / "rasa")
    run = subprocess.run(
        [rasa, "data", "validate", "--data", "data", "--domain", "domain.yml", "--config", "config.yml"],
        cwd=REPO, capture_output=True, text=True,
    )
    output = run.stdout + run.stderr
    sent = responses_sent_by_actions()
    problems = []
    for line in output.splitlines():
        warning = WARNING.search(line)
        if not warning:
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in sent:
            continue
        problems.append(warning.group(1))
    if run.returncode != 0:
        print(output[-5000:])
        problems.append(f"rasa data validate exited with {run.returncode}")
    for text in sorted(heldout_seen_in_training()):
        problems.append(f"held-out message also in the training data: {text!r}")
    for pair in heldout_phrasings_in_training():
        problems.append(f"held-out phrasing also in the training data: {pair}")
    for problem in problems:
        print("DATA VALIDATION: " + problem)
    print("rasa data validate: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
