"""Custom Rasa NLU components (config.yml names them by module path). Rasa-specific, so they live
outside bot/, which never imports Rasa."""
