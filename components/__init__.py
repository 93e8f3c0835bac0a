"""Rasa plug-ins that run inside the Rasa server: custom NLU components (config.yml names them by
module path) and the tracker store that keeps personal identifiers masked (endpoints.yml).
Rasa-specific, so they live outside bot/, which never imports Rasa.

Importing the package (Rasa does when it loads the model) also applies two fixes to Rasa's
per-message hot path (components/rasa_speedups.py).
"""
from components import rasa_speedups

rasa_speedups.apply()
