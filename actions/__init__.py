"""Rasa custom actions: thin adapters from the tracker to the services in bot/."""
from bot.privacy import install_log_masking

# The action server logs requests; no phone or ID number may reach a log in full.
install_log_masking()

# Libraries the first visit note would otherwise load while a teller waits (bot/visits/notes.py).
def _warm_up() -> None:
    import gc
    import logging
    import threading

    from bot.visits.notes.pipeline import warm_up
    from bot.vocabulary.names import warm_up as warm_up_names

    def run() -> None:
        try:
            warm_up()
            warm_up_names()
        except Exception:  # a failed warm-up only means the first visit note is slower
            logging.getLogger(__name__).warning("warm-up of the visit-note parser failed", exc_info=True)
        # What is loaded by now (Rasa SDK, SQLAlchemy, spaCy, jieba's dictionary: 400,000 objects)
        # lives as long as the process. Out of the garbage collector's sight, it no longer makes
        # each full collection a pause of every request in flight: about 200 ms -> under 1 ms
        # (`python -m bench.gc_pause`).
        gc.collect()
        gc.freeze()

    threading.Thread(target=run, name="warm-up", daemon=True).start()


_warm_up()
