"""No GPL or AGPL package in the project's environment (LGPL, e.g. psycopg2, is allowed)."""
import importlib.metadata as metadata
import re


def _licence_text(dist) -> str:
    meta = dist.metadata
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    return " ".join([meta.get("License-Expression") or "", (meta.get("License") or "")[:300], *classifiers])


def test_no_gpl_or_agpl_package_installed():
    offenders = []
    for dist in metadata.distributions():
        text = _licence_text(dist)
        strong_copyleft = re.search(r"(?<!L)(?<!Lesser )\bA?GPL|Affero|(?<!Lesser )General Public License", text)
        lesser = re.search(r"LGPL|Lesser General Public|Library or Lesser", text)
        if strong_copyleft and not lesser:
            offenders.append(f"{dist.metadata['Name']}: {text.strip()[:120]}")
    assert offenders == []
