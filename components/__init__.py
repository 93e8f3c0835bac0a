"""Rasa plug-ins that run inside the Rasa server: custom NLU components (config.yml names them by
module path) and the tracker store that keeps personal identifiers masked (endpoints.yml).
Rasa-specific, so they live outside bot/, which never imports Rasa."""
